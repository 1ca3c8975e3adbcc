//! The console's "what each design is": every design's description and, for each variant,
//! what it changes from the base in plain words (see `experiment::design_diff`), wrapped to
//! the console's width.

use carepath::experiment::design_diff::differences;
use carepath::model::describe::design_titles;
use carepath::scenario::LoadedScenario;

/// Widest console line [characters].
const WIDTH: usize = 100;

/// `text` wrapped to [`WIDTH`], the first line indented by `first`, the rest by `rest`.
fn wrapped(text: &str, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest);
    textwrap::fill(text, options)
}

/// The designs, base first: title, description, and each variant's changes from the base.
pub fn designs_text(designs: &[LoadedScenario]) -> String {
    let names: Vec<&str> = designs.iter().map(|d| d.scenario.name.as_str()).collect();
    let titles = design_titles(&names);
    let Some(base) = designs.first() else {
        return String::new();
    };
    let mut out = String::from("The designs:\n");
    for (i, (design, title)) in designs.iter().zip(&titles).enumerate() {
        let scenario = &design.scenario;
        let heading = if i == 0 {
            format!("{title} (the base, `{}`)", scenario.name)
        } else {
            format!("{title} (`{}`)", scenario.name)
        };
        let line = if scenario.description.is_empty() {
            heading
        } else {
            format!("{heading}: {}", scenario.description)
        };
        out.push_str(&wrapped(&line, "  ", "      "));
        out.push('\n');
        if i == 0 {
            continue;
        }
        let changes = differences(&base.scenario, scenario);
        if changes.is_empty() {
            out.push_str(&wrapped(
                &format!("no setting differs from {}", titles[0]),
                "    ",
                "      ",
            ));
            out.push('\n');
        }
        for change in changes {
            out.push_str(&wrapped(&change.to_string(), "    - ", "      "));
            out.push('\n');
        }
    }
    out
}
