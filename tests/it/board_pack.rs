//! The board pack through the command line: every chart a valid PNG and SVG carrying its
//! title and axis labels, identical for any thread count and drawn without system fonts; the
//! report valid, self-contained HTML holding every key figure with the value in the CSV.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{binary, carepath, repository_root, run_into, text};

const BASELINE: &str = "scenarios/east_london/baseline.toml";
const VARIANT: &str = "scenarios/east_london/single_point_of_access.toml";

/// The baseline run with 3 replications, shared by the tests that only read it; in cargo's
/// temporary folder for tests (a `static` is never dropped, so a temporary folder would stay).
fn baseline() -> &'static Path {
    static RUN: OnceLock<PathBuf> = OnceLock::new();
    RUN.get_or_init(|| {
        let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("board_pack_baseline");
        let out = folder.to_str().expect("a UTF-8 path");
        let output = carepath(&["run", BASELINE, "-r", "3", "--quiet", "--out", out]);
        assert!(output.status.success(), "{}", text(&output).1);
        folder
    })
}

/// Every file under `folder/charts`, by name.
fn charts(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(folder.join("charts"))
        .expect("a charts folder")
        .map(|entry| {
            let path = entry.expect("a readable entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).expect("a readable chart"))
        })
        .collect()
}

/// A decoded PNG: width, height and RGB pixels.
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("PNG image data");
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    pixels.truncate(frame.buffer_size());
    (frame.width, frame.height, pixels)
}

/// The text of every `<text>` element of an SVG document, which must be well-formed XML.
fn svg_texts(svg: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(svg).expect("well-formed SVG");
    assert_eq!(document.root_element().tag_name().name(), "svg");
    document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().trim().to_string())
        .collect()
}

/// What a chart must show: its title's start and its axis labels (`a|b`: one of them).
fn expected_labels(stem: &str) -> (&'static str, &'static [&'static str]) {
    match stem {
        s if s.starts_with("wait_") => (
            "Waits for ",
            &["Time waited [", "Patients served within this time [%]"],
        ),
        "staff_by_hour" => (
            "Staff busy against rostered, by hour of the week",
            &["Hour of the week", "Staff [people]"],
        ),
        "occupancy_by_hour" => (
            "Beds, places and fixed teams in use against capacity",
            &["Hour of the week", "Units in use"],
        ),
        "queue_by_hour" => (
            "Patients waiting, by hour of the week",
            &["Hour of the week", "Patients waiting"],
        ),
        "delayed_bed_days" => ("Delayed discharges", &["ready for discharge, over 52"]),
        // A comparison's chart is split over pages (a panel per pathway).
        s if s.starts_with("where_the_delayed_days_go") => {
            ("Where the delayed bed-days go", &["Bed-days, 52"])
        }
        "costs" => ("Cost by item over 52 weeks", &["pounds [£ million]"]),
        "pathways" => ("East London baseline: pathways", &["mean patients a year"]),
        // One diagram per pathway, titled by the pathway.
        s if s.starts_with("pathways_") => (
            "",
            &[": patients a year on each route", "mean patients a year"],
        ),
        s if s.starts_with("differences") => (
            "Differences from ",
            &["difference [percentage points]|difference, "],
        ),
        s if s.starts_with("key_figures") => (
            "Key figures by design",
            &["per cent [%]|patients|days [d]|hours [h]|pounds [£|bed-days|staff-hours"],
        ),
        "sweep" => ("Sweep of ", &["pounds [£ million]"]),
        "warmup" => ("Daily series from time zero", &["Day of the run"]),
        s if s.starts_with("occupancy_over_time") => (
            "Beds, places and fixed teams in use against capacity",
            &["Day after the warm-up"],
        ),
        s if s.starts_with("staff_over_time") => {
            ("Staff busy against rostered", &["Day after the warm-up"])
        }
        s if s.starts_with("queue_over_time") => {
            ("Patients waiting, day by day", &["Day after the warm-up"])
        }
        s if s.starts_with("levels_") => ("Chance all ", &["Share of the time measured"]),
        other => panic!("unexpected chart {other}"),
    }
}

/// Checks every chart in `folder`: a PNG at least 1600 px wide and an SVG with the title,
/// axis labels and the footnote; returns the stems.
fn check_charts(folder: &Path) -> Vec<String> {
    let files = charts(folder);
    let stems: Vec<String> = files
        .keys()
        .filter_map(|name| name.strip_suffix(".png"))
        .map(str::to_string)
        .collect();
    assert_eq!(files.len(), 2 * stems.len(), "a PNG and an SVG each");
    for stem in &stems {
        let (width, height, _) = decode_png(&files[&format!("{stem}.png")]);
        assert!(width >= 1600 && height >= 400, "{stem}: {width}x{height}");
        let svg = String::from_utf8(files[&format!("{stem}.svg")].clone()).expect("UTF-8");
        let texts = svg_texts(&svg);
        let (title, labels) = expected_labels(stem);
        assert!(
            texts.iter().any(|t| t.starts_with(title)),
            "{stem}: no title `{title}` in {texts:?}"
        );
        for label in labels {
            assert!(
                label
                    .split('|')
                    .any(|l| texts.iter().any(|t| t.contains(l))),
                "{stem}: no axis label `{label}`"
            );
        }
        assert!(
            texts.iter().any(|t| t.contains(" replication")
                && t.contains(" · seed ")
                && t.contains("carepath ")),
            "{stem}: no footnote"
        );
    }
    stems
}

#[test]
fn a_run_draws_every_chart_as_png_and_svg_with_title_axis_labels_and_footnote() {
    let stems = check_charts(baseline());
    let scenario = carepath::scenario::load(&repository_root().join(BASELINE))
        .expect("the baseline loads")
        .scenario;
    let mut expected: Vec<String> = scenario
        .waits
        .iter()
        .map(|step| format!("wait_{}", scenario.step_label(*step).replace('.', "-")))
        .collect();
    expected.extend(
        [
            "staff_by_hour",
            "occupancy_by_hour",
            "queue_by_hour",
            "delayed_bed_days",
            "where_the_delayed_days_go",
            "costs",
            "pathways",
            "occupancy_over_time",
            "staff_over_time",
            "queue_over_time",
            "levels_care_home_broker",
            "levels_rehab_bed",
        ]
        .map(String::from),
    );
    expected.extend(
        scenario
            .pathways
            .iter()
            .map(|p| carepath::report::diagram::pathway_stem(&p.name)),
    );
    expected.sort();
    assert_eq!(stems, expected);
}

#[test]
fn charts_are_byte_identical_for_any_thread_count() {
    let one = run_into(&["run", BASELINE, "-r", "3", "--threads", "1"]);
    let two = run_into(&["run", BASELINE, "-r", "3", "--threads", "2"]);
    let (a, b) = (charts(one.path()), charts(two.path()));
    assert!(!a.is_empty());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between 1 and 2 threads");
    }
}

/// Dark pixels in the band where the title is drawn.
fn title_ink(pixels: &[u8], width: u32) -> usize {
    let row = width as usize * 3;
    pixels[20 * row..80 * row]
        .chunks(3)
        .filter(|p| p.iter().all(|c| *c < 100))
        .count()
}

#[test]
fn text_is_drawn_with_the_bundled_font_when_no_system_font_is_visible() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let empty = tempfile::tempdir().expect("an empty folder");
    let output = Command::new(binary())
        .args(["run", BASELINE, "-r", "3", "--quiet", "--out"])
        .arg(folder.path())
        .current_dir(repository_root())
        .env_clear()
        .env("HOME", empty.path())
        .env("XDG_DATA_DIRS", empty.path())
        .env("XDG_DATA_HOME", empty.path())
        .env("FONTCONFIG_FILE", empty.path().join("none.conf"))
        .env("FONTCONFIG_PATH", empty.path())
        .output()
        .expect("carepath runs");
    assert!(output.status.success(), "{}", text(&output).1);
    let isolated = charts(folder.path());
    let normal = charts(baseline());
    let (width, _, pixels) = decode_png(&isolated["costs.png"]);
    let ink = title_ink(&pixels, width);
    assert!(
        ink > 2000,
        "only {ink} dark pixels where the title should be"
    );
    assert!(
        isolated["costs.png"] == normal["costs.png"],
        "the chart depends on the fonts the machine has"
    );
}

/// Elements HTML allows without an end tag.
const VOID: [&str; 13] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Checks `html` is well-formed and refers to nothing outside itself; returns every start
/// tag's name and attributes.
fn check_self_contained_html(html: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let lossy = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut open: Vec<String> = Vec::new();
    let mut tags = Vec::new();
    let mut doctype = false;
    for token in html5gum::Tokenizer::new(html) {
        match token.expect("tokenizing a string never fails") {
            html5gum::Token::Doctype(d) => {
                doctype = lossy(&d.name) == "html";
            }
            html5gum::Token::StartTag(tag) => {
                let name = lossy(&tag.name);
                let attributes: BTreeMap<String, String> = tag
                    .attributes
                    .iter()
                    .map(|(k, v)| (lossy(k), lossy(v)))
                    .collect();
                for (key, value) in &attributes {
                    // A reference within the page (`#id`, `url(#id)`: the pathway
                    // diagram's arrow heads and labels along its arrows) loads nothing.
                    assert!(
                        value.starts_with('#')
                            || !["src", "href", "xlink:href", "srcset", "data", "action"]
                                .contains(&key.as_str()),
                        "<{name} {key}=\"{value}\"> refers outside the file"
                    );
                    assert!(
                        !value.replace("url(#", "").contains("url("),
                        "<{name} {key}> loads {value}"
                    );
                }
                assert!(
                    !["script", "link", "img", "iframe", "object", "embed"]
                        .contains(&name.as_str()),
                    "<{name}> loads something"
                );
                if !(tag.self_closing || VOID.contains(&name.as_str())) {
                    open.push(name.clone());
                }
                tags.push((name, attributes));
            }
            html5gum::Token::EndTag(tag) => {
                let name = lossy(&tag.name);
                assert_eq!(
                    open.pop().as_deref(),
                    Some(name.as_str()),
                    "misnested </{name}>"
                );
            }
            html5gum::Token::Error(error) => panic!("HTML error: {error:?}"),
            html5gum::Token::String(_) | html5gum::Token::Comment(_) => {}
        }
    }
    assert!(doctype, "no <!DOCTYPE html>");
    assert!(open.is_empty(), "unclosed: {open:?}");
    let without_namespaces = html.replace("http://www.w3.org/2000/svg", "");
    assert!(
        !without_namespaces.contains("http://") && !without_namespaces.contains("https://"),
        "the report names a web address"
    );
    assert!(
        !html.contains("@import"),
        "the report imports a style sheet"
    );
    tags
}

/// `data-mean` of every cell, by its `data-metric`, for each occurrence in order.
fn reported_means(tags: &[(String, BTreeMap<String, String>)]) -> Vec<(String, f64)> {
    tags.iter()
        .filter_map(|(_, a)| {
            let mean = a.get("data-mean")?.parse().expect("a number");
            Some((a.get("data-metric")?.clone(), mean))
        })
        .collect()
}

/// Whether the report shows `metric` with exactly the mean written as `mean` in a CSV file.
fn reports(reported: &[(String, f64)], metric: &str, mean: &str) -> bool {
    let mean: f64 = mean.parse().expect("a number in the CSV");
    reported.iter().any(|(m, v)| m == metric && *v == mean)
}

#[test]
fn the_report_is_self_contained_html_with_every_key_figure_as_in_the_summary() {
    let folder = baseline();
    let html = std::fs::read_to_string(folder.join("report.html")).expect("report.html");
    let tags = check_self_contained_html(&html);
    let svgs = tags.iter().filter(|(name, _)| name == "svg").count();
    assert_eq!(svgs, charts(folder).len() / 2, "every chart inline, once");
    for heading in [
        "In brief",
        "Key figures",
        "Charts",
        "Assumptions",
        "Methods",
        "Handoffs between organisations",
    ] {
        assert!(html.contains(heading), "no section `{heading}`");
    }
    let reported = reported_means(&tags);
    let mut summary = csv::Reader::from_path(folder.join("summary.csv")).expect("summary.csv");
    let mut key_figures = 0;
    for row in summary.records() {
        let row = row.expect("a summary row");
        if !row[0].starts_with("key.") {
            continue;
        }
        key_figures += 1;
        assert!(
            reports(&reported, &row[0], &row[2]),
            "{} = {} is not in the report",
            &row[0],
            &row[2]
        );
    }
    assert!(key_figures >= 20, "only {key_figures} key figures");
}

#[test]
fn a_comparison_draws_key_figures_by_design_and_reports_the_differences() {
    let folder = run_into(&["compare", BASELINE, VARIANT, "-r", "3"]);
    let stems = check_charts(folder.path());
    let pages = stems
        .iter()
        .filter(|s| s.starts_with("key_figures_"))
        .count();
    assert_eq!(pages, 4, "26 key figures, 8 to a chart");
    let key_svg = String::from_utf8(charts(folder.path())["key_figures_1.svg"].clone()).unwrap();
    let texts = svg_texts(&key_svg);
    for design in ["East London baseline", "Single point of access"] {
        assert!(
            texts.iter().any(|t| t == design),
            "no legend entry {design}"
        );
    }
    let html = std::fs::read_to_string(folder.path().join("report.html")).expect("report.html");
    let tags = check_self_contained_html(&html);
    assert!(html.contains("Differences from East London baseline"));
    assert!(
        html.contains("<td class=\"better\">better</td>"),
        "no clear difference reported"
    );
    assert!(
        html.contains("<li>Delayed-discharge bed-days, pathway 1: ")
            && html.contains(" lower (better; paired 95% CI "),
        "the summary does not say that a single point of access cuts delayed bed-days"
    );
    let reported = reported_means(&tags);
    let mut rows = csv::Reader::from_path(folder.path().join("comparison.csv")).unwrap();
    let headers = rows.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (metric, mean) = (column("metric"), column("mean"));
    let mut checked = 0;
    for row in rows.records() {
        let row = row.unwrap();
        if row[metric].starts_with("key.") {
            checked += 1;
            assert!(
                reports(&reported, &row[metric], &row[mean]),
                "{} = {} is not in the report",
                &row[metric],
                &row[mean]
            );
        }
    }
    assert!(checked >= 40, "{checked} key figures checked");
}

#[test]
fn sweep_and_warm_up_draw_their_charts() {
    let sweep = run_into(&[
        "sweep",
        BASELINE,
        "--vary",
        "resources.rehab_bed.count=28..32:2",
        "--minimise-cost",
        "-r",
        "2",
    ]);
    assert_eq!(check_charts(sweep.path()), ["sweep"]);
    let svg = String::from_utf8(charts(sweep.path())["sweep.svg"].clone()).unwrap();
    assert!(
        svg_texts(&svg)
            .iter()
            .any(|t| t.starts_with("lowest cost: £")),
        "no cost-optimal point marked"
    );
    let warmup = run_into(&["warmup", BASELINE, "-r", "2"]);
    assert_eq!(check_charts(warmup.path()), ["warmup"]);
    let svg = String::from_utf8(charts(warmup.path())["warmup.svg"].clone()).unwrap();
    assert!(svg_texts(&svg).iter().any(|t| t.starts_with("warm-up ")));
}

#[test]
fn a_new_run_removes_the_charts_an_earlier_run_left() {
    let folder = run_into(&["compare", BASELINE, VARIANT, "-r", "2"]);
    std::fs::write(folder.path().join("charts/key_figures.png"), b"stale").unwrap();
    let out = folder.path().to_str().unwrap();
    let output = carepath(&["compare", BASELINE, VARIANT, "-r", "2", "-q", "-o", out]);
    assert!(output.status.success(), "{}", text(&output).1);
    assert!(!folder.path().join("charts/key_figures.png").exists());
    check_charts(folder.path());
}

#[test]
fn a_single_replication_draws_everything_and_prints_no_infinite_interval() {
    let folder = run_into(&["run", BASELINE, "-r", "1"]);
    check_charts(folder.path());
    let html = std::fs::read_to_string(folder.path().join("report.html")).expect("report.html");
    check_self_contained_html(&html);
    let words: Vec<&str> = html.split(|c: char| !c.is_alphanumeric()).collect();
    for bad in ["inf", "NaN"] {
        assert!(!words.contains(&bad), "the report prints {bad}");
    }
    let costs = String::from_utf8(charts(folder.path())["costs.svg"].clone()).unwrap();
    assert!(
        svg_texts(&costs)
            .iter()
            .any(|t| t.contains("1 replication ·"))
    );
}

#[test]
fn no_report_writes_only_the_tables_and_removes_an_earlier_pack() {
    let folder = run_into(&["run", BASELINE, "-r", "2", "--no-report"]);
    assert!(!folder.path().join("charts").exists());
    assert!(!folder.path().join("report.html").exists());
    assert!(folder.path().join("summary.csv").exists());
    let out = folder.path().to_str().unwrap();
    let with_pack = carepath(&["run", BASELINE, "-r", "2", "-q", "-o", out]);
    assert!(with_pack.status.success(), "{}", text(&with_pack).1);
    assert!(folder.path().join("report.html").exists());
    let tables_only = carepath(&["run", BASELINE, "-r", "3", "-q", "--no-report", "-o", out]);
    assert!(tables_only.status.success(), "{}", text(&tables_only).1);
    assert!(
        !folder.path().join("report.html").exists(),
        "a stale report stayed"
    );
    assert!(
        !folder.path().join("charts").exists(),
        "stale charts stayed"
    );
}
