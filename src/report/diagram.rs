//! The pathway diagram: a scenario's pathways as a flow diagram, written as Graphviz DOT
//! (`pathways.dot`) and drawn, from that same DOT text, as SVG and PNG without a system
//! Graphviz.
//!
//! Steps are boxes naming their kind (wait, activity, handoff, delay, end, and the instant
//! steps: branch, release, block, transfer) and the resource or office they use. Each
//! referral route into a pathway, and each route between steps, is an arrow. After a run,
//! arrows carry the mean number of patients a year who took the route (the `route.*`
//! metrics over the measured period, scaled to 365 days) and its share of those leaving the
//! step; drawn for a scenario that has not run (`carepath check --diagram`), they carry the
//! branch probabilities instead.
//!
//! Layout: `layout-rs` (a pure-Rust implementation of Graphviz's layered "dot" layout) reads
//! the DOT text and writes SVG; `resvg` draws that SVG into the PNG with the bundled DejaVu
//! Sans font, so the output is the same on every machine.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::experiment::MetricSummary;
use crate::model::engine::routes::{RouteTable, route_metric};
use crate::model::scenario::{OpenWhen, PathwayId, Scenario, StepId, StepKind};

use super::format::grouped;
use super::render::Rendered;
use super::theme::FONT;

/// File stem of the diagram under `charts/`.
pub const STEM: &str = "pathways";
/// The diagram's Graphviz DOT file, at the top of an output folder.
pub const DOT_FILE: &str = "pathways.dot";

/// DOT attributes of a referral source node.
const REFERRALS: &str = "shape=ellipse, fillcolor=\"#fde9d9\"";
/// DOT attributes of a step where patients queue for a resource.
const QUEUE: &str = "shape=box, fillcolor=\"#d6e6f2\"";
/// DOT attributes of any other timed or instant step.
const STEP: &str = "shape=box, fillcolor=\"#f2f2f2\"";
/// DOT attributes of a branch.
const BRANCH: &str = "shape=ellipse, fillcolor=\"#ffffff\"";
/// DOT attributes of an end or transfer.
const LEAVE: &str = "shape=box, fillcolor=\"#dff0e6\"";

/// Days in the year the route volumes are scaled to.
const DAYS_PER_YEAR: f64 = 365.0;

/// One arrow of the diagram: from a node to a node, with its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    /// DOT name of the node it leaves (`s<step>` or `in<pathway>`).
    pub from: String,
    /// DOT name of the node it enters.
    pub to: String,
    /// Mean patients a year along it, when volumes are shown.
    pub per_year: Option<f64>,
    /// Its text (empty for none).
    pub label: String,
}

/// The diagram's content before layout: nodes (DOT name, label, shape) and arrows.
#[derive(Debug, Clone)]
pub struct Flow {
    /// DOT name, label and DOT attributes (shape and fill) of each node.
    pub nodes: Vec<(String, String, &'static str)>,
    /// The arrows.
    pub arrows: Vec<Arrow>,
}

/// The flow of `scenario`: with `summary` (a run's summary, as in `summary.csv`), arrows
/// carry the patients a year who took each route and their share of those leaving the step;
/// without, branch arrows carry their probability or condition.
pub fn flow(scenario: &Scenario, summary: Option<&[MetricSummary]>) -> Flow {
    let years = scenario.horizon.hours() / 24.0 / DAYS_PER_YEAR;
    let mean = |metric: &str| -> Option<f64> {
        let summary = summary?;
        summary
            .iter()
            .find(|m| m.metric == metric)
            .map(|m| m.mean / years)
    };
    let mut nodes = Vec::new();
    let mut arrows = Vec::new();
    // Referrals into each pathway that some source feeds.
    for (p, pathway) in scenario.pathways.iter().enumerate() {
        let sources: Vec<String> = scenario
            .sources
            .iter()
            .filter(|s| s.pathway == PathwayId(p as u16))
            .map(|s| scenario.source_title(&s.name))
            .collect();
        if sources.is_empty() {
            continue;
        }
        nodes.push((
            format!("in{p}"),
            format!(
                "Referrals into {}\n{}",
                scenario.pathway_title(PathwayId(p as u16)),
                sources.join(", ")
            ),
            REFERRALS,
        ));
        arrows.push(Arrow {
            from: format!("in{p}"),
            to: format!("s{}", pathway.entry.0),
            per_year: None,
            label: String::new(),
        });
    }
    for (s, step) in scenario.steps.iter().enumerate() {
        let (kind, uses) = kind_and_use(scenario, &step.kind);
        let title = scenario.step_title(StepId(s as u32));
        let mut label = format!("{title}\n{kind}");
        if let Some(uses) = uses {
            let _ = write!(label, ": {uses}");
        }
        if scenario.pathways[step.pathway.0 as usize].entry == StepId(s as u32) {
            label = format!(
                "{}\n{label}",
                scenario.pathway_title(step.pathway).to_uppercase()
            );
        }
        let shape = match step.kind {
            StepKind::Branch { .. }
            | StepKind::BranchOn { .. }
            | StepKind::BranchOnHours { .. } => BRANCH,
            StepKind::End { .. } | StepKind::Transfer { .. } => LEAVE,
            StepKind::Seize { .. } | StepKind::Activity { .. } => QUEUE,
            _ => STEP,
        };
        nodes.push((format!("s{s}"), label, shape));
    }
    let table = RouteTable::new(scenario);
    let per_route: Vec<Option<f64>> = table
        .routes()
        .map(|(from, to)| mean(&route_metric(scenario, from, to)))
        .collect();
    // Patients a year leaving each step, for the shares.
    let mut leaving: BTreeMap<u32, f64> = BTreeMap::new();
    for ((from, _), count) in table.routes().zip(&per_route) {
        *leaving.entry(from.0).or_insert(0.0) += count.unwrap_or(0.0);
    }
    for ((from, to), count) in table.routes().zip(&per_route) {
        let label = match count {
            Some(count) => {
                let out = leaving.get(&from.0).copied().unwrap_or(0.0);
                let share = if out > 0.0 && table.out_degree(from) > 1 {
                    format!(" ({:.0}%)", 100.0 * count / out)
                } else {
                    String::new()
                };
                format!("{}/yr{share}", grouped(count.round()))
            }
            None if summary.is_none() => condition(scenario, from, to),
            None => String::new(),
        };
        arrows.push(Arrow {
            from: format!("s{}", from.0),
            to: format!("s{}", to.0),
            per_year: *count,
            label,
        });
    }
    // The referral arrows: arrivals less the transfers in.
    if summary.is_some() {
        for arrow in arrows.iter_mut().filter(|a| a.from.starts_with("in")) {
            let Some(p) = arrow.from[2..].parse::<usize>().ok() else {
                continue;
            };
            let entry = scenario.pathways[p].entry;
            let transferred: f64 = table
                .routes()
                .zip(&per_route)
                .filter(|((from, to), _)| {
                    *to == entry && scenario.steps[from.0 as usize].pathway != PathwayId(p as u16)
                })
                .map(|(_, c)| c.unwrap_or(0.0))
                .sum();
            if let Some(arrivals) = mean(&format!("{}.arrivals", scenario.pathways[p].name)) {
                let referred = (arrivals - transferred).max(0.0);
                arrow.per_year = Some(referred);
                arrow.label = format!("{}/yr", grouped(referred.round()));
            }
        }
    }
    Flow { nodes, arrows }
}

/// A step's kind in words, and the resource or office it uses, if any.
fn kind_and_use(scenario: &Scenario, kind: &StepKind) -> (&'static str, Option<String>) {
    match kind {
        StepKind::Seize { wait, .. } => ("wait", Some(scenario.resource_title(wait.resource))),
        StepKind::Activity { wait, .. } => {
            ("activity", Some(scenario.resource_title(wait.resource)))
        }
        StepKind::Release { resource, .. } => ("release", Some(scenario.resource_title(*resource))),
        StepKind::Delay { .. } => ("delay", None),
        StepKind::Visits { episode, .. } => (
            "home visits",
            match &scenario.visits[episode.0 as usize].capacity {
                crate::model::visit_plan::VisitCapacity::Slots { per_day } => {
                    Some(format!("{per_day} visit slots a day"))
                }
                crate::model::visit_plan::VisitCapacity::Roster { resources } => {
                    resources.first().map(|r| scenario.resource_title(*r))
                }
            },
        ),
        StepKind::Handoff { handoff, .. } => (
            "handoff",
            handoff
                .hours
                .map(|c| crate::model::labels::readable(&scenario.calendars[c.0 as usize].name)),
        ),
        StepKind::Branch { .. } => ("branch", None),
        StepKind::BranchOn { attribute, .. } => (
            "branch",
            Some(crate::model::labels::readable(
                &scenario.attributes[attribute.0 as usize].name,
            )),
        ),
        StepKind::BranchOnHours { hours, .. } => (
            "branch",
            Some(match hours {
                OpenWhen::Calendar(c) => format!(
                    "{} open?",
                    crate::model::labels::readable(&scenario.calendars[c.0 as usize].name)
                ),
                OpenWhen::Staffed(r) => format!("{} on duty?", scenario.resource_title(*r)),
            }),
        ),
        StepKind::Block { resource, .. } => ("block", Some(scenario.resource_title(*resource))),
        StepKind::End { outcome } => (
            "end",
            Some(crate::model::labels::readable(
                &scenario.outcomes[outcome.0 as usize].name,
            )),
        ),
        StepKind::Transfer { to, .. } => (
            "transfer",
            Some(scenario.pathway_title(scenario.steps[to.0 as usize].pathway)),
        ),
    }
}

/// The condition of the route from `from` to `to` when no run has counted it: a branch
/// arm's probability, an attribute's category, open or closed, or a deadline's fallback.
fn condition(scenario: &Scenario, from: StepId, to: StepId) -> String {
    let mut parts: Vec<String> = Vec::new();
    match &scenario.steps[from.0 as usize].kind {
        StepKind::Branch { arms } => {
            let mut previous = 0.0;
            let mut probability = 0.0;
            for (cumulative, target) in arms {
                if *target == to {
                    probability += cumulative - previous;
                }
                previous = *cumulative;
            }
            parts.push(format!("p = {}", super::format::plain(probability)));
        }
        StepKind::BranchOn { attribute, targets } => {
            let values = &scenario.attributes[attribute.0 as usize].values;
            parts.extend(
                targets
                    .iter()
                    .zip(values)
                    .filter(|(t, _)| **t == to)
                    .map(|(_, v)| crate::model::labels::readable(v).to_lowercase()),
            );
        }
        StepKind::BranchOnHours { open, closed, .. } => {
            if *open == to {
                parts.push("open".into());
            }
            if *closed == to {
                parts.push("closed".into());
            }
        }
        StepKind::Seize { wait, next } | StepKind::Activity { wait, next, .. } => {
            if let Some(deadline) = wait.deadline
                && deadline.fallback == to
                && *next != to
            {
                parts.push(match deadline.patience {
                    None => {
                        format!("after {}", super::format::plain(deadline.limit.hours())) + " h"
                    }
                    Some(_) => "out of patience".to_string(),
                });
            }
            if let Some(full) = wait.max_queue
                && full.when_full == to
                && *next != to
            {
                parts.push("queue full".to_string());
            }
        }
        _ => {}
    }
    parts.join(", ")
}

/// The flow as a Graphviz DOT document (top to bottom, boxes for steps).
pub fn dot(scenario: &Scenario, flow: &Flow) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", escape(&scenario.title()));
    let _ = writeln!(
        out,
        "  node [fontname=\"DejaVu Sans\", fontsize=12, style=filled, color=\"#0072b2\"];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"DejaVu Sans\", fontsize=11, color=\"#555555\"];"
    );
    for (name, label, look) in &flow.nodes {
        let _ = writeln!(out, "  {name} [label=\"{}\", {look}];", escape(label));
    }
    for arrow in &flow.arrows {
        let _ = writeln!(
            out,
            "  {} -> {} [label=\"{}\"];",
            arrow.from,
            arrow.to,
            escape(&arrow.label)
        );
    }
    out.push_str("}\n");
    out
}

/// `text` inside a DOT string: quotes and backslashes escaped, line breaks as `\n`.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Lays out a DOT document and draws it as SVG and PNG (file stem `stem` under `charts/`),
/// with its title and a text alternative.
///
/// # Errors
/// A message if the DOT text cannot be parsed or laid out, or the SVG cannot be drawn
/// (an internal fault: the DOT text is carepath's own).
pub fn draw(
    dot_text: &str,
    stem: &str,
    title: &str,
    subtitle: &str,
    footnote: &str,
    alt: &str,
) -> Result<Rendered, String> {
    let text = dot_text.to_string();
    // The layout library asserts on what it cannot handle; a fault there must not end the
    // run, so its panics become an error.
    let svg = std::panic::catch_unwind(move || {
        let mut parser = layout::gv::DotParser::new(&text);
        let graph = parser.process()?;
        let mut builder = layout::gv::GraphBuilder::new();
        builder.visit_graph(&graph);
        let mut visual = builder.get();
        let mut writer = layout::backends::svg::SVGWriter::new();
        visual.do_it(false, false, false, &mut writer);
        Ok::<String, String>(writer.finalize())
    })
    .map_err(|_| "the layout of the pathway diagram failed".to_string())??;
    let svg = sorted_styles(&svg).replace(
        "font-family: Times, serif;",
        &format!("font-family: {FONT};"),
    );
    let mut svg = framed(&svg, title, subtitle, footnote);
    // The text alternative as the drawing's own title, as the charts have.
    if let Some(open) = svg.find("<svg")
        && let Some(end) = svg[open..].find('>')
    {
        svg.insert_str(
            open + end + 1,
            &format!("<title>{}</title>", escape_xml(alt)),
        );
    }
    let png = png_of(&svg)?;
    Ok(Rendered {
        stem: stem.to_string(),
        title: title.to_string(),
        alt: alt.to_string(),
        png,
        svg,
    })
}

/// The SVG with the lines of its `<style>` block in sorted order: the layout library
/// writes them from a hash map, in an order that changes from process to process, and the
/// same run must give the same bytes.
fn sorted_styles(svg: &str) -> String {
    let (Some(start), Some(end)) = (svg.find("<style>\n"), svg.find("</style>")) else {
        return svg.to_string();
    };
    let start = start + "<style>\n".len();
    if end < start {
        return svg.to_string();
    }
    let mut lines: Vec<&str> = svg[start..end].lines().collect();
    lines.sort_unstable();
    let mut block = lines.join("\n");
    block.push('\n');
    format!("{}{block}{}", &svg[..start], &svg[end..])
}

/// The laid-out drawing with the pack's frame: a title and lines saying what the arrows
/// carry above it, the footnote (scenario, replications, seed, version) below, on white;
/// type sized to the drawing's width so that it reads like the charts' when printed. The
/// frame is at least as wide as the title (the drawing centred in it), and the subtitle
/// wraps to the frame.
fn framed(svg: &str, title: &str, subtitle: &str, footnote: &str) -> String {
    let number = |name: &str| -> Option<f64> {
        let open = &svg[svg.find("<svg")?..];
        let at = open.find(&format!(" {name}=\""))? + name.len() + 3;
        open[at..].split('"').next()?.parse().ok()
    };
    let (Some(width), Some(height), Some(open), Some(close)) = (
        number("width"),
        number("height"),
        svg.find("<svg"),
        svg.rfind("</svg>"),
    ) else {
        return svg.to_string();
    };
    let Some(open_end) = svg[open..].find('>').map(|e| open + e + 1) else {
        return svg.to_string();
    };
    let size = (width / 55.0).max(20.0);
    // Widths of text estimated from DejaVu Sans's average advance (about 0.62 em bold, 0.56
    // em regular): the frame widens to hold the title, and the subtitle wraps to the frame.
    let title_width = title.chars().count() as f64 * size * 0.62 + 2.0 * size;
    let frame = width.max(title_width);
    let small = size * 0.65;
    let per_line = (((frame - 2.0 * size) / (small * 0.56)).floor() as usize).max(30);
    let lines = textwrap::wrap(subtitle, per_line);
    let top = size * 1.3 + lines.len() as f64 * small * 1.3 + size * 0.8;
    let bottom = size * 1.8;
    let total = height + top + bottom;
    let text = |y: f64, scale: f64, weight: &str, content: &str| {
        format!(
            "<text x=\"{x}\" y=\"{y}\" font-family=\"{FONT}\" font-size=\"{s}\" font-weight=\"{weight}\" fill=\"#222222\">{}</text>",
            escape_xml(content),
            x = size,
            s = size * scale,
        )
    };
    let subtitle_lines: String = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            text(
                size * 1.3 + (i as f64 + 1.0) * small * 1.3,
                0.65,
                "normal",
                line,
            )
        })
        .collect();
    format!(
        "<svg width=\"{frame}\" height=\"{total}\" viewBox=\"0 0 {frame} {total}\" xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>{}{}<g transform=\"translate({},{top})\">{}</g>{}</svg>",
        text(size * 1.3, 1.0, "bold", title),
        subtitle_lines,
        (frame - width) / 2.0,
        &svg[open_end..close],
        text(total - size * 0.7, 0.55, "normal", footnote),
    )
}

/// `text` inside an XML attribute.
fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Most pixels along the longer side of the PNG (the SVG is scaled down to fit).
const PNG_MAX_SIDE: f32 = 4000.0;

/// The SVG drawn as a PNG on white, at up to four times its size (at most [`PNG_MAX_SIDE`]
/// pixels a side: a small diagram is as sharp as a large one), with the bundled font.
fn png_of(svg: &str) -> Result<Vec<u8>, String> {
    let mut options = resvg::usvg::Options::default();
    {
        let fonts = options.fontdb_mut();
        fonts.load_font_data(super::theme::REGULAR_FONT.to_vec());
        fonts.load_font_data(super::theme::BOLD_FONT.to_vec());
        fonts.set_sans_serif_family("DejaVu Sans");
        fonts.set_serif_family("DejaVu Sans");
    }
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    let scale = (4.0f32).min(PNG_MAX_SIDE / size.width().max(size.height()).max(1.0));
    let (width, height) = (
        (size.width() * scale).ceil().max(1.0) as u32,
        (size.height() * scale).ceil().max(1.0) as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| "the pathway diagram is too large to draw".to_string())?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // On white, every pixel is opaque: written as RGB, as the charts are.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    super::render::encode_png(&rgb, (width, height)).map_err(|e| e.to_string())
}

/// The diagram of `scenario`, with volumes from `summary` if given: its DOT text and its
/// drawing.
///
/// # Errors
/// As [`draw`].
pub fn diagram(
    scenario: &Scenario,
    summary: Option<&[MetricSummary]>,
    footnote: &str,
) -> Result<(String, Rendered), String> {
    let flow = flow(scenario, summary);
    let dot_text = dot(scenario, &flow);
    let steps = scenario.steps.len();
    let pathways = scenario.pathways.len();
    let title = if summary.is_some() {
        format!(
            "{}: pathways, patients a year on each route",
            scenario.title()
        )
    } else {
        format!("{}: pathways", scenario.title())
    };
    let mut alt = format!(
        "Chart: {title}. Flow diagram of {pathways} pathway(s) with {steps} steps and {} routes.",
        flow.arrows.len()
    );
    if summary.is_some() {
        let mut busiest: Vec<&Arrow> = flow
            .arrows
            .iter()
            .filter(|a| a.per_year.is_some())
            .collect();
        busiest.sort_by(|a, b| {
            b.per_year
                .unwrap_or(0.0)
                .total_cmp(&a.per_year.unwrap_or(0.0))
        });
        let name = |node: &str| {
            flow.nodes
                .iter()
                .find(|n| n.0 == node)
                .map_or(node.to_string(), |n| {
                    n.1.lines().next().unwrap_or("").to_string()
                })
        };
        let listed: Vec<String> = busiest
            .iter()
            .take(3)
            .map(|a| format!("{} to {}: {}", name(&a.from), name(&a.to), a.label))
            .collect();
        if !listed.is_empty() {
            let _ = write!(alt, " Busiest routes: {}.", listed.join("; "));
        }
    }
    let subtitle = subtitle(summary.is_some());
    let drawn = draw(&dot_text, STEM, &title, subtitle, footnote, &alt)?;
    Ok((dot_text, drawn))
}

/// The subtitle of a diagram: what boxes and arrows show, with or without a run.
fn subtitle(run: bool) -> &'static str {
    if run {
        "Boxes: steps, with their kind and the resource or office they use. Arrows: mean patients a year who took the route (share of those leaving the step)."
    } else {
        "Boxes: steps, with their kind and the resource or office they use. Arrows: routes, with the branch probability or condition (not run: no patients a year)."
    }
}

/// The file stem of pathway `name`'s own diagram under `charts/`: `pathways_<name>`.
pub fn pathway_stem(name: &str) -> String {
    format!("{STEM}_{name}")
}

/// Whether `stem` is the whole diagram's or one pathway's.
pub fn is_diagram_stem(stem: &str) -> bool {
    stem == STEM
        || stem
            .strip_prefix(STEM)
            .is_some_and(|rest| rest.starts_with('_'))
}

/// The part of `flow` inside pathway `pathway`: its steps and referral node, with each route
/// that leaves it ending at a box naming the pathway and step it continues to ("To ...") and
/// each route that enters it from another pathway starting at a box naming where it comes
/// from ("From ..."). Arrow labels are kept as they are in `flow`.
pub fn pathway_flow(scenario: &Scenario, flow: &Flow, pathway: PathwayId) -> Flow {
    let inside = |node: &str| -> Option<bool> {
        if let Some(p) = node.strip_prefix("in") {
            return p.parse::<u16>().ok().map(|p| p == pathway.0);
        }
        let s = node.strip_prefix('s')?.parse::<usize>().ok()?;
        scenario.steps.get(s).map(|step| step.pathway == pathway)
    };
    let elsewhere = |node: &str, word: &str| -> Option<String> {
        let s = node.strip_prefix('s')?.parse::<u32>().ok()?;
        let step = scenario.steps.get(s as usize)?;
        Some(format!(
            "{word} {}\n{}",
            scenario.pathway_title(step.pathway),
            scenario.step_title(StepId(s))
        ))
    };
    let mut nodes: Vec<(String, String, &'static str)> = flow
        .nodes
        .iter()
        .filter(|(name, ..)| inside(name) == Some(true))
        .cloned()
        .collect();
    let mut arrows = Vec::new();
    for arrow in &flow.arrows {
        let mut arrow = arrow.clone();
        match (inside(&arrow.from), inside(&arrow.to)) {
            (Some(true), Some(true)) => {}
            (Some(true), Some(false)) => {
                let name = format!("to_{}", arrow.to);
                if !nodes.iter().any(|n| n.0 == name) {
                    let label = elsewhere(&arrow.to, "To").unwrap_or_default();
                    nodes.push((name.clone(), label, LEAVE));
                }
                arrow.to = name;
            }
            (Some(false), Some(true)) => {
                let name = format!("from_{}", arrow.from);
                if !nodes.iter().any(|n| n.0 == name) {
                    let label = elsewhere(&arrow.from, "From").unwrap_or_default();
                    nodes.push((name.clone(), label, REFERRALS));
                }
                arrow.from = name;
            }
            _ => continue,
        }
        arrows.push(arrow);
    }
    Flow { nodes, arrows }
}

/// One diagram per pathway (file stems from [`pathway_stem`]), when the scenario has more
/// than one: a whole system drawn at once is too wide to read on a printed page, a pathway
/// alone is not. Routes to and from other pathways end and start at named boxes. Empty for a
/// scenario of one pathway (the whole diagram is that pathway).
///
/// # Errors
/// As [`draw`].
pub fn pathway_diagrams(
    scenario: &Scenario,
    summary: Option<&[MetricSummary]>,
    footnote: &str,
) -> Result<Vec<Rendered>, String> {
    if scenario.pathways.len() < 2 {
        return Ok(Vec::new());
    }
    let whole = flow(scenario, summary);
    let mut drawn = Vec::new();
    for (p, pathway) in scenario.pathways.iter().enumerate() {
        let id = PathwayId(p as u16);
        let part = pathway_flow(scenario, &whole, id);
        if part.nodes.is_empty() {
            continue;
        }
        let name = scenario.pathway_title(id);
        let title = if summary.is_some() {
            format!("{name}: patients a year on each route")
        } else {
            format!("{name}: routes")
        };
        let alt = format!(
            "Chart: {title}. Flow diagram of pathway {name} with {} boxes and {} routes.",
            part.nodes.len(),
            part.arrows.len()
        );
        drawn.push(draw(
            &dot(scenario, &part),
            &pathway_stem(&pathway.name),
            &title,
            subtitle(summary.is_some()),
            footnote,
            &alt,
        )?);
    }
    Ok(drawn)
}
