//! The board pack on paper (issue 10 items 4 and 5): a three-design comparison leads with the
//! differences chart, shows key figures a row per design, gives every chart a text
//! alternative and the run's date, and no table is wider than A4's text width by a static
//! estimate (the browser check in `.ci/run` measures the real boxes).

use plotters::style::IntoFont;

use crate::support::run_into;

const THREE: [&str; 3] = [
    "scenarios/east_london/baseline.toml",
    "scenarios/east_london/single_point_of_access.toml",
    "scenarios/east_london/seven_day_social_care.toml",
];

/// A4 (210 mm) less the report's 12 mm margins either side [mm].
const A4_TEXT_WIDTH_MM: f64 = 186.0;

/// Table text size [pt] and cell padding left plus right [mm] in the report's style sheet.
const TABLE_PT: f64 = 9.5;
const PADDING_MM: f64 = 2.0 * 5.0 * 25.4 / 72.0;

/// How wide `text` sets at `pt` points in the report's typeface [mm], measured with the
/// bundled DejaVu Sans (plotters sizes by ascent to descent, 1.164 em for this font).
fn text_mm(text: &str, pt: f64) -> f64 {
    carepath::report::theme::register_fonts().expect("the bundled font");
    let nominal = 1164.0;
    let (width, _) = (carepath::report::theme::FONT, nominal)
        .into_font()
        .box_size(text)
        .expect("measurable text");
    f64::from(width) / 1000.0 * pt * 25.4 / 72.0
}

/// One cell of a table: its text, whether it may not wrap, and how many columns it spans.
struct Cell {
    text: String,
    nowrap: bool,
    span: usize,
}

/// The narrowest each table of `html` can be set [mm], by the rule browsers follow: a
/// column is at least as wide as its widest unbreakable content (a whole `number` cell,
/// which does not wrap; else the longest word), plus padding. Returns (first header, mm).
fn table_widths(html: &str) -> Vec<(String, f64)> {
    let lossy = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut tables = Vec::new();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut cell: Option<Cell> = None;
    let mut in_table = false;
    for token in html5gum::Tokenizer::new(html) {
        match token.expect("tokenizing a string never fails") {
            html5gum::Token::StartTag(tag) => match lossy(&tag.name).as_str() {
                "table" => {
                    in_table = true;
                    rows.clear();
                }
                "tr" if in_table => rows.push(Vec::new()),
                "td" | "th" if in_table => {
                    let attribute = |name: &str| {
                        tag.attributes
                            .iter()
                            .find(|(k, _)| lossy(k) == name)
                            .map(|(_, v)| lossy(v))
                    };
                    cell = Some(Cell {
                        text: String::new(),
                        nowrap: attribute("class").is_some_and(|c| c.contains("number")),
                        span: attribute("colspan")
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(1),
                    });
                }
                "br" => {
                    if let Some(c) = cell.as_mut() {
                        c.text.push('\n');
                    }
                }
                _ => {}
            },
            html5gum::Token::EndTag(tag) => match lossy(&tag.name).as_str() {
                "td" | "th" => {
                    if let (Some(c), Some(row)) = (cell.take(), rows.last_mut()) {
                        row.push(c);
                    }
                }
                "table" => {
                    in_table = false;
                    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
                    let mut widest = vec![0.0f64; columns];
                    for row in &rows {
                        for (i, c) in row.iter().enumerate().filter(|(_, c)| c.span == 1) {
                            let pieces: Vec<&str> = if c.nowrap {
                                c.text.lines().collect()
                            } else {
                                c.text.split_whitespace().collect()
                            };
                            let needed = pieces
                                .iter()
                                .map(|p| text_mm(p.trim(), TABLE_PT))
                                .fold(0.0, f64::max);
                            widest[i] = widest[i].max(needed + PADDING_MM);
                        }
                    }
                    let header = rows
                        .first()
                        .and_then(|r| r.first())
                        .map_or(String::new(), |c| c.text.clone());
                    tables.push((header, widest.iter().sum()));
                }
                _ => {}
            },
            html5gum::Token::String(text) => {
                if let Some(c) = cell.as_mut() {
                    c.text.push_str(&lossy(&text));
                }
            }
            _ => {}
        }
    }
    tables
}

/// Issue 10 item 5: no table of a three-design comparison is wider than A4's text width by
/// a static estimate. The estimate is checked against a table known to be too wide: the
/// key figures of three designs as a column each, which clipped on A4 before.
#[test]
fn no_table_of_a_three_design_comparison_is_wider_than_a4() {
    let folder = run_into(&["compare", THREE[0], THREE[1], THREE[2], "-r", "3", "-q"]);
    let html = std::fs::read_to_string(folder.path().join("report.html")).expect("report.html");
    let widths = table_widths(&html);
    assert!(widths.len() >= 10, "{} tables", widths.len());
    for (header, mm) in &widths {
        assert!(
            *mm <= A4_TEXT_WIDTH_MM,
            "the table headed `{header}` needs {mm:.0} mm, more than A4's {A4_TEXT_WIDTH_MM} mm"
        );
    }
    let too_wide = "<table><tr><th>Figure</th><th>east_london_baseline (95% CI)</th>\
        <th>east_london_single_point_of_access (95% CI)</th><th>east_london_seven_day_social_care (95% CI)</th></tr>\
        <tr><td>Delayed-discharge bed-days</td><td class=\"number\">11,456 bed-days<br>10,817 bed-days to 12,094 bed-days</td>\
        <td class=\"number\">5,277 bed-days<br>4,412 bed-days to 6,141 bed-days</td>\
        <td class=\"number\">8,881 bed-days<br>8,297 bed-days to 9,465 bed-days</td></tr></table>";
    let (_, mm) = &table_widths(too_wide)[0];
    assert!(
        *mm > A4_TEXT_WIDTH_MM,
        "the estimate passes a clipped table: {mm:.0} mm"
    );
}

/// Issue 10 items 4 and 5: the comparison's first chart is the paired differences, key
/// figures are a row per design beyond two designs, every chart is an image with a text
/// alternative, and the report and manifest give the run's date and time (UTC, RFC 3339).
#[test]
fn a_three_design_report_leads_with_differences_and_labels_every_chart() {
    let folder = run_into(&["compare", THREE[0], THREE[1], THREE[2], "-r", "3", "-q"]);
    let html = std::fs::read_to_string(folder.path().join("report.html")).expect("report.html");
    let charts = html.find("<h2>Charts</h2>").expect("a charts section");
    let first_svg = &html[charts..][..html[charts..].find("</svg>").expect("a chart")];
    assert!(
        first_svg.contains("Differences from ") && first_svg.contains(" (1 of"),
        "the first chart is not the differences chart"
    );
    assert!(
        html.contains("<table class=\"by-design\">"),
        "key figures not a row per design"
    );
    let svgs = html.matches("<svg ").count();
    let labelled = html
        .matches("<svg role=\"img\" aria-label=\"Chart: ")
        .count();
    assert_eq!(svgs, labelled, "a chart without a text alternative");
    let titles = html.matches("<title>Chart: ").count();
    assert_eq!(titles, svgs, "a chart without an SVG <title>");
    let svg = std::fs::read_to_string(folder.path().join("charts/differences_1.svg")).unwrap();
    assert!(svg.contains("<title>Chart: Differences from East London baseline"));

    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(folder.path().join("manifest.json")).unwrap(),
    )
    .unwrap();
    let run_at = manifest["run_at"]
        .as_str()
        .expect("run_at in manifest.json");
    let shape = regex_like_rfc3339(run_at);
    assert!(shape, "run_at `{run_at}` is not UTC RFC 3339 to the second");
    assert!(
        html.contains(&format!("<time datetime=\"{run_at}\">")),
        "the report does not give the manifest's run time"
    );
}

/// `2026-11-29T15:22:33Z`: digits where digits go, the separators, and Z.
fn regex_like_rfc3339(text: &str) -> bool {
    let pattern = "dddd-dd-ddTdd:dd:ddZ";
    text.len() == pattern.len()
        && text.chars().zip(pattern.chars()).all(|(c, p)| match p {
            'd' => c.is_ascii_digit(),
            other => c == other,
        })
}
