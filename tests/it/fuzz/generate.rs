//! Scenario files generated from scratch: every kind of step, rosters, calendars,
//! attributes, census groups and demand changes, wired together at random. Values are
//! mostly ordinary, sometimes extreme; names are mostly consistent, sometimes dangling.

use super::draw::Draw;

const UNITS: &[&str] = &["s", "min", "h", "d", "w"];
const DAYS: &[&str] = &[
    "\"monday\"",
    "\"weekdays\"",
    "\"weekends\"",
    "\"every_day\"",
    "\"sunday\"",
    "\"friday\"",
    "\"someday\"",
];
const EXTREME_NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "nan",
    "inf",
    "2147483648",
    "4294967296",
    "1e-300",
    "1000000",
];

/// A number: usually in `low..=high` (as an integer when `whole`), sometimes extreme.
fn number(draw: &mut Draw, low: i64, high: i64, whole: bool) -> String {
    if !draw.clean && draw.chance(4) {
        return draw.pick(EXTREME_NUMBERS).to_string();
    }
    let n = draw.between(low, high);
    if whole {
        n.to_string()
    } else {
        format!("{}.{}", n, draw.below(10))
    }
}

/// A duration in quotes, usually minutes to days, sometimes extreme.
fn duration(draw: &mut Draw) -> String {
    if !draw.clean && draw.chance(4) {
        return format!(
            "\"{}\"",
            draw.pick(&["0 s", "-1 h", "1e308 d", "inf h", "4294967296 w", "5", ""])
        );
    }
    let unit = *draw.pick(&UNITS[1..4]);
    format!("\"{} {unit}\"", 1 + draw.below(60))
}

fn clock(draw: &mut Draw) -> String {
    if !draw.clean && draw.chance(3) {
        return draw
            .pick(&["\"24:00\"", "\"25:61\"", "\"7\"", "\"\""])
            .to_string();
    }
    format!("\"{:02}:{:02}\"", draw.below(24), 15 * draw.below(4))
}

/// Start and end of a shift: in order when clean, anything otherwise.
fn hours(draw: &mut Draw) -> (String, String) {
    if draw.clean {
        let start = draw.below(12);
        let end = start + 1 + draw.below(12);
        (format!("\"{start:02}:00\""), format!("\"{end:02}:30\""))
    } else {
        (clock(draw), clock(draw))
    }
}

/// `n` durations in increasing order when clean, anything otherwise.
fn ordered_durations(draw: &mut Draw, n: usize) -> Vec<String> {
    if !draw.clean {
        return (0..n).map(|_| duration(draw)).collect();
    }
    let unit = *draw.pick(&UNITS[1..4]);
    let mut value = 1 + draw.below(20);
    (0..n)
        .map(|_| {
            let text = format!("\"{value} {unit}\"");
            value += 1 + draw.below(20);
            text
        })
        .collect()
}

/// Shares of `n` values that sum to exactly 1 when clean.
fn shares(draw: &mut Draw, n: usize) -> Vec<String> {
    let exact: &[&str] = match n {
        1 => &["1.0"],
        2 => &["0.5", "0.5"],
        3 => &["0.25", "0.25", "0.5"],
        _ => &[],
    };
    if draw.clean && !exact.is_empty() {
        exact.iter().map(|s| s.to_string()).collect()
    } else {
        (0..n).map(|_| format!("{:.2}", 1.0 / n as f64)).collect()
    }
}

/// A distribution of durations as an inline table.
fn distribution(draw: &mut Draw) -> String {
    match draw.below(8) {
        0 | 1 => format!("{{ fixed = {} }}", duration(draw)),
        2 => format!("{{ exponential = {{ mean = {} }} }}", duration(draw)),
        3 => {
            let d = ordered_durations(draw, 2);
            format!("{{ uniform = {{ min = {}, max = {} }} }}", d[0], d[1])
        }
        4 => {
            let d = ordered_durations(draw, 3);
            format!(
                "{{ triangular = {{ min = {}, mode = {}, max = {} }} }}",
                d[0], d[1], d[2]
            )
        }
        5 => format!(
            "{{ log_normal = {{ mean = {}, sd = {} }} }}",
            duration(draw),
            duration(draw)
        ),
        6 => format!(
            "{{ gamma = {{ mean = {}, sd = {} }} }}",
            duration(draw),
            duration(draw)
        ),
        _ => {
            let n = 1 + draw.below(4);
            let values: Vec<String> = (0..n).map(|_| duration(draw)).collect();
            let weights: Vec<String> = (0..n).map(|_| number(draw, 1, 5, true)).collect();
            format!(
                "{{ empirical = {{ values = [{}], weights = [{}] }} }}",
                values.join(", "),
                weights.join(", ")
            )
        }
    }
}

/// A list of `n` shifts (`count` included for rosters).
fn shifts(draw: &mut Draw, n: usize, with_count: bool) -> String {
    let list: Vec<String> = (0..n)
        .map(|_| {
            let count = if with_count {
                format!(", count = {}", number(draw, 0, 4, true))
            } else {
                String::new()
            };
            let days = if draw.clean {
                draw.pick(&DAYS[..6])
            } else {
                draw.pick(DAYS)
            };
            let (start, end) = hours(draw);
            format!("{{ days = [{days}], start = {start}, end = {end}{count} }}")
        })
        .collect();
    format!("[{}]", list.join(", "))
}

/// The names in play, drawn from when wiring things together; a name occasionally
/// dangles (refers to nothing) to exercise the "unknown name" checks.
struct Names {
    resources: Vec<String>,
    calendars: Vec<String>,
    attributes: Vec<(String, Vec<String>)>,
    pathways: Vec<(String, Vec<String>)>,
}

impl Names {
    fn pick(draw: &mut Draw, list: &[String]) -> String {
        if list.is_empty() || (!draw.clean && draw.chance(3)) {
            return "missing".to_string();
        }
        draw.pick(list).clone()
    }
}

/// A whole scenario file.
pub fn scenario(draw: &mut Draw) -> String {
    draw.clean = draw.chance(60);
    let mut out = String::new();
    let n_resources = 1 + draw.below(3);
    let n_pathways = 1 + draw.below(3);
    let mut names = Names {
        resources: (0..n_resources).map(|r| format!("res_{r}")).collect(),
        calendars: (0..draw.below(3)).map(|c| format!("cal_{c}")).collect(),
        attributes: (0..draw.below(3))
            .map(|a| {
                let values = (0..1 + draw.below(3)).map(|v| format!("v{v}")).collect();
                (format!("attr_{a}"), values)
            })
            .collect(),
        pathways: Vec::new(),
    };
    for p in 0..n_pathways {
        let steps = (0..1 + draw.below(7)).map(|s| format!("s{s}")).collect();
        names.pathways.push((format!("path_{p}"), steps));
    }
    // A clean file's pathways are planned first, so that every step is reachable, every
    // route ends, and the resources held agree on every route (what `check` proves).
    let plans: Vec<Planned> = if draw.clean {
        let has_attributes = !names.attributes.is_empty();
        let plans: Vec<Planned> = (0..n_pathways)
            .map(|p| {
                let steps = names.pathways[p].1.len();
                plan_pathway(draw, p, n_pathways, steps, n_resources, has_attributes)
            })
            .collect();
        for (p, plan) in plans.iter().enumerate() {
            names.pathways[p].1 = (0..plan.steps.len()).map(|s| format!("s{s}")).collect();
        }
        plans
    } else {
        Vec::new()
    };

    out.push_str(&format!(
        "[run]\nname = \"generated\"\nhorizon = {}\nwarm_up = {}\nreplications = {}\nseed = {}\nstart_day = {}\n\n",
        duration(draw),
        duration(draw),
        number(draw, 1, 5, true),
        number(draw, 0, 1000, true),
        draw.pick(&["\"monday\"", "\"sunday\"", "\"friday\"", "\"mon\""]),
    ));
    for calendar in &names.calendars {
        let n = 1 + draw.below(2);
        out.push_str(&format!(
            "[calendars.{calendar}]\nhours = {}\n\n",
            shifts(draw, n, false)
        ));
    }
    for (attribute, values) in &names.attributes {
        let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
        let weights = shares(draw, values.len());
        out.push_str(&format!(
            "[attributes.{attribute}]\nvalues = [{}]\nprobabilities = [{}]\n\n",
            quoted.join(", "),
            weights.join(", ")
        ));
    }
    for resource in &names.resources {
        out.push_str(&format!("[resources.{resource}]\n"));
        if draw.chance(70) {
            let low = i64::from(draw.clean);
            out.push_str(&format!("count = {}\n", number(draw, low, 6, true)));
        } else {
            let n = 1 + draw.below(3);
            out.push_str(&format!("roster = {}\n", shifts(draw, n, true)));
        }
        if draw.chance(40) {
            let key = draw.pick(&[
                "cost_per_hour",
                "cost_per_day_in_use",
                "cost_per_day_available",
            ]);
            out.push_str(&format!("{key} = {}\n", number(draw, 0, 500, false)));
        }
        out.push('\n');
    }
    for a in 0..1 + draw.below(3) {
        let pathway = Names::pick(
            draw,
            &names
                .pathways
                .iter()
                .map(|(p, _)| p.clone())
                .collect::<Vec<_>>(),
        );
        let low = i64::from(draw.clean);
        out.push_str(&format!(
            "[arrivals.src_{a}]\npathway = \"{pathway}\"\nper_day = {}\n",
            number(draw, low, 40, false)
        ));
        if draw.chance(25) {
            let hours: Vec<String> = (0..24).map(|_| number(draw, 0, 4, true)).collect();
            out.push_str(&format!("hour_profile = [{}]\n", hours.join(", ")));
        }
        if draw.chance(25) {
            let days: Vec<String> = (0..7).map(|_| number(draw, 0, 2, false)).collect();
            out.push_str(&format!("day_profile = [{}]\n", days.join(", ")));
        }
        if draw.chance(20) {
            let growth = if draw.clean {
                format!("0.{}", draw.below(10))
            } else {
                number(draw, -1, 2, false)
            };
            out.push_str(&format!("growth_per_year = {growth}\n"));
        }
        if !names.attributes.is_empty() && draw.chance(30) {
            let (attribute, values) = draw.pick(&names.attributes).clone();
            let weights = shares(draw, values.len());
            out.push_str(&format!(
                "attributes = {{ {attribute} = [{}] }}\n",
                weights.join(", ")
            ));
        }
        out.push('\n');
    }
    let mut outcomes = Vec::new();
    let pathways = names.pathways.clone();
    if draw.clean {
        write_planned(draw, &plans, &names, &mut out, &mut outcomes);
    }
    let clean = draw.clean;
    for (pathway, steps) in pathways.iter().filter(|_| !clean) {
        for (k, step) in steps.iter().enumerate() {
            out.push_str(&format!(
                "[[pathways.{pathway}.steps]]\nname = \"{step}\"\n"
            ));
            let last = k + 1 == steps.len();
            let later: Vec<String> = steps[k + 1..].to_vec();
            let target = |draw: &mut Draw| {
                if draw.chance(10) {
                    Names::pick(draw, steps)
                } else {
                    Names::pick(draw, &later)
                }
            };
            let kind = if last && draw.chance(85) {
                99
            } else {
                draw.below(12)
            };
            let line = match kind {
                0 => format!("delay = {{ duration = {} }}", distribution(draw)),
                1 | 2 => {
                    let mut fields = format!(
                        "resource = \"{}\", duration = {}",
                        Names::pick(draw, &names.resources),
                        distribution(draw)
                    );
                    if draw.chance(30) {
                        fields.push_str(&format!(
                            ", deadline = {}, fallback = \"{}\"",
                            duration(draw),
                            target(draw)
                        ));
                        if draw.chance(50) {
                            fields.push_str(", deadline_from = \"pathway\"");
                        }
                    }
                    if draw.chance(20) {
                        fields.push_str(&format!(", priority = {}", number(draw, 0, 3, true)));
                    }
                    format!("activity = {{ {fields} }}")
                }
                3 => format!(
                    "seize = {{ resource = \"{}\" }}",
                    Names::pick(draw, &names.resources)
                ),
                4 => format!(
                    "release = {{ resource = \"{}\" }}",
                    Names::pick(draw, &names.resources)
                ),
                5 => format!(
                    "block = {{ resource = \"{}\" }}",
                    Names::pick(draw, &names.resources)
                ),
                6 => {
                    let a = target(draw);
                    let b = target(draw);
                    let p = draw.below(5) as f64 / 4.0;
                    format!(
                        "branch = [{{ to = \"{a}\", probability = {p} }}, {{ to = \"{b}\", probability = {} }}]",
                        if draw.clean || draw.chance(80) {
                            1.0 - p
                        } else {
                            p
                        }
                    )
                }
                7 if !names.attributes.is_empty() => {
                    let (attribute, values) = draw.pick(&names.attributes).clone();
                    let arms: Vec<String> = values
                        .iter()
                        .map(|v| format!("{v} = \"{}\"", target(draw)))
                        .collect();
                    format!(
                        "branch_on = {{ attribute = \"{attribute}\", to = {{ {} }} }}",
                        arms.join(", ")
                    )
                }
                8 => {
                    let by = if draw.chance(50) && !names.calendars.is_empty() {
                        format!("calendar = \"{}\"", Names::pick(draw, &names.calendars))
                    } else {
                        format!("resource = \"{}\"", Names::pick(draw, &names.resources))
                    };
                    format!(
                        "branch_on_hours = {{ {by}, open = \"{}\", closed = \"{}\" }}",
                        target(draw),
                        target(draw)
                    )
                }
                9 => {
                    let mut fields = format!("processing = {}", distribution(draw));
                    if !names.calendars.is_empty() && draw.chance(50) {
                        fields.push_str(&format!(
                            ", hours = \"{}\"",
                            Names::pick(draw, &names.calendars)
                        ));
                    }
                    if draw.chance(50) {
                        fields.push_str(&format!(
                            ", bounce_probability = {}, rework = {}",
                            number(draw, 0, 1, false),
                            distribution(draw)
                        ));
                    }
                    if draw.chance(30) {
                        fields
                            .push_str(&format!(", duplicate_assessment = {}", distribution(draw)));
                    }
                    format!("handoff = {{ {fields} }}")
                }
                10 => {
                    let (other, other_steps) = draw.pick(&pathways).clone();
                    if draw.chance(50) {
                        format!(
                            "transfer = {{ pathway = \"{other}\", step = \"{}\" }}",
                            Names::pick(draw, &other_steps)
                        )
                    } else {
                        format!("transfer = {{ pathway = \"{other}\" }}")
                    }
                }
                _ => {
                    let outcome = format!("out_{}", draw.below(3));
                    outcomes.push(outcome.clone());
                    format!("end = {{ outcome = \"{outcome}\" }}")
                }
            };
            out.push_str(&line);
            out.push('\n');
            if !draw.clean && draw.chance(15) {
                out.push_str(&format!("next = \"{}\"\n", target(draw)));
            }
            out.push('\n');
        }
    }
    outcomes.sort();
    outcomes.dedup();
    for outcome in outcomes {
        if draw.chance(40) {
            out.push_str(&format!(
                "[outcomes.{outcome}]\ncost = {}\n\n",
                number(draw, 0, 1000, false)
            ));
        }
    }
    for _ in 0..draw.below(3) {
        let p = draw.below(pathways.len());
        let (pathway, steps) = &pathways[p];
        // A clean census group holds what every route to its step holds.
        let (step, holding) = if draw.clean {
            let s = draw.below(steps.len());
            (steps[s].clone(), Some(plans[p].held[s]))
        } else {
            (Names::pick(draw, steps), None)
        };
        out.push_str(&format!(
            "[[initial]]\npathway = \"{pathway}\"\nstep = \"{step}\"\ncount = {}\n",
            number(draw, 0, 20, true)
        ));
        if draw.chance(50) {
            out.push_str(&format!("elapsed = {}\n", duration(draw)));
        }
        // Only a step that takes time has a remaining time (in a clean file).
        let timed = holding.is_none()
            || matches!(
                plans[p].steps[steps.iter().position(|s| *s == step).unwrap_or(0)],
                Plan::Delay | Plan::Activity(_) | Plan::Handoff
            );
        if timed && draw.chance(30) {
            out.push_str(&format!("remaining = {}\n", distribution(draw)));
        }
        if let Some(held) = holding {
            if held != 0 {
                let held: Vec<String> = (0..names.resources.len())
                    .filter(|r| held & (1 << r) != 0)
                    .map(|r| format!("\"{}\"", names.resources[r]))
                    .collect();
                out.push_str(&format!("holding = [{}]\n", held.join(", ")));
            }
        } else if draw.chance(40) {
            let resource = Names::pick(draw, &names.resources);
            out.push_str(&format!("holding = [\"{resource}\"]\n"));
            if draw.chance(30) {
                out.push_str(&format!("blocked = [\"{resource}\"]\n"));
            }
        }
        out.push('\n');
    }
    if draw.chance(25) {
        out.push_str(&format!(
            "[[demand_changes]]\nstart = {}\nlength = {}\nfactor = {}\n\n",
            duration(draw),
            duration(draw),
            number(draw, 0, 3, false)
        ));
    }
    if draw.chance(15) {
        let (pathway, _) = draw.pick(&pathways).clone();
        out.push_str(&format!(
            "[key_figures.main]\nlabel = \"Main figure\"\nmetric = \"{pathway}.arrivals\"\n"
        ));
    }
    out
}

/// What a step of a clean pathway does (resources and pathways by index).
#[derive(Debug, Clone, Copy)]
enum Plan {
    Delay,
    Activity(usize),
    Seize(usize),
    Release(usize),
    Block(usize),
    Branch,
    BranchOn,
    Hours,
    Handoff,
    End,
    /// To a later pathway (so transfers never go round in a circle).
    Transfer(usize),
}

/// A clean pathway: its steps, and the resources (bits) held on arrival at each.
struct Planned {
    steps: Vec<Plan>,
    held: Vec<u64>,
}

impl Planned {
    /// The steps after `k` that a jump from `k` may go to: those reached holding what the
    /// patient holds on leaving `k` along the pathway (the next step is always one).
    fn targets(&self, k: usize) -> Vec<usize> {
        let after = self.held[k + 1];
        (k + 1..self.steps.len())
            .filter(|&t| self.held[t] == after)
            .collect()
    }
}

/// Plans pathway `index` of `pathways`: about `steps` steps in a row, each reached from the
/// one before (branches send their first arm there), seizes matched by later releases,
/// and an `end` (or a transfer to a later pathway) after everything held is released.
fn plan_pathway(
    draw: &mut Draw,
    index: usize,
    pathways: usize,
    steps: usize,
    resources: usize,
    has_attributes: bool,
) -> Planned {
    let mut plan = Planned {
        steps: Vec::new(),
        held: Vec::new(),
    };
    let mut held = 0u64;
    for _ in 1..steps {
        let r = draw.below(resources);
        let free = held & (1 << r) == 0;
        let step = match draw.below(10) {
            0 => Plan::Delay,
            1 | 2 if free => Plan::Activity(r),
            3 if free => Plan::Seize(r),
            4 if !free => Plan::Release(r),
            5 if !free => Plan::Block(r),
            6 => Plan::Branch,
            7 if has_attributes => Plan::BranchOn,
            8 => Plan::Hours,
            9 => Plan::Handoff,
            _ => Plan::Delay,
        };
        plan.held.push(held);
        plan.steps.push(step);
        match step {
            Plan::Seize(r) => held |= 1 << r,
            Plan::Release(r) => held &= !(1 << r),
            _ => {}
        }
    }
    for r in 0..resources {
        if held & (1 << r) != 0 {
            plan.held.push(held);
            plan.steps.push(Plan::Release(r));
            held &= !(1 << r);
        }
    }
    plan.held.push(held);
    plan.steps.push(if index + 1 < pathways && draw.chance(20) {
        Plan::Transfer(index + 1 + draw.below(pathways - index - 1))
    } else {
        Plan::End
    });
    plan
}

/// Writes the planned pathways of a clean file.
fn write_planned(
    draw: &mut Draw,
    plans: &[Planned],
    names: &Names,
    out: &mut String,
    outcomes: &mut Vec<String>,
) {
    for (p, plan) in plans.iter().enumerate() {
        let (pathway, steps) = &names.pathways[p];
        for (k, step) in plan.steps.iter().enumerate() {
            out.push_str(&format!(
                "[[pathways.{pathway}.steps]]\nname = \"{}\"\n",
                steps[k]
            ));
            let jump = |draw: &mut Draw| steps[*draw.pick(&plan.targets(k))].clone();
            let line = match *step {
                Plan::Delay => format!("delay = {{ duration = {} }}", distribution(draw)),
                Plan::Activity(r) => {
                    let mut fields = format!(
                        "resource = \"{}\", duration = {}",
                        names.resources[r],
                        distribution(draw)
                    );
                    if draw.chance(30) {
                        fields.push_str(&format!(
                            ", deadline = {}, fallback = \"{}\"",
                            duration(draw),
                            jump(draw)
                        ));
                        if draw.chance(50) {
                            fields.push_str(", deadline_from = \"pathway\"");
                        }
                    }
                    if draw.chance(20) {
                        fields.push_str(&format!(", priority = {}", draw.below(4)));
                    }
                    format!("activity = {{ {fields} }}")
                }
                Plan::Seize(r) => format!("seize = {{ resource = \"{}\" }}", names.resources[r]),
                Plan::Release(r) => {
                    format!("release = {{ resource = \"{}\" }}", names.resources[r])
                }
                Plan::Block(r) => format!("block = {{ resource = \"{}\" }}", names.resources[r]),
                Plan::Branch => {
                    let p = *draw.pick(&[0.25, 0.5, 0.75]);
                    format!(
                        "branch = [{{ to = \"{}\", probability = {p} }}, {{ to = \"{}\", probability = {} }}]",
                        steps[k + 1],
                        jump(draw),
                        1.0 - p
                    )
                }
                Plan::BranchOn => {
                    let (attribute, values) = draw.pick(&names.attributes).clone();
                    let arms: Vec<String> = values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            let to = if i == 0 {
                                steps[k + 1].clone()
                            } else {
                                jump(draw)
                            };
                            format!("{v} = \"{to}\"")
                        })
                        .collect();
                    format!(
                        "branch_on = {{ attribute = \"{attribute}\", to = {{ {} }} }}",
                        arms.join(", ")
                    )
                }
                Plan::Hours => {
                    let by = if draw.chance(50) && !names.calendars.is_empty() {
                        format!("calendar = \"{}\"", draw.pick(&names.calendars))
                    } else {
                        format!("resource = \"{}\"", draw.pick(&names.resources))
                    };
                    format!(
                        "branch_on_hours = {{ {by}, open = \"{}\", closed = \"{}\" }}",
                        steps[k + 1],
                        jump(draw)
                    )
                }
                Plan::Handoff => {
                    let mut fields = format!("processing = {}", distribution(draw));
                    if !names.calendars.is_empty() && draw.chance(50) {
                        fields.push_str(&format!(", hours = \"{}\"", draw.pick(&names.calendars)));
                    }
                    if draw.chance(50) {
                        fields.push_str(&format!(
                            ", bounce_probability = 0.{}, rework = {}",
                            draw.below(10),
                            distribution(draw)
                        ));
                    }
                    if draw.chance(30) {
                        fields
                            .push_str(&format!(", duplicate_assessment = {}", distribution(draw)));
                    }
                    format!("handoff = {{ {fields} }}")
                }
                Plan::Transfer(other) => {
                    let (name, other_steps) = &names.pathways[other];
                    // Into a step reached holding nothing (the pathway's first is one).
                    let entries: Vec<usize> = (0..other_steps.len())
                        .filter(|&s| plans[other].held[s] == 0)
                        .collect();
                    if draw.chance(50) {
                        format!(
                            "transfer = {{ pathway = \"{name}\", step = \"{}\" }}",
                            other_steps[*draw.pick(&entries)]
                        )
                    } else {
                        format!("transfer = {{ pathway = \"{name}\" }}")
                    }
                }
                Plan::End => {
                    let outcome = format!("out_{}", draw.below(3));
                    outcomes.push(outcome.clone());
                    format!("end = {{ outcome = \"{outcome}\" }}")
                }
            };
            out.push_str(&line);
            out.push_str("\n\n");
        }
    }
}
