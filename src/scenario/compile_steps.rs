//! Compiles pathway steps: resolves step, resource, calendar and attribute names to ids,
//! checks each step's parameters, ranks wait priorities, and checks the pathway graph
//! (every step reachable, every reachable step able to reach an end).

use std::collections::BTreeMap;

use toml::Spanned;

use super::compile::{Names, Problems, compile_distribution};
use super::file::{ScenarioFile, StepFile, WaitFile};
use crate::kernel::StreamKey;
use crate::model::distribution::Distribution;
use crate::model::scenario::{
    AttributeId, CalendarId, Deadline, DeadlineFrom, Handoff, HandoffId, MaxQueue, OpenWhen,
    Outcome, OutcomeId, Pathway, PathwayId, Patience, PatienceId, Step, StepId, StepKind, Wait,
    WaitId, WaitTarget,
};

/// The compiled steps and what the rest of compilation needs from them.
#[derive(Debug)]
pub struct CompiledSteps {
    /// Every step, pathway by pathway.
    pub steps: Vec<Step>,
    /// Pathways with their entry steps.
    pub pathways: Vec<Pathway>,
    /// Global step id by (pathway index, step name).
    pub step_index: BTreeMap<(usize, String), u32>,
    /// Distinct priorities waiting for each resource, highest first.
    pub priority_levels: Vec<Vec<i64>>,
    /// Waiting points and handoffs, in step order.
    pub waits_and_handoffs: (Vec<StepId>, Vec<StepId>),
    /// Each waiting point's targets, by wait index.
    pub wait_targets: Vec<Vec<WaitTarget>>,
    /// Each waiting point's cost per patient-day waiting [GBP/patient-day], by wait index;
    /// `None` where none is written.
    pub wait_costs: Vec<Option<f64>>,
    /// Requests for several units, resources or alternatives (see `scenario::requests`).
    pub requests: Vec<crate::model::scenario::ResourceRequest>,
    /// The requests as written, with their places, for checks against capacities.
    pub pending_requests: Vec<super::requests::PendingRequest>,
    /// Per resource: whether a request shares its queue.
    pub shared: Vec<bool>,
    /// Deadlines drawn per patient, by `PatienceId`.
    pub patience: Vec<Patience>,
    /// Home-visit episodes, by [`crate::model::visit_plan::VisitsId`].
    pub visits: Vec<crate::model::visit_plan::VisitEpisode>,
}

/// Compiles the `[pathways]` of one file.
pub struct StepCompiler<'a> {
    file: &'a ScenarioFile,
    names: &'a Names,
    problems: &'a mut Problems,
    outcomes: &'a mut Vec<Outcome>,
    step_index: BTreeMap<(usize, String), u32>,
    /// Id of each pathway's first step (the next pathway's first if it has none).
    first_steps: Vec<u32>,
    /// Outcome ids by name, so each `end` finds its outcome without a scan.
    outcome_index: BTreeMap<String, OutcomeId>,
    priorities: Vec<(usize, usize, i64)>,
    waits: Vec<StepId>,
    wait_targets: Vec<Vec<WaitTarget>>,
    wait_costs: Vec<Option<f64>>,
    handoffs: Vec<StepId>,
    /// Requests for more than one unit of one resource, by step.
    pending_requests: Vec<super::requests::PendingRequest>,
    /// Each waiting step's priority, as (step, priority).
    step_priorities: Vec<(usize, i64)>,
    /// Deadlines drawn per patient, in the order met.
    patience: Vec<Patience>,
    /// Every step's name, by global step id (for stream purposes).
    step_names: Vec<String>,
    /// Home-visit episodes compiled so far.
    visits: Vec<crate::model::visit_plan::VisitEpisode>,
}

/// Names of the step kinds, in the order they are listed to the user.
const KINDS: [&str; 12] = [
    "seize",
    "release",
    "activity",
    "delay",
    "handoff",
    "branch",
    "branch_on",
    "branch_on_hours",
    "block",
    "end",
    "transfer",
    "visits",
];

impl<'a> StepCompiler<'a> {
    /// A compiler for the pathways of `file`, reporting into `problems`.
    pub fn new(
        file: &'a ScenarioFile,
        names: &'a Names,
        problems: &'a mut Problems,
        outcomes: &'a mut Vec<Outcome>,
    ) -> Self {
        StepCompiler {
            file,
            names,
            problems,
            outcomes,
            step_index: BTreeMap::new(),
            first_steps: Vec::new(),
            outcome_index: BTreeMap::new(),
            priorities: Vec::new(),
            waits: Vec::new(),
            wait_targets: Vec::new(),
            wait_costs: Vec::new(),
            handoffs: Vec::new(),
            pending_requests: Vec::new(),
            step_priorities: Vec::new(),
            patience: Vec::new(),
            step_names: Vec::new(),
            visits: Vec::new(),
        }
    }

    /// Compiles every pathway.
    pub fn compile(&mut self) -> CompiledSteps {
        let file = self.file;
        let mut first_steps = Vec::new();
        for outcome in self.outcomes.iter().enumerate() {
            let id = OutcomeId(u16::try_from(outcome.0).unwrap_or(u16::MAX));
            self.outcome_index.insert(outcome.1.name.clone(), id);
        }
        for (pathway_index, (pathway_name, pathway)) in file.pathways.iter().enumerate() {
            let steps = pathway.get_ref().steps.get_ref();
            if steps.is_empty() {
                self.problems.add(
                    pathway.get_ref().steps.span(),
                    format!("pathway `{pathway_name}` has no steps"),
                    "add at least one step, ending with an `end` step",
                );
            }
            first_steps.push(self.step_index.len() as u32);
            for step in steps {
                let name = step.get_ref().name.get_ref().clone();
                let id = self.step_index.len() as u32;
                if self
                    .step_index
                    .insert((pathway_index, name.clone()), id)
                    .is_some()
                {
                    self.problems.add(
                        step.get_ref().name.span(),
                        format!("pathway `{pathway_name}` has two steps called `{name}`"),
                        "give each step of a pathway its own name",
                    );
                }
            }
        }
        self.first_steps.clone_from(&first_steps);
        self.step_names = file
            .pathways
            .values()
            .flat_map(|p| p.get_ref().steps.get_ref().iter())
            .map(|s| s.get_ref().name.get_ref().clone())
            .collect();
        let mut steps = Vec::new();
        let mut pathways = Vec::new();
        for (pathway_index, (pathway_name, pathway)) in file.pathways.iter().enumerate() {
            let list = pathway.get_ref().steps.get_ref();
            for (position, step) in list.iter().enumerate() {
                let following = list
                    .get(position + 1)
                    .map(|_| StepId(steps.len() as u32 + 1));
                let kind = self.compile_step(
                    pathway_index,
                    pathway_name,
                    step,
                    following,
                    StepId(steps.len() as u32),
                );
                steps.push(Step {
                    name: step.get_ref().name.get_ref().clone(),
                    pathway: PathwayId(pathway_index as u16),
                    kind: kind.unwrap_or(StepKind::Release {
                        resource: crate::model::scenario::ResourceId(0),
                        next: StepId(0),
                    }),
                    stream: StreamKey::named(&format!(
                        "step:{pathway_name}/{}",
                        step.get_ref().name.get_ref()
                    )),
                });
            }
            pathways.push(Pathway {
                name: pathway_name.clone(),
                entry: StepId(first_steps[pathway_index]),
                outcomes: Vec::new(),
            });
        }
        let priority_levels = self.rank_priorities(&mut steps);
        let priorities: BTreeMap<usize, i64> = self.step_priorities.iter().copied().collect();
        let (requests, shared) =
            super::requests::build(&mut steps, &self.pending_requests, &priority_levels, &|s| {
                priorities.get(&s).copied().unwrap_or(0)
            });
        self.check_graph(&steps, &mut pathways);
        CompiledSteps {
            steps,
            pathways,
            step_index: std::mem::take(&mut self.step_index),
            priority_levels,
            waits_and_handoffs: (
                std::mem::take(&mut self.waits),
                std::mem::take(&mut self.handoffs),
            ),
            wait_targets: std::mem::take(&mut self.wait_targets),
            wait_costs: std::mem::take(&mut self.wait_costs),
            requests,
            pending_requests: std::mem::take(&mut self.pending_requests),
            shared,
            patience: std::mem::take(&mut self.patience),
            visits: std::mem::take(&mut self.visits),
        }
    }

    fn step_named(
        &mut self,
        pathway_index: usize,
        pathway_name: &str,
        wanted: &Spanned<String>,
    ) -> Option<StepId> {
        let found = self
            .step_index
            .get(&(pathway_index, wanted.get_ref().clone()))
            .copied();
        if found.is_none() {
            let names: Vec<String> = self
                .step_index
                .keys()
                .filter(|(p, _)| *p == pathway_index)
                .map(|(_, n)| n.clone())
                .collect();
            Names::resolve(
                self.problems,
                &names,
                wanted,
                &format!("step in pathway `{pathway_name}`"),
            );
        }
        found.map(StepId)
    }

    fn compile_step(
        &mut self,
        pathway_index: usize,
        pathway_name: &str,
        step: &Spanned<StepFile>,
        following: Option<StepId>,
        this: StepId,
    ) -> Option<StepKind> {
        let s = step.get_ref();
        let step_name = s.name.get_ref();
        let present: Vec<(&str, std::ops::Range<usize>)> = [
            s.seize.as_ref().map(|k| k.span()),
            s.release.as_ref().map(|k| k.span()),
            s.activity.as_ref().map(|k| k.span()),
            s.delay.as_ref().map(|k| k.span()),
            s.handoff.as_ref().map(|k| k.span()),
            s.branch.as_ref().map(|k| k.span()),
            s.branch_on.as_ref().map(|k| k.span()),
            s.branch_on_hours.as_ref().map(|k| k.span()),
            s.block.as_ref().map(|k| k.span()),
            s.end.as_ref().map(|k| k.span()),
            s.transfer.as_ref().map(|k| k.span()),
            s.visits.as_ref().map(|k| k.span()),
        ]
        .into_iter()
        .zip(KINDS)
        .filter_map(|(span, kind)| span.map(|span| (kind, span)))
        .collect();
        match present.as_slice() {
            [] => {
                self.problems.add(s.name.span(), format!("step `{step_name}` in pathway `{pathway_name}` says nothing about what happens"), &format!("add exactly one of: {}", KINDS.join(", ")));
                return None;
            }
            [_] => {}
            [(first, _), (second, span), ..] => {
                self.problems.add(
                    span.clone(),
                    format!("step `{step_name}` has both `{first}` and `{second}`"),
                    "a step does one thing; split it into two steps",
                );
                return None;
            }
        }
        let continues = !matches!(
            present[0].0,
            "branch" | "branch_on" | "branch_on_hours" | "end" | "transfer"
        );
        let next = match (&s.next, continues) {
            (Some(next), true) => self.step_named(pathway_index, pathway_name, next),
            (Some(next), false) => {
                self.problems.add(
                    next.span(),
                    format!("`next` has no effect on a `{}` step", present[0].0),
                    "delete `next`; this kind of step chooses where the patient goes itself",
                );
                None
            }
            (None, true) => {
                if following.is_none() {
                    self.problems.add(s.name.span(), format!("`{step_name}` is the last step of pathway `{pathway_name}`, so patients would have nowhere to go"), "add an `end = { outcome = \"...\" }` step after it, or a `next`");
                }
                following
            }
            (None, false) => Some(this),
        };
        let stream_label = format!("{pathway_name}.{step_name}");
        if let Some(wait) = &s.seize {
            if let Some(duration) = &wait.get_ref().duration {
                self.problems.add(
                    duration.span(),
                    "`seize` takes no `duration`; the unit is kept until a `release` step",
                    "use `activity` to seize, work for a duration and release in one step",
                );
            }
            let wait = self.compile_wait(pathway_index, pathway_name, wait, this, true)?;
            return Some(StepKind::Seize { wait, next: next? });
        }
        if let Some(activity) = &s.activity {
            let duration = match &activity.get_ref().duration {
                Some(d) => compile_distribution(self.problems, d),
                None => {
                    self.problems.add(activity.span(), format!("activity `{stream_label}` has no `duration`"), "e.g. duration = { triangular = { min = \"45 min\", mode = \"75 min\", max = \"120 min\" } }");
                    None
                }
            };
            let wait = self.compile_wait(pathway_index, pathway_name, activity, this, false)?;
            return Some(StepKind::Activity {
                wait,
                duration: duration?,
                next: next?,
            });
        }
        if let Some(release) = &s.release {
            let resource = self
                .names
                .resource(self.problems, &release.get_ref().resource)?;
            return Some(StepKind::Release {
                resource,
                next: next?,
            });
        }
        if let Some(block) = &s.block {
            let resource = self
                .names
                .resource(self.problems, &block.get_ref().resource)?;
            return Some(StepKind::Block {
                resource,
                next: next?,
            });
        }
        if let Some(visits) = &s.visits {
            let episode = super::visits::compile_visits(
                self.problems,
                self.names,
                visits,
                pathway_name,
                step_name,
            )?;
            let id = crate::model::visit_plan::VisitsId(u16::try_from(self.visits.len()).ok()?);
            self.visits.push(episode);
            return Some(StepKind::Visits {
                episode: id,
                next: next?,
            });
        }
        if let Some(delay) = &s.delay {
            let duration = compile_distribution(self.problems, &delay.get_ref().duration)?;
            return Some(StepKind::Delay {
                duration,
                next: next?,
            });
        }
        if let Some(handoff) = &s.handoff {
            let h = handoff.get_ref();
            let hours = h
                .hours
                .as_ref()
                .and_then(|name| {
                    Names::resolve(self.problems, &self.names.calendars, name, "calendar")
                })
                .map(|i| CalendarId(i as u16));
            let processing = compile_distribution(self.problems, &h.processing);
            let bounce_probability = h.bounce_probability.as_ref().map_or(0.0, |p| {
                if !(0.0..=1.0).contains(p.get_ref()) {
                    self.problems.add(
                        p.span(),
                        format!(
                            "`bounce_probability` must be between 0 and 1, found {}",
                            p.get_ref()
                        ),
                        "e.g. bounce_probability = 0.05 for one referral in twenty",
                    );
                }
                *p.get_ref()
            });
            let rework = h
                .rework
                .as_ref()
                .and_then(|d| compile_distribution(self.problems, d));
            if bounce_probability > 0.0 && h.rework.is_none() {
                let span = h
                    .bounce_probability
                    .as_ref()
                    .map_or(handoff.span(), |p| p.span());
                self.problems.add(span, "referrals can bounce but no `rework` time is given", "add e.g. rework = { fixed = \"1 d\" }: the time before a bounced referral is re-sent");
            }
            if let (Some(Distribution::Fixed(zero)), Some(spanned)) = (&rework, &h.rework)
                && *zero <= 0.0
                && bounce_probability > 0.0
            {
                self.problems.add(
                    spanned.span(),
                    "`rework` of zero would re-send a bounced referral instantly, forever",
                    "give the rework a positive duration",
                );
            }
            let duplicate_assessment = h
                .duplicate_assessment
                .as_ref()
                .and_then(|d| compile_distribution(self.problems, d));
            let by = super::staffing::handoff_staff(self.problems, self.names, h);
            if let Some(staff) = by {
                // Its priority (0 by default), so that the resource's queue has a level for it.
                let priority = super::staffing::handoff_priority(h);
                self.priorities
                    .push((this.0 as usize, staff.resource.0 as usize, priority));
            }
            let index = HandoffId(self.handoffs.len() as u32);
            self.handoffs.push(this);
            return Some(StepKind::Handoff {
                handoff: Handoff {
                    hours,
                    processing: processing?,
                    bounce_probability,
                    rework,
                    duplicate_assessment,
                    by,
                    index,
                },
                next: next?,
            });
        }
        if let Some(branch) = &s.branch {
            let arms_file = branch.get_ref();
            if arms_file.is_empty() {
                self.problems.add(branch.span(), "`branch` has no arms", "e.g. branch = [{ to = \"home\", probability = 0.75 }, { to = \"hospital\", probability = 0.25 }]");
                return None;
            }
            let probabilities: Vec<f64> =
                arms_file.iter().map(|a| *a.probability.get_ref()).collect();
            for arm in arms_file {
                if !(0.0..=1.0).contains(arm.probability.get_ref()) {
                    self.problems.add(
                        arm.probability.span(),
                        format!(
                            "`probability` must be between 0 and 1, found {}",
                            arm.probability.get_ref()
                        ),
                        "write a share of patients as a fraction, e.g. probability = 0.25 for a quarter",
                    );
                }
            }
            let sum: f64 = probabilities.iter().sum();
            if (sum - 1.0).abs() > 1e-6 {
                self.problems.add(
                    branch.span(),
                    format!(
                        "the probabilities of `branch` in step `{step_name}` sum to {sum}, not 1"
                    ),
                    "adjust them so they add up to exactly 1",
                );
            }
            let mut cumulative = 0.0;
            let mut arms = Vec::new();
            for arm in arms_file {
                cumulative += arm.probability.get_ref();
                if let Some(target) = self.step_named(pathway_index, pathway_name, &arm.to) {
                    arms.push((cumulative / sum.max(f64::MIN_POSITIVE), target));
                }
            }
            if let Some(last) = arms.last_mut() {
                last.0 = 1.0;
            }
            return (arms.len() == arms_file.len()).then_some(StepKind::Branch { arms });
        }
        if let Some(branch_on) = &s.branch_on {
            let b = branch_on.get_ref();
            let names: Vec<String> = self.names.attributes.iter().map(|a| a.0.clone()).collect();
            let attribute = Names::resolve(self.problems, &names, &b.attribute, "attribute")?;
            let values = self.names.attributes[attribute].1.clone();
            let mut targets = vec![None; values.len()];
            for (value, target) in b.to.get_ref() {
                match values.iter().position(|v| v == value) {
                    Some(category) => {
                        targets[category] = self.step_named(pathway_index, pathway_name, target)
                    }
                    None => self.problems.add(
                        target.span(),
                        format!(
                            "`{value}` is not a value of attribute `{}`",
                            b.attribute.get_ref()
                        ),
                        &format!("values: {}", values.join(", ")),
                    ),
                }
            }
            let missing: Vec<&str> = values
                .iter()
                .zip(&targets)
                .filter(|(_, t)| t.is_none())
                .map(|(v, _)| v.as_str())
                .collect();
            if !missing.is_empty()
                && b.to.get_ref().len() >= targets.iter().filter(|t| t.is_some()).count()
            {
                let unlisted: Vec<&str> = missing
                    .iter()
                    .copied()
                    .filter(|v| !b.to.get_ref().contains_key(*v))
                    .collect();
                if !unlisted.is_empty() {
                    self.problems.add(
                        b.to.span(),
                        format!(
                            "`branch_on` does not say where patients with {} `{}` go",
                            b.attribute.get_ref(),
                            unlisted.join("`, `")
                        ),
                        "list a step for every value of the attribute",
                    );
                }
            }
            let targets: Option<Vec<StepId>> = targets.into_iter().collect();
            return Some(StepKind::BranchOn {
                attribute: AttributeId(attribute as u8),
                targets: targets?,
            });
        }
        if let Some(branch) = &s.branch_on_hours {
            let b = branch.get_ref();
            let hours = match (&b.calendar, &b.resource) {
                (Some(calendar), None) => {
                    Names::resolve(self.problems, &self.names.calendars, calendar, "calendar")
                        .map(|i| OpenWhen::Calendar(CalendarId(i as u16)))
                }
                (None, Some(resource)) => self
                    .names
                    .resource(self.problems, resource)
                    .map(OpenWhen::Staffed),
                _ => {
                    self.problems.add(
                        branch.span(),
                        "`branch_on_hours` needs exactly one of `calendar` or `resource`",
                        "e.g. branch_on_hours = { resource = \"rr_nurse\", open = \"visit\", closed = \"out_of_hours\" }",
                    );
                    None
                }
            };
            let open = self.step_named(pathway_index, pathway_name, &b.open);
            let closed = self.step_named(pathway_index, pathway_name, &b.closed);
            return Some(StepKind::BranchOnHours {
                hours: hours?,
                open: open?,
                closed: closed?,
            });
        }
        if let Some(end) = &s.end {
            let outcome = self.outcome(end.get_ref().outcome.get_ref(), end.span())?;
            return Some(StepKind::End { outcome });
        }
        if let Some(transfer) = &s.transfer {
            let t = transfer.get_ref();
            let pathway = self.names.pathway(self.problems, &t.pathway)?;
            let to = match &t.step {
                Some(step) => self.step_named(pathway.0 as usize, t.pathway.get_ref(), step)?,
                None => StepId(self.first_step_of(pathway.0 as usize)?),
            };
            let outcome = self.outcome(&format!("to_{}", t.pathway.get_ref()), transfer.span())?;
            return Some(StepKind::Transfer { outcome, to });
        }
        None
    }

    /// The id of outcome `name`, adding it on first use; `None` (with a problem at `span`)
    /// once there are more outcomes than an [`OutcomeId`] can number.
    fn outcome(&mut self, name: &str, span: std::ops::Range<usize>) -> Option<OutcomeId> {
        if let Some(id) = self.outcome_index.get(name) {
            return Some(*id);
        }
        let Some(index) = u16::try_from(self.outcomes.len())
            .ok()
            .filter(|i| *i < u16::MAX)
        else {
            self.problems.add(
                span,
                format!("more than {} different outcomes", u16::MAX),
                "use fewer outcome names; outcomes are counted per pathway, so \"discharged\" can be shared",
            );
            return None;
        };
        let id = OutcomeId(index);
        self.outcomes.push(Outcome {
            name: name.to_string(),
            cost: 0.0,
        });
        self.outcome_index.insert(name.to_string(), id);
        Some(id)
    }

    fn first_step_of(&self, pathway_index: usize) -> Option<u32> {
        // The pathway's steps have the ids from its first step's up to the next pathway's.
        let first = *self.first_steps.get(pathway_index)?;
        let end = self
            .first_steps
            .get(pathway_index + 1)
            .copied()
            .unwrap_or(u32::MAX);
        (first < end && self.step_index.len() as u64 > u64::from(first)).then_some(first)
    }

    fn compile_wait(
        &mut self,
        pathway_index: usize,
        pathway_name: &str,
        wait: &Spanned<WaitFile>,
        this: StepId,
        seize: bool,
    ) -> Option<Wait> {
        let w = wait.get_ref();
        let resolved =
            super::requests::resolve_wait(self.problems, self.names, wait, this.0 as usize, seize);
        let priority = w.priority.as_ref().map_or(0, |p| *p.get_ref());
        let from = match w
            .deadline_from
            .as_ref()
            .map(|f| (f.get_ref().as_str(), f.span()))
        {
            None | Some(("step", _)) => DeadlineFrom::Step,
            Some(("pathway", _)) => DeadlineFrom::Pathway,
            Some((other, span)) => {
                self.problems.add(span, format!("`deadline_from` must be \"step\" or \"pathway\", found \"{other}\""), "\"pathway\" starts the clock when the patient entered the pathway (e.g. the referral); \"step\" when they reached this step");
                DeadlineFrom::Step
            }
        };
        let deadline = match (&w.deadline, &w.fallback) {
            (Some(limit), Some(fallback)) => {
                let length = super::patience::compile_deadline(self.problems, limit);
                let fallback = self.step_named(pathway_index, pathway_name, fallback);
                let (limit, patience) = length?;
                let patience = patience.map(|distribution| {
                    self.patience.push(Patience {
                        distribution,
                        stream: StreamKey::named(&format!(
                            "patience:{pathway_name}/{}",
                            self.step_names[this.0 as usize]
                        )),
                    });
                    PatienceId(self.patience.len() as u32 - 1)
                });
                fallback.map(|fallback| Deadline {
                    limit,
                    patience,
                    from,
                    fallback,
                })
            }
            (Some(limit), None) => {
                self.problems.add(limit.span(), "a `deadline` needs a `fallback` step", "add e.g. fallback = \"convey_to_ed\": where patients go when nobody is free in time");
                None
            }
            (None, Some(fallback)) => {
                self.problems.add(
                    fallback.span(),
                    "a `fallback` needs a `deadline`",
                    "add e.g. deadline = \"2 h\"",
                );
                None
            }
            (None, None) => None,
        };
        if w.deadline_from.is_some()
            && w.deadline.is_none()
            && let Some(f) = &w.deadline_from
        {
            self.problems.add(
                f.span(),
                "`deadline_from` without a `deadline`",
                "add a deadline or delete `deadline_from`",
            );
        }
        let max_queue = match (&w.max_queue, &w.when_full) {
            (Some(places), Some(when_full)) => {
                let places = super::patience::compile_max_queue(self.problems, places);
                let when_full = self.step_named(pathway_index, pathway_name, when_full);
                Some(MaxQueue {
                    places: places?,
                    when_full: when_full?,
                })
            }
            (Some(places), None) => {
                self.problems.add(places.span(), "`max_queue` needs a `when_full` step", "add e.g. when_full = \"turned_away\": where patients go when the queue is full");
                None
            }
            (None, Some(when_full)) => {
                self.problems.add(
                    when_full.span(),
                    "`when_full` needs a `max_queue`",
                    "add e.g. max_queue = 10, or delete `when_full`",
                );
                None
            }
            (None, None) => None,
        };
        let targets = self.compile_targets(w);
        let cost = w.cost_per_day_waiting.as_ref().map(|rate| {
            super::compile::non_negative_cost(self.problems, Some(rate), "cost_per_day_waiting")
        });
        let (resource, mask, pending) = resolved?;
        match &pending {
            Some(p) => {
                for (r, _) in &p.parts {
                    self.priorities
                        .push((this.0 as usize, r.0 as usize, priority));
                }
            }
            None => self
                .priorities
                .push((this.0 as usize, resource.0 as usize, priority)),
        }
        self.step_priorities.push((this.0 as usize, priority));
        self.pending_requests.extend(pending);
        let index = WaitId(self.waits.len() as u32);
        self.waits.push(this);
        self.wait_targets.push(targets);
        self.wait_costs.push(cost);
        Some(Wait {
            resource,
            priority_rank: 0,
            deadline,
            max_queue,
            index,
            request: None,
            mask,
        })
    }

    /// A wait's `targets`: each a duration of at least zero, no two the same. A target's
    /// name is its text without spaces, the decimal point as `_` (`"1.5 h"` is `1_5h`).
    fn compile_targets(&mut self, w: &WaitFile) -> Vec<WaitTarget> {
        let mut targets: Vec<WaitTarget> = Vec::new();
        for target in w.targets.iter().flatten() {
            let text = target.get_ref();
            if text.amount < 0.0 {
                self.problems.add(
                    target.span(),
                    "a wait target cannot be negative",
                    "write how long a wait may be, e.g. targets = [\"1 h\", \"4 h\"]",
                );
                continue;
            }
            let name = text
                .to_string()
                .replace(' ', "")
                .replace(['.', '-', '+'], "_");
            let limit = text.to_sim();
            if let Some(same) = targets.iter().find(|t| t.name == name || t.limit == limit) {
                let message = if same.name == name {
                    format!("wait target `{text}` is listed twice")
                } else {
                    format!(
                        "wait target `{text}` is the same length as target `{}` listed before it",
                        same.name
                    )
                };
                self.problems.add(
                    target.span(),
                    message,
                    "list each target once, in one unit (\"1 h\" and \"60 min\" are one target)",
                );
                continue;
            }
            targets.push(WaitTarget { name, limit });
        }
        targets
    }

    /// Ranks each resource's priorities (highest first) and stores each wait's rank.
    fn rank_priorities(&self, steps: &mut [Step]) -> Vec<Vec<i64>> {
        let mut levels: Vec<Vec<i64>> = vec![Vec::new(); self.names.resources.len()];
        for &(_, resource, priority) in &self.priorities {
            levels[resource].push(priority);
        }
        for list in &mut levels {
            list.sort_unstable_by(|a, b| b.cmp(a));
            list.dedup();
        }
        for &(step, resource, priority) in &self.priorities {
            let rank = levels[resource]
                .iter()
                .position(|p| *p == priority)
                .unwrap_or(0);
            if let StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. } =
                &mut steps[step].kind
                && wait.resource.0 as usize == resource
            {
                wait.priority_rank = rank;
            }
            if let StepKind::Handoff { handoff, .. } = &mut steps[step].kind
                && let Some(staff) = &mut handoff.by
                && staff.resource.0 as usize == resource
            {
                staff.priority_rank = rank;
            }
        }
        levels
    }

    /// Every step must be reachable, and every reachable step must be able to reach an exit.
    fn check_graph(&mut self, steps: &[Step], pathways: &mut [Pathway]) {
        if !self.problems.0.is_empty() {
            return; // the graph of a broken file would only produce follow-on noise
        }
        let successors: Vec<Vec<usize>> = steps.iter().map(|s| successors(&s.kind)).collect();
        let mut reachable = vec![false; steps.len()];
        let mut stack: Vec<usize> = pathways.iter().map(|p| p.entry.0 as usize).collect();
        for group in &self.file.initial {
            let g = group.get_ref();
            if let (Some(pathway), Some(step)) = (&g.pathway, &g.step)
                && let Some(p) = self.names.pathway_index(pathway.get_ref())
                && let Some(id) = self.step_index.get(&(p, step.get_ref().clone()))
            {
                stack.push(*id as usize);
            }
        }
        while let Some(step) = stack.pop() {
            if !std::mem::replace(&mut reachable[step], true) {
                stack.extend(&successors[step]);
            }
        }
        // Backwards from every `end` over the reversed edges: each edge is followed once,
        // so this is linear in the number of steps and edges (a sweep to a fixed point was
        // quadratic on a long chain; issue 9 item 12).
        let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
        for (step, next) in successors.iter().enumerate() {
            for &n in next {
                predecessors[n].push(step);
            }
        }
        let mut can_exit: Vec<bool> = steps
            .iter()
            .map(|s| matches!(s.kind, StepKind::End { .. }))
            .collect();
        let mut stack: Vec<usize> = (0..steps.len()).filter(|&s| can_exit[s]).collect();
        while let Some(step) = stack.pop() {
            for &before in &predecessors[step] {
                if !std::mem::replace(&mut can_exit[before], true) {
                    stack.push(before);
                }
            }
        }
        let spans = self.step_spans();
        for (step, s) in steps.iter().enumerate() {
            let pathway = &pathways[s.pathway.0 as usize].name;
            if !reachable[step] {
                self.problems.add(
                    spans[step].clone(),
                    format!(
                        "step `{}` in pathway `{pathway}` can never be reached",
                        s.name
                    ),
                    "point a `next`, `branch` or `fallback` at it, or delete it",
                );
            } else if !can_exit[step] {
                self.problems.add(spans[step].clone(), format!("patients at step `{}` in pathway `{pathway}` can never leave: no `end` can be reached from it, even through transfers", s.name), "make sure every route, in this pathway or the ones it transfers to, reaches an `end` step");
            }
            if let StepKind::End { outcome } | StepKind::Transfer { outcome, .. } = s.kind {
                let list: &mut Vec<OutcomeId> = &mut pathways[s.pathway.0 as usize].outcomes;
                if !list.contains(&outcome) {
                    list.push(outcome);
                }
            }
        }
        for pathway in pathways.iter_mut() {
            pathway.outcomes.sort();
        }
    }

    fn step_spans(&self) -> Vec<std::ops::Range<usize>> {
        self.file
            .pathways
            .values()
            .flat_map(|p| {
                p.get_ref()
                    .steps
                    .get_ref()
                    .iter()
                    .map(|s| s.get_ref().name.span())
            })
            .collect()
    }
}

/// The steps a patient may go to from a step of this kind.
fn successors(kind: &StepKind) -> Vec<usize> {
    let id = |s: &StepId| s.0 as usize;
    match kind {
        StepKind::Seize { wait, next } | StepKind::Activity { wait, next, .. } => {
            let mut list = vec![id(next)];
            list.extend(wait.deadline.map(|d| id(&d.fallback)));
            list.extend(wait.max_queue.map(|m| id(&m.when_full)));
            list
        }
        StepKind::Release { next, .. }
        | StepKind::Delay { next, .. }
        | StepKind::Handoff { next, .. }
        | StepKind::Visits { next, .. }
        | StepKind::Block { next, .. } => vec![id(next)],
        StepKind::Branch { arms } => arms.iter().map(|(_, s)| id(s)).collect(),
        StepKind::BranchOn { targets, .. } => targets.iter().map(id).collect(),
        StepKind::BranchOnHours { open, closed, .. } => vec![id(open), id(closed)],
        StepKind::End { .. } => Vec::new(),
        StepKind::Transfer { to, .. } => vec![id(to)],
    }
}
