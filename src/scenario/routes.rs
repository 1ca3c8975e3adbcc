//! What `check` can prove about every route through the pathways before anything runs: which
//! resources a patient holds at each step, and whether patients can go round a loop without
//! time passing. A compiled scenario that passes these checks cannot stop a run with the
//! engine's "already holding", "does not hold" or "loops without time passing" errors.
//!
//! Held resources are a data-flow analysis over the step graph (Kildall's worklist
//! algorithm): from each pathway that receives referrals (holding nothing) and from each
//! census group's step (holding what the group declares), the set of resources held flows
//! along every edge: a `seize` adds its resource on the way to `next` (not to its deadline
//! `fallback`), a `release` removes it, a `transfer` keeps it. For each step we keep the
//! resources held on *some* route (a union) and on *every* route (an intersection). Both are
//! 64-bit sets that only grow (resp. shrink), so each step is revisited at most 128 times:
//! linear in the number of steps and edges.
//!
//! Zero-time loops are cycles of edges that can be taken without time passing (branches,
//! releases, blocks, transfers, a `seize` granted at once, a deadline already passed, a
//! duration that can be exactly zero); they are the strongly connected components of that
//! subgraph (Tarjan's algorithm, iterative, linear).
//!
//! This module reads the compiled scenario and the file only for places; it reports into the
//! same problem list as the rest of the checks.

use std::ops::Range;

use super::diagnostics::{CensusPlace, Problems};
use super::file::ScenarioFile;
use crate::model::distribution::Distribution;
use crate::model::scenario::{DeadlineFrom, Scenario, StepKind, Wait};

/// What following an edge does to the resources held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Nothing.
    Keep,
    /// The resource (bit) is now held.
    Take(u64),
    /// The resource (bit) is no longer held.
    Give(u64),
}

impl Effect {
    fn apply(self, held: u64) -> u64 {
        match self {
            Effect::Keep => held,
            Effect::Take(bit) => held | bit,
            Effect::Give(bit) => held & !bit,
        }
    }
}

/// One edge of the step graph.
#[derive(Debug, Clone, Copy)]
struct Edge {
    /// The step it leads to.
    to: usize,
    /// What it does to the resources held.
    effect: Effect,
    /// Whether it can be taken with no time passing.
    instant: bool,
}

/// The step graph in compressed form: the edges of step `s` are `edges[start[s]..start[s+1]]`.
struct Graph {
    start: Vec<usize>,
    edges: Vec<Edge>,
}

impl Graph {
    fn of(scenario: &Scenario) -> Graph {
        let mut start = Vec::with_capacity(scenario.steps.len() + 1);
        let mut edges = Vec::new();
        for step in &scenario.steps {
            start.push(edges.len());
            let mut edge = |to: crate::model::scenario::StepId, effect, instant| {
                edges.push(Edge {
                    to: to.0 as usize,
                    effect,
                    instant,
                });
            };
            // Leaving a wait unserved: at its deadline (at once if already passed) or turned
            // away from a full queue; either way keeping what is held.
            let wait_exits = |wait: &crate::model::scenario::Wait,
                              edge: &mut dyn FnMut(
                crate::model::scenario::StepId,
                Effect,
                bool,
            )| {
                if let Some(deadline) = &wait.deadline {
                    edge(
                        deadline.fallback,
                        Effect::Keep,
                        passed_at_once(scenario, wait),
                    );
                }
                if let Some(full) = &wait.max_queue {
                    edge(full.when_full, Effect::Keep, true);
                }
            };
            match &step.kind {
                StepKind::Seize { wait, next } => {
                    edge(*next, Effect::Take(bit(wait)), true);
                    wait_exits(wait, &mut edge);
                }
                StepKind::Activity {
                    wait,
                    duration,
                    next,
                } => {
                    edge(*next, Effect::Keep, can_be_zero(duration));
                    wait_exits(wait, &mut edge);
                }
                StepKind::Release { resource, next } => {
                    edge(*next, Effect::Give(1 << resource.0), true);
                }
                StepKind::Block { next, .. } => edge(*next, Effect::Keep, true),
                // An episode lasts at least a day.
                StepKind::Visits { episode, next } => {
                    let effect = match scenario.visits[episode.0 as usize].release_at_start {
                        Some(r) => Effect::Give(1 << r.0),
                        None => Effect::Keep,
                    };
                    edge(*next, effect, false);
                }
                StepKind::Delay { duration, next } => {
                    edge(*next, Effect::Keep, can_be_zero(duration));
                }
                StepKind::Handoff { handoff, next } => {
                    let instant = can_be_zero(&handoff.processing)
                        && handoff
                            .duplicate_assessment
                            .as_ref()
                            .is_none_or(can_be_zero);
                    edge(*next, Effect::Keep, instant);
                }
                StepKind::Branch { arms } => {
                    for (_, to) in arms {
                        edge(*to, Effect::Keep, true);
                    }
                }
                StepKind::BranchOn { targets, .. } => {
                    for to in targets {
                        edge(*to, Effect::Keep, true);
                    }
                }
                StepKind::BranchOnHours { open, closed, .. } => {
                    edge(*open, Effect::Keep, true);
                    edge(*closed, Effect::Keep, true);
                }
                StepKind::Transfer { to, .. } => edge(*to, Effect::Keep, true),
                StepKind::End { .. } => {}
            }
        }
        start.push(edges.len());
        Graph { start, edges }
    }

    fn edges_of(&self, step: usize) -> &[Edge] {
        &self.edges[self.start[step]..self.start[step + 1]]
    }
}

fn bit(wait: &Wait) -> u64 {
    wait.mask
}

/// The place of `release_at_start` in the file of step `step` (counted over every pathway's
/// steps in order, as the compiled steps are), if it is a `visits` step that has one.
fn file_visits_release_span(file: &ScenarioFile, step: usize) -> Option<Range<usize>> {
    let written = file
        .pathways
        .values()
        .flat_map(|p| p.get_ref().steps.get_ref().iter())
        .nth(step)?;
    let visits = written.get_ref().visits.as_ref()?;
    visits.get_ref().release_at_start.as_ref().map(|r| r.span())
}

/// Whether a wait's deadline can already have passed when the patient arrives, sending it to
/// the fallback at once: a deadline counted from the pathway, or a zero deadline (or a
/// patience that can be drawn as zero).
fn passed_at_once(scenario: &Scenario, wait: &Wait) -> bool {
    wait.deadline.is_some_and(|d| {
        d.from == DeadlineFrom::Pathway
            || match d.patience {
                Some(p) => can_be_zero(&scenario.patience[p.0 as usize].distribution),
                None => d.limit.hours() <= 0.0,
            }
    })
}

/// Whether a draw can be exactly zero (a fixed zero, or an observed zero); continuous
/// distributions give zero with probability zero.
fn can_be_zero(distribution: &Distribution) -> bool {
    match distribution {
        Distribution::Fixed(hours) => *hours <= 0.0,
        Distribution::Empirical { values, .. } => values.iter().any(|v| *v <= 0.0),
        _ => false,
    }
}

/// Resources held on arrival at each step: on some route (`may`) and on every route (`must`).
struct Held {
    reached: Vec<bool>,
    may: Vec<u64>,
    must: Vec<u64>,
}

impl Held {
    /// Propagates `seeds` (step, resources held there) along every edge until nothing changes.
    fn flow(graph: &Graph, steps: usize, seeds: &[(usize, u64)]) -> Held {
        let mut held = Held {
            reached: vec![false; steps],
            may: vec![0; steps],
            must: vec![u64::MAX; steps],
        };
        let mut queued = vec![false; steps];
        let mut work = Vec::new();
        for &(step, set) in seeds {
            held.meet(step, set, set);
            if !std::mem::replace(&mut queued[step], true) {
                work.push(step);
            }
        }
        while let Some(step) = work.pop() {
            queued[step] = false;
            let (may, must) = (held.may[step], held.must[step]);
            for edge in graph.edges_of(step) {
                let changed = held.meet(edge.to, edge.effect.apply(may), edge.effect.apply(must));
                if changed && !std::mem::replace(&mut queued[edge.to], true) {
                    work.push(edge.to);
                }
            }
        }
        held
    }

    /// Adds a route into `step`; returns whether anything changed.
    fn meet(&mut self, step: usize, may: u64, must: u64) -> bool {
        if !std::mem::replace(&mut self.reached[step], true) {
            self.may[step] = may;
            self.must[step] = must;
            return true;
        }
        let (old_may, old_must) = (self.may[step], self.must[step]);
        self.may[step] |= may;
        self.must[step] &= must;
        self.may[step] != old_may || self.must[step] != old_must
    }
}

/// Checks held resources and zero-time loops of `scenario`, compiled from `file`, and adds a
/// located problem for each fault. Call only on a scenario compiled without problems (the
/// places are matched to steps and census groups by position).
pub fn check(file: &ScenarioFile, scenario: &Scenario, problems: &mut Problems) {
    let step_spans: Vec<Range<usize>> = file
        .pathways
        .values()
        .flat_map(|p| p.get_ref().steps.get_ref().iter())
        .map(|s| s.get_ref().name.span())
        .collect();
    if step_spans.len() != scenario.steps.len() || file.initial.len() != scenario.initial.len() {
        return;
    }
    let graph = Graph::of(scenario);
    let steps = scenario.steps.len();
    let resource = |bit: u64| {
        scenario
            .resources
            .get(bit.trailing_zeros() as usize)
            .map_or("?", |r| r.name.as_str())
    };
    let label = |step: usize| {
        let s = &scenario.steps[step];
        format!(
            "step `{}` in pathway `{}`",
            s.name, scenario.pathways[s.pathway.0 as usize].name
        )
    };

    // Patients who arrive by referral, holding nothing.
    let mut seeds: Vec<(usize, u64)> = scenario
        .sources
        .iter()
        .map(|s| (scenario.pathways[s.pathway.0 as usize].entry.0 as usize, 0))
        .collect();
    let referred = Held::flow(&graph, steps, &seeds);

    // A census group must hold what referred patients hold at its step.
    for (g, (group, written)) in scenario.initial.iter().zip(&file.initial).enumerate() {
        let about = |problems: &mut Problems, r: u64, listed: bool| {
            if let Some(last) = problems.0.pop() {
                problems.0.push(last.about_census(CensusPlace {
                    group: g,
                    resource: resource(r).to_string(),
                    listed,
                }));
            }
        };
        let step = group.step.0 as usize;
        let holding = group.holding.iter().fold(0u64, |set, r| set | (1 << r.0));
        let mut consistent = true;
        if referred.reached[step] {
            let waited_for = match &scenario.steps[step].kind {
                StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. } => bit(wait),
                _ => 0,
            };
            // Census patients at a `visits` step are already in their episode: what it gives
            // back when visits start (`release_at_start`) is behind them.
            let given_back = match &scenario.steps[step].kind {
                StepKind::Visits { episode, .. } => scenario.visits[episode.0 as usize]
                    .release_at_start
                    .map_or(0, |r| 1u64 << r.0),
                _ => 0,
            };
            let missing = referred.must[step] & !holding & !given_back;
            let extra = holding & !referred.may[step] & !waited_for;
            for r in bits(missing) {
                consistent = false;
                problems.add(
                    written
                        .get_ref()
                        .step
                        .as_ref()
                        .map_or(written.span(), |s| s.span()),
                    format!(
                        "these patients are at {}, which every patient reaches holding `{}`, but their `holding` does not list it",
                        label(step),
                        resource(r)
                    ),
                    &format!(
                        "add it: holding = [{}], or place them at a step before `{}` is seized",
                        names(holding | r, resource),
                        resource(r)
                    ),
                );
                about(problems, r, false);
            }
            for r in bits(extra) {
                consistent = false;
                problems.add(
                    written
                        .get_ref()
                        .step
                        .as_ref()
                        .map_or(written.span(), |s| s.span()),
                    format!(
                        "these patients hold `{}`, but no patient reaches {} holding it",
                        resource(r),
                        label(step)
                    ),
                    &format!(
                        "drop \"{}\" from `holding`, or place them at a step after `{}` is seized",
                        resource(r),
                        resource(r)
                    ),
                );
                about(problems, r, true);
            }
        }
        if consistent {
            seeds.push((step, holding));
        }
    }

    // Every route, census groups included: no seize of a unit held, no release of one not held.
    let held = Held::flow(&graph, steps, &seeds);
    // The same without census groups placed at a `visits` step (home already: they give
    // nothing back), for `release_at_start`.
    let travelling: Vec<(usize, u64)> = seeds
        .iter()
        .copied()
        .filter(|&(step, _)| !matches!(scenario.steps[step].kind, StepKind::Visits { .. }))
        .collect();
    let travelling = Held::flow(&graph, steps, &travelling);
    for step in (0..steps).filter(|&s| travelling.reached[s]) {
        if let StepKind::Visits { episode, .. } = &scenario.steps[step].kind
            && let Some(id) = scenario.visits[episode.0 as usize].release_at_start
            && travelling.must[step] & (1u64 << id.0) == 0
        {
            let r = resource(1u64 << id.0);
            let span =
                file_visits_release_span(file, step).unwrap_or_else(|| step_spans[step].clone());
            problems.add(
                span,
                format!(
                    "{} gives back `{r}` when visits start (`release_at_start`), but a patient can reach it without holding `{r}`",
                    label(step)
                ),
                &format!(
                    "make every route to it pass a step with seize = {{ resource = \"{r}\" }} (a deadline's `fallback` skips the seize), or leave `release_at_start` out"
                ),
            );
        }
    }
    for step in (0..steps).filter(|&s| held.reached[s]) {
        match &scenario.steps[step].kind {
            StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. } => {
                let r = bit(wait);
                if held.may[step] & r != 0 {
                    problems.add(
                        step_spans[step].clone(),
                        format!(
                            "{} waits for `{}`, but a patient can reach it already holding a unit of `{}` (seized earlier and not released on the way)",
                            label(step),
                            resource(r),
                            resource(r)
                        ),
                        &format!(
                            "add a step with release = {{ resource = \"{}\" }} before it on every route that seizes it, or drop this wait: a patient holds at most one unit of each resource",
                            resource(r)
                        ),
                    );
                }
            }
            StepKind::Release { resource: id, .. } | StepKind::Block { resource: id, .. } => {
                let r = 1u64 << id.0;
                if held.must[step] & r == 0 {
                    let verb = if matches!(scenario.steps[step].kind, StepKind::Release { .. }) {
                        "releases"
                    } else {
                        "blocks"
                    };
                    problems.add(
                        step_spans[step].clone(),
                        format!(
                            "{} {verb} `{}`, but a patient can reach it without holding `{}`",
                            label(step),
                            resource(r),
                            resource(r)
                        ),
                        &format!(
                            "make every route to it pass a step with seize = {{ resource = \"{}\" }} (a deadline's `fallback` skips the seize), and list \"{}\" in the `holding` of patients present at the start beyond the seize",
                            resource(r),
                            resource(r)
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    for cycle in instant_cycles(&graph, steps) {
        let first = cycle[0];
        let names: Vec<String> = cycle
            .iter()
            .take(6)
            .map(|&s| format!("`{}`", scenario.steps[s].name))
            .collect();
        let more = if cycle.len() > 6 { ", ..." } else { "" };
        let message = if cycle.len() == 1 {
            format!(
                "{} can lead straight back to itself without any time passing; a patient could go round for ever at one instant",
                label(first)
            )
        } else {
            format!(
                "steps {}{more} (from {}) form a loop that can be gone round without any time passing; a patient could go round for ever at one instant",
                names.join(", "),
                label(first)
            )
        };
        problems.add(
            step_spans[first].clone(),
            message,
            "put a step that takes time on the loop (a delay, an activity, a handoff with a duration above zero), or point the branch elsewhere",
        );
    }
}

/// The single bits of `set`, lowest first.
fn bits(set: u64) -> impl Iterator<Item = u64> {
    (0..64).map(|i| 1u64 << i).filter(move |b| set & b != 0)
}

/// The resources of `set` as a TOML list body: `"bed", "nurse"`.
fn names<'a>(set: u64, name: impl Fn(u64) -> &'a str) -> String {
    bits(set)
        .map(|b| format!("\"{}\"", name(b)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The loops of instantaneous edges: strongly connected components with more than one step,
/// or one step with an instantaneous edge to itself. Each lists its steps in id order.
/// Tarjan's algorithm with an explicit stack, linear in steps and edges.
fn instant_cycles(graph: &Graph, steps: usize) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; steps];
    let mut low = vec![0; steps];
    let mut on_stack = vec![false; steps];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut cycles = Vec::new();
    // Call frames: (step, position in its edge list).
    let mut frames: Vec<(usize, usize)> = Vec::new();
    for root in 0..steps {
        if index[root] != UNSEEN {
            continue;
        }
        frames.push((root, 0));
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (step, ref mut position)) = frames.last_mut() {
            let edges = graph.edges_of(step);
            if let Some(edge) = edges.get(*position) {
                *position += 1;
                if !edge.instant {
                    continue;
                }
                let to = edge.to;
                if index[to] == UNSEEN {
                    index[to] = next_index;
                    low[to] = next_index;
                    next_index += 1;
                    stack.push(to);
                    on_stack[to] = true;
                    frames.push((to, 0));
                } else if on_stack[to] {
                    low[step] = low[step].min(index[to]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[step]);
            }
            if low[step] == index[step] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == step {
                        break;
                    }
                }
                let self_loop = graph
                    .edges_of(step)
                    .iter()
                    .any(|e| e.instant && e.to == step);
                if component.len() > 1 || self_loop {
                    component.sort_unstable();
                    cycles.push(component);
                }
            }
        }
    }
    cycles.sort_by_key(|c| c[0]);
    cycles
}
