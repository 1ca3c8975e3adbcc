//! `carepath check`: validate a scenario and describe it in one paragraph.

use std::path::Path;

use anyhow::Result;

use carepath::model::load::offered_loads;
use carepath::model::scenario::{Scenario, StepKind};
use carepath::scenario::load;

/// Loads and checks `path`, printing what it contains; with `diagram`, also writes the
/// pathway diagram (without volumes) there as an output set.
pub fn check(path: &Path, diagram: Option<&Path>) -> Result<()> {
    let loaded = load(path)?;
    eprint!("{}", loaded.warnings);
    if let Some(folder) = diagram {
        let inputs: Vec<std::path::PathBuf> = loaded
            .layers
            .iter()
            .map(|l| l.path.clone().into())
            .collect();
        let set = carepath::experiment::output_set::OutputSet::prepare(folder, &inputs)?;
        let (dot, drawn) = carepath::report::diagram::diagram(
            &loaded.scenario,
            None,
            &format!(
                "Scenario {} · not run · carepath {}",
                loaded.scenario.title(),
                env!("CARGO_PKG_VERSION")
            ),
        )
        .map_err(|message| anyhow::anyhow!("cannot draw the pathway diagram: {message}"))?;
        carepath::experiment::output::write_atomic(
            &set.dir().join(carepath::report::diagram::DOT_FILE),
            dot.as_bytes(),
        )?;
        carepath::report::pack::write_charts(set.dir(), &[drawn])?;
        set.commit()?;
    }
    outln!(
        "{} is valid.
",
        loaded.path
    );
    outln!("{}", describe(&loaded.scenario));
    for warning in load_warnings(&loaded.scenario) {
        outln!(
            "
{warning}"
        );
    }
    Ok(())
}

/// A warning for each resource offered more work than it has units, on the long-run
/// estimate of `model::load` (see there for the method and what it cannot tell); not for
/// a resource whose every wait has a deadline, whose queue the deadline bounds.
pub fn load_warnings(scenario: &Scenario) -> Vec<String> {
    offered_loads(scenario)
        .iter()
        .filter(|load| load.queue_grows_without_bound())
        .map(|load| {
            let name = &scenario.resources[load.resource.0 as usize].name;
            format!(
                "warning: `{name}` is offered more work than it has units: about {:.1} patients an hour x {:.2} h each = {:.1} units busy on average, against {:.1} units on average over the week (on real dates: over the measured period). \
                 Its queue will grow for as long as the run lasts.\n\
                 help: add units of `{name}`, shorten the work, or lower the referrals (the estimate assumes every wait is served, counts no waiting while a unit is held, and leaves out growth; demand changes and dated capacity count as their average over the measured period)",
                load.starts_per_hour, load.mean_hold_hours, load.offered, load.capacity
            )
        })
        .collect()
}

/// A one-paragraph description of a scenario for people.
pub fn describe(scenario: &Scenario) -> String {
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join(", ")
        }
    };
    // Counted in one pass over the steps: a pass per pathway was quadratic (issue 9 item 12).
    let mut step_counts = vec![0_usize; scenario.pathways.len()];
    for step in &scenario.steps {
        step_counts[step.pathway.0 as usize] += 1;
    }
    let pathways = list(
        scenario
            .pathways
            .iter()
            .zip(&step_counts)
            .map(|(pathway, steps)| format!("{} ({steps} steps)", pathway.name))
            .collect(),
    );
    let daily: f64 = scenario
        .sources
        .iter()
        .map(|s| s.hourly_rate.iter().sum::<f64>() / 7.0)
        .sum();
    let resources = list(
        scenario
            .resources
            .iter()
            .map(|r| {
                if r.schedule.is_constant() {
                    format!("{} ({} units)", r.name, r.schedule.peak())
                } else {
                    format!(
                        "{} (rostered, up to {}, {:.0} unit-hours a week)",
                        r.name,
                        r.schedule.peak(),
                        r.schedule.weekly_total()
                    )
                }
            })
            .collect(),
    );
    let handoffs = scenario
        .steps
        .iter()
        .filter(|s| matches!(s.kind, StepKind::Handoff { .. }))
        .count();
    let deadlines = scenario
        .steps
        .iter()
        .filter(|s| matches!(&s.kind, StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. } if wait.deadline.is_some()))
        .count();
    let census: u64 = scenario.initial.iter().map(|g| u64::from(g.count)).sum();
    format!(
        "Scenario `{}`{}: {} pathway(s): {pathways}. {} referral source(s), about {daily:.1} referrals a day in all. \
         Resources: {resources}. {handoffs} handoff(s), {deadlines} wait(s) with a deadline, {census} patient(s) present at the start. \
         Each replication runs {:.1} days of warm-up then {:.1} days measured; {} replications, seed {}, starting on {}.",
        scenario.name,
        if scenario.description.is_empty() {
            String::new()
        } else {
            format!(" ({})", scenario.description.trim())
        },
        scenario.pathways.len(),
        scenario.sources.len(),
        scenario.warm_up.days(),
        scenario.horizon.days(),
        scenario.replications,
        scenario.seed,
        match scenario.start_date {
            Some(date) => format!(
                "{} {date}",
                carepath::scenario::units::WEEKDAY_NAMES[scenario.start_day]
            ),
            None => carepath::scenario::units::WEEKDAY_NAMES[scenario.start_day].to_string(),
        },
    )
}
