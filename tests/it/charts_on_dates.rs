//! Charts of runs on real dates and of comparisons (issue 13 item 1): the over-time charts'
//! axis reads in dates when the run has a start date and in day numbers otherwise; the
//! hour-of-week capacity is the time-average of the dated capacity in force, checked against
//! hand-worked values; a comparison draws every design over time.

use carepath::experiment::{RunOutcome, run_scenario};
use carepath::report::charts::{Design, design_charts};
use carepath::report::render::render;
use carepath::report::spec::{ChartSpec, Line, LinePanel, Panel, XAxis};
use carepath::report::theme::design_colour;

/// A ward of 10 beds, 20 from Tuesday 8 to Monday 14 December 2026, and a team of 2 on
/// weekdays and 1 at weekends (09:00-17:00) whose roster follows Sunday's on bank holidays,
/// in a 28-day run from Tuesday 1 December with no warm-up; `start` may be left out.
fn ward(start: &str, beds: u32) -> String {
    let (periods, holidays) = if start.is_empty() {
        ("", "")
    } else {
        (
            r#"periods = [{ from = "2026-12-08", to = "2026-12-14", count = 20 }]"#,
            "[bank_holidays]\nrosters = \"sunday\"",
        )
    };
    format!(
        r#"
[run]
name = "ward_{beds}"
{start}
start_day = "tuesday"
warm_up = "0 d"
horizon = "28 d"
replications = 2

{holidays}

[resources.bed]
count = {beds}
{periods}

[resources.team]
roster = [
  {{ days = ["weekdays"], start = "09:00", end = "17:00", count = 2 }},
  {{ days = ["weekends"], start = "09:00", end = "17:00", count = 1 }},
]

[arrivals.ed]
pathway = "stay"
per_day = 12

[[pathways.stay.steps]]
name = "bed"
activity = {{ resource = "bed", duration = {{ exponential = {{ mean = "14 h" }} }} }}

[[pathways.stay.steps]]
name = "review"
activity = {{ resource = "team", duration = {{ fixed = "30 min" }} }}

[[pathways.stay.steps]]
name = "home"
end = {{ outcome = "home" }}
"#
    )
}

const DATED: &str = r#"start = "2026-12-01""#;

/// The run of `text`, kept for charts.
fn finished(text: &str) -> (carepath::model::scenario::Scenario, RunOutcome) {
    let loaded = carepath::scenario::parse("ward.toml", text)
        .unwrap_or_else(|e| panic!("scenario does not load:\n{e}"));
    let hidden = indicatif::ProgressBar::hidden();
    let scenario = loaded.scenario;
    let outcome = run_scenario(&scenario, 0, scenario.replications, 0, &hidden).expect("runs");
    (scenario, outcome)
}

/// The charts of the designs `runs` (the first is the base).
fn charts_of(runs: &[(carepath::model::scenario::Scenario, RunOutcome)]) -> Vec<ChartSpec> {
    let summaries: Vec<_> = runs.iter().map(|(_, o)| o.summary()).collect();
    let designs: Vec<Design<'_>> = runs
        .iter()
        .zip(&summaries)
        .map(|((scenario, outcome), summary)| Design {
            scenario,
            curves: &outcome.curves,
            summary,
        })
        .collect();
    design_charts(&designs)
}

fn chart<'a>(charts: &'a [ChartSpec], stem: &str) -> &'a ChartSpec {
    charts.iter().find(|c| c.stem == stem).unwrap_or_else(|| {
        let stems: Vec<&str> = charts.iter().map(|c| c.stem.as_str()).collect();
        panic!("no chart `{stem}`; have {stems:?}")
    })
}

/// The line panel captioned `caption` of `chart`.
fn panel<'a>(chart: &'a ChartSpec, caption: &str) -> &'a LinePanel {
    chart
        .panels
        .iter()
        .find_map(|p| match p {
            Panel::Lines(l) if l.caption == caption => Some(l),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no panel `{caption}` in `{}`", chart.stem))
}

/// The texts of an SVG document's `<text>` elements.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

/// A dated run's over-time charts count in dates: the axis starts at 1 December 2026, its
/// title names the year, and the drawn SVG's tick labels are dates; an
/// undated run of the same ward keeps day numbers.
#[test]
fn over_time_axes_read_in_dates_when_the_run_has_a_start_date() {
    let dated = [finished(&ward(DATED, 10))];
    let charts = charts_of(&dated);
    let occupancy = chart(&charts, "occupancy_over_time");
    assert!(occupancy.title.ends_with("by date"), "{}", occupancy.title);
    let beds = panel(occupancy, "Bed");
    let origin = jiff::civil::date(2026, 12, 1).to_datetime(jiff::civil::Time::midnight());
    assert_eq!(beds.x_axis, XAxis::Dates(origin));
    assert_eq!(beds.x_label, "Date (2026)");
    let svg = render(occupancy, "footnote").expect("draws").svg;
    let texts = svg_texts(&svg);
    // One panel across the page: a tick each Monday (every other day would not fit).
    for label in ["7 Dec", "14 Dec", "21 Dec", "28 Dec"] {
        assert!(
            texts.iter().any(|t| t == label),
            "no tick `{label}` in {texts:?}"
        );
    }
    assert!(texts.iter().any(|t| t == "Date (2026)"));
    for stem in ["staff_over_time", "queue_over_time"] {
        if let Some(c) = charts.iter().find(|c| c.stem == stem) {
            for p in &c.panels {
                if let Panel::Lines(l) = p {
                    assert_eq!(l.x_axis, XAxis::Dates(origin), "{stem}");
                }
            }
        }
    }

    let undated = [finished(&ward("", 10))];
    let charts = charts_of(&undated);
    let occupancy = chart(&charts, "occupancy_over_time");
    let beds = panel(occupancy, "Bed");
    assert_eq!(beds.x_axis, XAxis::Numbers);
    assert_eq!(beds.x_label, "Day after the warm-up");
    let texts = svg_texts(&render(occupancy, "footnote").expect("draws").svg);
    assert!(texts.iter().any(|t| t == "Day after the warm-up"));
    assert!(
        !texts.iter().any(|t| t.contains("Dec")),
        "dates on an undated run: {texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == "10" || t == "20"),
        "no day numbers in {texts:?}"
    );
}

/// The dashed line of design `d` in `panel` (capacity or roster).
fn dashed(panel: &LinePanel, d: usize) -> &Line {
    panel
        .lines
        .iter()
        .find(|l| l.dashed && l.colour == design_colour(d))
        .expect("a dashed line")
}

/// The hour-of-week charts average the capacity actually in force over the weeks measured.
/// By hand: the 4 weeks measured each hold every hour of the week once; beds are 20 in one
/// of them (8 to 14 December), so 10 + 10 / 4 = 12.5 every hour. The team is 2 on weekdays
/// and 1 at weekends, but on the bank holidays of Friday 25 and Monday 28 December it
/// follows Sunday's roster (1): Friday and Monday 09:00-17:00 average (3 x 2 + 1) / 4 =
/// 1.75, other weekdays 2.
#[test]
fn hour_of_week_capacity_is_the_time_average_of_the_dated_capacity() {
    let dated = [finished(&ward(DATED, 10))];
    let charts = charts_of(&dated);
    let beds = panel(chart(&charts, "occupancy_by_hour"), "Bed");
    for (x, y) in &dashed(beds, 0).points {
        assert!((y - 12.5).abs() < 1e-9, "hour {x}: {y} beds");
    }
    let team = panel(chart(&charts, "staff_by_hour"), "Team");
    let level = |hour: f64| {
        dashed(team, 0)
            .points
            .iter()
            .rev()
            .find(|(x, _)| (x - hour).abs() < 1e-9)
            .map(|p| p.1)
            .expect("a point at the hour")
    };
    // Monday, Tuesday and Friday 10:00, Saturday 10:00, Tuesday 20:00 (the staircase has
    // two points at each whole hour: the last is the hour that starts there).
    assert!((level(10.0) - 1.75).abs() < 1e-9, "{}", level(10.0));
    assert!((level(24.0 + 10.0) - 2.0).abs() < 1e-9, "{}", level(34.0));
    assert!((level(4.0 * 24.0 + 10.0) - 1.75).abs() < 1e-9);
    assert!((level(5.0 * 24.0 + 10.0) - 1.0).abs() < 1e-9);
    assert!(level(24.0 + 20.0).abs() < 1e-9);
    // The note says what the averages mix on real dates.
    let note = chart(&charts, "occupancy_by_hour").note.clone().unwrap();
    assert!(note.contains("dated periods"), "{note}");
}

/// A comparison draws each design over time in its own colour (the base's median and
/// capacity, and the variant's), on the same panels and pages as one design.
#[test]
fn a_comparison_draws_every_design_over_time() {
    let runs = [finished(&ward(DATED, 10)), finished(&ward(DATED, 14))];
    let charts = charts_of(&runs);
    let single = charts_of(&runs[..1]);
    let pages = |charts: &[ChartSpec]| {
        charts
            .iter()
            .filter(|c| c.stem.contains("_over_time"))
            .count()
    };
    assert_eq!(pages(&charts), pages(&single));
    let occupancy = chart(&charts, "occupancy_over_time");
    let beds = panel(occupancy, "Bed");
    // Before the escalation period: 10 beds in the base, 14 in the variant.
    let first_day = |d: usize| dashed(beds, d).points[0].1;
    assert_eq!(first_day(0), 10.0);
    assert_eq!(first_day(1), 14.0);
    for d in 0..2 {
        let median = beds
            .lines
            .iter()
            .find(|l| !l.dashed && l.colour == design_colour(d))
            .unwrap_or_else(|| panic!("no median of design {d}"));
        assert_eq!(median.points.len(), 28);
        assert!(median.band.is_none(), "bands of several designs overlap");
    }
    // A median and a capacity entry per design.
    assert_eq!(occupancy.legend.len(), 4, "{:?}", occupancy.legend);
}
