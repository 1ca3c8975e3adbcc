//! Route counts: how many patients moved along each arrow of the pathway diagram (from one
//! step to the next) during the measured period.
//!
//! The routes of a scenario are fixed by its steps alone: every step's possible next steps
//! (its `next`, a deadline's fallback, the arms of a branch, a transfer's target), each
//! pair listed once. They are laid out flat, step by step, so the event loop counts a move
//! with one short scan of the leaving step's few routes and one increment: no allocation,
//! no name.

use crate::model::scenario::{Scenario, StepId, StepKind};

/// The routes out of every step, flat: the routes of step `s` are
/// `targets[spans[s].0..spans[s].1]`.
#[derive(Debug, Clone)]
pub struct RouteTable {
    /// Per step, the range of its routes in `targets`.
    spans: Vec<(u32, u32)>,
    /// The step each route leads to.
    targets: Vec<StepId>,
}

impl RouteTable {
    /// The routes of `scenario`, in step order, and within a step in the order of
    /// [`successors`].
    pub fn new(scenario: &Scenario) -> Self {
        let mut spans = Vec::with_capacity(scenario.steps.len());
        let mut targets: Vec<StepId> = Vec::new();
        for step in &scenario.steps {
            let start = targets.len();
            for next in successors(&step.kind) {
                if !targets[start..].contains(&next) {
                    targets.push(next);
                }
            }
            spans.push((start as u32, targets.len() as u32));
        }
        RouteTable { spans, targets }
    }

    /// Number of routes.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether the scenario has no routes at all.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Every route as (from, to), in index order.
    pub fn routes(&self) -> impl Iterator<Item = (StepId, StepId)> + '_ {
        self.spans.iter().enumerate().flat_map(|(from, span)| {
            self.targets[span.0 as usize..span.1 as usize]
                .iter()
                .map(move |to| (StepId(from as u32), *to))
        })
    }

    /// How many routes leave `from`.
    pub fn out_degree(&self, from: StepId) -> usize {
        self.spans
            .get(from.0 as usize)
            .map_or(0, |span| (span.1 - span.0) as usize)
    }

    /// The index of the route from `from` to `to`, if the scenario has one: one look at
    /// the step's span, then a scan of its few routes (the first, its `next`, is the
    /// usual one).
    #[inline]
    pub fn index(&self, from: StepId, to: StepId) -> Option<usize> {
        let &(start, end) = self.spans.get(from.0 as usize)?;
        let (start, end) = (start as usize, end as usize);
        self.targets
            .get(start..end)?
            .iter()
            .position(|&t| t == to)
            .map(|i| start + i)
    }
}

/// The steps a patient can move to from a step of this kind, possibly with repeats: the
/// `next` step, a deadline's fallback, a full queue's `when_full`, every arm of a branch, a transfer's target; none
/// after an `end`.
pub fn successors(kind: &StepKind) -> Vec<StepId> {
    match kind {
        StepKind::Seize { wait, next } | StepKind::Activity { wait, next, .. } => {
            let mut out = vec![*next];
            out.extend(wait.deadline.map(|d| d.fallback));
            out.extend(wait.max_queue.map(|m| m.when_full));
            out
        }
        StepKind::Release { next, .. }
        | StepKind::Delay { next, .. }
        | StepKind::Handoff { next, .. }
        | StepKind::Visits { next, .. }
        | StepKind::Block { next, .. } => vec![*next],
        StepKind::Branch { arms } => arms.iter().map(|a| a.1).collect(),
        StepKind::BranchOn { targets, .. } => targets.clone(),
        StepKind::BranchOnHours { open, closed, .. } => vec![*open, *closed],
        StepKind::End { .. } => Vec::new(),
        StepKind::Transfer { to, .. } => vec![*to],
    }
}

/// The metric name of the route from `from` to `to`: `route.<pathway>.<from>.<to>`, or
/// `route.<pathway>.<from>.<other pathway>.<to>` for a transfer into another pathway.
pub fn route_metric(scenario: &Scenario, from: StepId, to: StepId) -> String {
    let (a, b) = (
        &scenario.steps[from.0 as usize],
        &scenario.steps[to.0 as usize],
    );
    let pathway = &scenario.pathways[a.pathway.0 as usize].name;
    if a.pathway == b.pathway {
        format!("route.{pathway}.{}.{}", a.name, b.name)
    } else {
        let other = &scenario.pathways[b.pathway.0 as usize].name;
        format!("route.{pathway}.{}.{other}.{}", a.name, b.name)
    }
}
