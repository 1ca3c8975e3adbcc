//! The pathway diagram (issue 14 item 3): route counts from the engine, and the diagram
//! written as DOT, SVG and PNG after a run and by `carepath check --diagram`.

use carepath::model::engine::routes::{RouteTable, route_metric};
use carepath::model::engine::run_replication;
use carepath::model::scenario::StepKind;
use carepath::scenario::parse;
use toml::{Table, Value};

use crate::support::{carepath, repository_root, run_into, text};

/// The East London baseline with no warm-up and no census, so every patient counted on a
/// route arrived in the measured period.
fn east_london_from_time_zero() -> carepath::model::scenario::Scenario {
    let path = repository_root().join("scenarios/east_london/baseline.toml");
    let mut table: Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let run = table["run"].as_table_mut().unwrap();
    run.insert("horizon".into(), Value::String("60 d".into()));
    run.insert("warm_up".into(), Value::String("0 d".into()));
    table.remove("initial");
    let text = toml::to_string(&table).unwrap();
    parse("baseline.toml", &text).unwrap().scenario
}

/// Route counts balance: at every step that takes no time (a branch, a release, a block, a
/// transfer) as many patients leave as arrive, and the routes into each pathway's ends and
/// transfers add up to the patients who completed it; with those still inside at the end,
/// to the pathway's arrivals.
#[test]
fn route_counts_add_up_to_each_pathways_arrivals() {
    let scenario = east_london_from_time_zero();
    assert!(
        scenario.initial.is_empty(),
        "the balance below assumes no census patients"
    );
    let table = RouteTable::new(&scenario);
    for replication in 0..2 {
        let result = run_replication(&scenario, replication).unwrap();
        let value = |name: &str| {
            result
                .metrics
                .iter()
                .find(|m| &*m.name == name)
                .unwrap_or_else(|| panic!("no metric {name}"))
                .value
        };
        let counts: Vec<(usize, usize, f64)> = table
            .routes()
            .map(|(from, to)| {
                (
                    from.0 as usize,
                    to.0 as usize,
                    value(&route_metric(&scenario, from, to)),
                )
            })
            .collect();
        let into = |s: usize| -> f64 { counts.iter().filter(|c| c.1 == s).map(|c| c.2).sum() };
        let out_of = |s: usize| -> f64 { counts.iter().filter(|c| c.0 == s).map(|c| c.2).sum() };
        let mut instant = 0;
        for (s, step) in scenario.steps.iter().enumerate() {
            let is_entry = scenario.pathways.iter().any(|p| p.entry.0 as usize == s);
            if !is_entry
                && matches!(
                    step.kind,
                    StepKind::Branch { .. }
                        | StepKind::BranchOn { .. }
                        | StepKind::BranchOnHours { .. }
                        | StepKind::Release { .. }
                        | StepKind::Block { .. }
                        | StepKind::Transfer { .. }
                )
            {
                assert_eq!(
                    into(s),
                    out_of(s),
                    "step {}",
                    scenario.step_label(carepath::model::scenario::StepId(s as u32))
                );
                instant += 1;
            }
        }
        assert!(instant > 10, "the baseline has many instant steps");
        let mut total = 0.0;
        for (p, pathway) in scenario.pathways.iter().enumerate() {
            let leaving: f64 = scenario
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.pathway.0 as usize == p
                        && matches!(s.kind, StepKind::End { .. } | StepKind::Transfer { .. })
                })
                .map(|(s, _)| into(s))
                .sum();
            let name = &pathway.name;
            assert_eq!(leaving, value(&format!("{name}.completed")), "{name}");
            assert_eq!(
                leaving + value(&format!("{name}.inside_at_end")),
                value(&format!("{name}.arrivals")),
                "{name}: routes to the exits and those inside make the arrivals"
            );
            total += leaving;
        }
        assert!(total > 1000.0, "patients moved: {total}");
    }
}

/// A run writes the diagram: `pathways.dot` with an arrow for every route labelled with
/// its patients a year, and `charts/pathways.svg` and `.png` that parse, with every step
/// named and its kind; the report shows it in its own section after the charts and before
/// the assumptions.
#[test]
fn a_run_draws_the_pathways_with_patients_a_year_on_each_route() {
    let run = run_into(&["run", "scenarios/small_rich.toml", "-r", "3", "-q"]);
    let dot = std::fs::read_to_string(run.path().join("pathways.dot")).unwrap();
    let loaded =
        carepath::scenario::load(&repository_root().join("scenarios/small_rich.toml")).unwrap();
    let scenario = &loaded.scenario;
    let routes = RouteTable::new(scenario).len();
    let arrows: Vec<&str> = dot.lines().filter(|l| l.contains(" -> s")).collect();
    assert!(
        arrows.len() > routes,
        "one arrow per route and per referral route"
    );
    for arrow in &arrows {
        assert!(arrow.contains("/yr"), "every arrow has a volume: {arrow}");
    }
    for s in 0..scenario.steps.len() {
        let id = carepath::model::scenario::StepId(s as u32);
        assert!(
            dot.contains(&scenario.step_title(id)),
            "{}",
            scenario.step_title(id)
        );
    }
    let svg = std::fs::read_to_string(run.path().join("charts/pathways.svg")).unwrap();
    let document = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let shown: String = document
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    for kind in ["activity", "branch", "end"] {
        assert!(shown.contains(kind), "the drawing names step kind {kind}");
    }
    assert!(shown.contains("/yr"), "the drawing carries volumes");
    let png = std::fs::read(run.path().join("charts/pathways.png")).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let info = decoder.read_info().expect("a valid PNG").info().clone();
    assert!(
        info.width > 400 && info.height > 200,
        "{}x{}",
        info.width,
        info.height
    );
    let report = std::fs::read_to_string(run.path().join("report.html")).unwrap();
    let (charts, diagram, assumptions) = (
        report.find("<h2>Charts</h2>").unwrap(),
        report.find("<h2>Pathway diagram</h2>").unwrap(),
        report.find("<h2>Assumptions</h2>").unwrap(),
    );
    assert!(charts < diagram && diagram < assumptions);
}

/// `carepath check --diagram DIR` writes the diagram of a scenario that has not run: no
/// volumes, branch probabilities on the branch arrows.
#[test]
fn check_writes_the_diagram_without_volumes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("diagram");
    let output = carepath(&[
        "check",
        "scenarios/east_london/baseline.toml",
        "--diagram",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{:?}", text(&output));
    let dot = std::fs::read_to_string(out.join("pathways.dot")).unwrap();
    assert!(!dot.contains("/yr"));
    assert!(
        dot.contains("p = 0.84"),
        "the escalation branch's probability"
    );
    let svg = std::fs::read_to_string(out.join("charts/pathways.svg")).unwrap();
    roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    assert!(out.join("charts/pathways.png").is_file());
}

/// A scenario of several pathways is also drawn one pathway at a time (the whole East London
/// system is too wide to read on a printed page): each pathway's diagram holds exactly its
/// own steps, every route out of it ends at a box naming the pathway and step it goes to,
/// every route into it from another starts at a box naming where it comes from, and no route
/// is lost or invented.
#[test]
fn each_pathway_has_its_own_diagram_with_routes_to_and_from_the_others() {
    use carepath::model::scenario::{PathwayId, StepId};
    use carepath::report::diagram::{flow, pathway_diagrams, pathway_flow, pathway_stem};
    let scenario = east_london_from_time_zero();
    let whole = flow(&scenario, None);
    let pathway_of = |node: &str| {
        node.strip_prefix('s')
            .and_then(|s| s.parse::<usize>().ok())
            .map(|s| scenario.steps[s].pathway)
    };
    let mut crossing = 0;
    let mut drawn_arrows = 0;
    for p in 0..scenario.pathways.len() {
        let id = PathwayId(p as u16);
        let part = pathway_flow(&scenario, &whole, id);
        let own: Vec<usize> = (0..scenario.steps.len())
            .filter(|&s| scenario.steps[s].pathway == id)
            .collect();
        let step_nodes: Vec<&str> = part
            .nodes
            .iter()
            .map(|n| n.0.as_str())
            .filter(|n| n.starts_with('s'))
            .collect();
        assert_eq!(step_nodes.len(), own.len(), "{}", scenario.pathways[p].name);
        assert!(step_nodes.iter().all(|n| pathway_of(n) == Some(id)));
        for (name, label, _) in &part.nodes {
            if let Some(to) = name.strip_prefix("to_") {
                let target = pathway_of(to).expect("a step");
                assert_ne!(target, id);
                assert!(
                    label.starts_with(&format!("To {}", scenario.pathway_title(target))),
                    "{label}"
                );
            }
            if let Some(from) = name.strip_prefix("from_") {
                let source = pathway_of(from).expect("a step");
                assert_ne!(source, id);
                assert!(
                    label.starts_with(&format!("From {}", scenario.pathway_title(source))),
                    "{label}"
                );
            }
        }
        for arrow in &part.arrows {
            for end in [&arrow.from, &arrow.to] {
                assert!(part.nodes.iter().any(|n| &n.0 == end), "{end} has a box");
            }
        }
        crossing += part
            .arrows
            .iter()
            .filter(|a| a.to.starts_with("to_"))
            .count();
        drawn_arrows += part.arrows.len();
    }
    // Every route lies in one pathway's diagram, or in two when it crosses between them.
    assert!(crossing >= 6, "East London moves patients between pathways");
    assert_eq!(drawn_arrows, whole.arrows.len() + crossing);
    // Each pathway alone is drawn narrower than the whole system.
    let overview = carepath::report::diagram::diagram(&scenario, None, "footnote")
        .expect("drawn")
        .1;
    let width = |svg: &str| -> f64 {
        let at = svg.find(" width=\"").expect("a width") + 8;
        svg[at..].split('"').next().unwrap().parse().unwrap()
    };
    let parts = pathway_diagrams(&scenario, None, "footnote").expect("drawn");
    assert_eq!(parts.len(), scenario.pathways.len());
    for (p, drawn) in parts.iter().enumerate() {
        assert_eq!(drawn.stem, pathway_stem(&scenario.pathways[p].name));
        assert!(
            width(&drawn.svg) < width(&overview.svg),
            "{}: {} against {}",
            drawn.stem,
            width(&drawn.svg),
            width(&overview.svg)
        );
        let step = scenario.pathways[p].entry;
        assert!(drawn.svg.contains(&scenario.step_title(StepId(step.0))));
    }
}
