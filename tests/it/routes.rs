//! Issue 9 item 18: what `check` finds statically. Resources held at each step on every
//! route (census groups included) and loops that take no time are found before anything
//! runs, with the place in the file; a scenario that passes `check` never stops a run with
//! the engine's "already holding", "does not hold" or "loops without time passing" errors.
//! The issue's own examples (a census group after a seize not holding the bed, a
//! `branch_on_hours` arm pointing at its own step) and their kin are fixtures under
//! `tests/fixtures/invalid/`, checked for their exact place and help in `errors.rs`.

use carepath::model::SimError;
use carepath::model::engine::run_replication;
use carepath::scenario::{ScenarioError, parse};
use toml::{Table, Value};

use crate::support::repository_root;

/// The text of a shipped scenario, as a table to mutate.
fn shipped(path: &str) -> Table {
    let text = std::fs::read_to_string(repository_root().join(path)).unwrap();
    let mut table: Table = toml::from_str(&text).unwrap();
    // Short runs: the point is whether a run can start and go on, not its figures.
    let run = table["run"].as_table_mut().unwrap();
    run.insert("horizon".into(), Value::String("15 d".into()));
    run.insert("warm_up".into(), Value::String("0 d".into()));
    table
}

/// Step names of each pathway of `table`.
fn steps_of(table: &Table) -> Vec<(String, Vec<String>)> {
    table["pathways"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(pathway, p)| {
            let names = p["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["name"].as_str().unwrap().to_string())
                .collect();
            (pathway.clone(), names)
        })
        .collect()
}

/// Variants of a shipped scenario that rewire routes and move census groups: every step's
/// `next` pointed at each other step of its pathway, every `branch_on_hours` arm at its own
/// step, every census group at each step of its pathway with its `holding` as written,
/// emptied, or with each resource it does not hold added.
fn mutants(base: &Table) -> Vec<Table> {
    let mut out = Vec::new();
    let resources: Vec<String> = base["resources"]
        .as_table()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for (pathway, names) in steps_of(base) {
        for (position, _) in names.iter().enumerate() {
            let step = |t: &mut Table| -> Table {
                t["pathways"][pathway.as_str()]["steps"][position]
                    .as_table()
                    .unwrap()
                    .clone()
            };
            let original = step(&mut base.clone());
            let kind_with_next = ["seize", "release", "activity", "delay", "handoff", "block"]
                .iter()
                .any(|k| original.contains_key(*k));
            if kind_with_next {
                for target in &names {
                    let mut mutant = base.clone();
                    let entry = mutant["pathways"][pathway.as_str()]["steps"][position]
                        .as_table_mut()
                        .unwrap();
                    entry.insert("next".into(), Value::String(target.clone()));
                    out.push(mutant);
                }
            }
            if let Some(hours) = original.get("branch_on_hours").and_then(Value::as_table) {
                for arm in ["open", "closed"] {
                    let mut mutant = base.clone();
                    let mut hours = hours.clone();
                    hours.insert(arm.into(), Value::String(names[position].clone()));
                    mutant["pathways"][pathway.as_str()]["steps"][position]
                        .as_table_mut()
                        .unwrap()
                        .insert("branch_on_hours".into(), Value::Table(hours));
                    out.push(mutant);
                }
            }
        }
    }
    let groups = base
        .get("initial")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let pathways = steps_of(base);
    for group in 0..groups {
        let pathway = base["initial"][group]["pathway"]
            .as_str()
            .unwrap()
            .to_string();
        let names = &pathways.iter().find(|(p, _)| *p == pathway).unwrap().1;
        let holding: Vec<Value> = base["initial"][group]
            .get("holding")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut holdings = vec![holding.clone(), Vec::new()];
        for r in &resources {
            if !holding.iter().any(|h| h.as_str() == Some(r)) {
                let mut more = holding.clone();
                more.push(Value::String(r.clone()));
                holdings.push(more);
            }
        }
        for name in names {
            for holding in &holdings {
                let mut mutant = base.clone();
                let entry = mutant["initial"][group].as_table_mut().unwrap();
                entry.insert("step".into(), Value::String(name.clone()));
                entry.remove("remaining");
                entry.insert("holding".into(), Value::Array(holding.clone()));
                if holding.is_empty() {
                    entry.remove("blocked");
                }
                out.push(mutant);
            }
        }
    }
    out
}

/// Issue 9 item 18: across hundreds of rewired variants of the shipped scenarios, every one
/// that `check` accepts runs without a route error, and `check` refuses the others with a
/// place in the file. On the original code, variants passed `check` and then stopped.
#[test]
fn issue_9_item_18_what_passes_check_runs_without_route_errors() {
    let (mut accepted, mut refused_for_routes) = (0, 0);
    for path in [
        "scenarios/east_london/baseline.toml",
        "scenarios/small_rich.toml",
    ] {
        for (index, mutant) in mutants(&shipped(path)).into_iter().enumerate() {
            let text = toml::to_string(&mutant).unwrap();
            match parse("mutant.toml", &text) {
                Ok(loaded) => {
                    accepted += 1;
                    if let Err(
                        error @ (SimError::AlreadyHolding { .. }
                        | SimError::NotHolding { .. }
                        | SimError::InstantLoop { .. }),
                    ) = run_replication(&loaded.scenario, 0)
                    {
                        panic!("{path} variant {index} passed check, then: {error}\n{text}");
                    }
                }
                Err(ScenarioError::Invalid { report, .. }) => {
                    assert!(report.contains("--> mutant.toml:"), "{report}");
                    if report.contains("holding") || report.contains("without any time passing") {
                        refused_for_routes += 1;
                    }
                }
                Err(other) => panic!("{other}"),
            }
        }
    }
    assert!(accepted > 100, "{accepted} variants accepted");
    assert!(refused_for_routes > 20, "{refused_for_routes} refused");
}
