//! Turns a finished replication's accumulators into named metrics, in an order fixed by the
//! scenario alone (so every replication lists the same metrics in the same order).
//!
//! No value versus zero: a figure that needs an observation (a mean, percentile or share of
//! waits, an outcome share, time in pathway, a handoff delay, a blocked stay, utilisation
//! of a resource never available) is NaN in a replication that observed nothing; counts
//! and totals are 0 there, as they are.

use super::Simulation;
use crate::model::metrics::{DurationSample, MetricValue, Unit, WaitCurve};
use crate::model::scenario::{PathwayId, ResourceId};

/// Every metric of a finished replication. Allocates the names: once per replication.
pub(super) fn collect(simulation: &Simulation<'_>) -> Vec<MetricValue> {
    let scenario = simulation.scenario;
    let recorder = &simulation.recorder;
    let horizon = scenario.horizon.hours();
    let mut out = Vec::new();
    let mut push = |name: String, unit: Unit, value: f64| {
        out.push(MetricValue {
            name: name.into(),
            unit,
            value,
        })
    };
    let mut cost_items: Vec<(String, f64)> = Vec::new();
    let inside_at_end = time_so_far(simulation);

    for (p, pathway) in scenario.pathways.iter().enumerate() {
        let name = &pathway.name;
        push(
            format!("{name}.arrivals"),
            Unit::Patients,
            recorder.entries[p] as f64,
        );
        let exits = recorder.exits[p];
        push(format!("{name}.completed"), Unit::Patients, exits as f64);
        for outcome in &pathway.outcomes {
            let o = outcome.0 as usize;
            let count = recorder.outcome_counts[p * recorder.outcomes + o];
            let outcome_name = &scenario.outcomes[o].name;
            push(
                format!("{name}.outcome.{outcome_name}"),
                Unit::Patients,
                count as f64,
            );
            let share = if exits == 0 {
                f64::NAN
            } else {
                count as f64 / exits as f64
            };
            push(
                format!("{name}.outcome.{outcome_name}.share"),
                Unit::Fraction,
                share,
            );
        }
        for (suffix, value) in recorder.time_in_pathway[p].summary() {
            push(
                format!("{name}.time_in_pathway.{suffix}"),
                Unit::Hours,
                value,
            );
        }
        let inside = &inside_at_end[p];
        push(
            format!("{name}.inside_at_end"),
            Unit::Patients,
            inside.count() as f64,
        );
        for (suffix, value) in inside.summary() {
            push(format!("{name}.time_so_far.{suffix}"), Unit::Hours, value);
        }
    }

    for (w, step) in scenario.waits.iter().enumerate() {
        let prefix = format!("wait.{}", scenario.step_label(*step));
        let sample = &recorder.waits[w];
        push(
            format!("{prefix}.waits"),
            Unit::Patients,
            sample.count() as f64,
        );
        let share_waiting = if sample.count() == 0 {
            f64::NAN
        } else {
            1.0 - recorder.served_at_once[w] as f64 / sample.count() as f64
        };
        push(
            format!("{prefix}.share_waiting"),
            Unit::Fraction,
            share_waiting,
        );
        for (suffix, value) in sample.summary() {
            push(format!("{prefix}.{suffix}"), Unit::Hours, value);
        }
        let has_deadline = scenario
            .wait_at(*step)
            .is_some_and(|wait| wait.deadline.is_some());
        let share_of_reached = |count: u64| {
            if sample.count() == 0 {
                f64::NAN
            } else {
                count as f64 / sample.count() as f64
            }
        };
        if has_deadline {
            push(
                format!("{prefix}.within_deadline"),
                Unit::Fraction,
                share_of_reached(recorder.within_deadline[w]),
            );
            push(
                format!("{prefix}.fallbacks"),
                Unit::Patients,
                recorder.fallbacks[w] as f64,
            );
            // The wait of those served, without those who met the deadline unserved.
            let served_mean = recorder.served_waits[w]
                .as_ref()
                .map_or(f64::NAN, DurationSample::mean);
            push(format!("{prefix}.served_mean"), Unit::Hours, served_mean);
        }
        if scenario
            .wait_at(*step)
            .is_some_and(|wait| wait.max_queue.is_some())
        {
            // Turned away at a full queue: not among the waits above, a share of all who
            // reached the waiting point.
            let balked = recorder.balked[w];
            push(format!("{prefix}.balked"), Unit::Patients, balked as f64);
            let reached = sample.count() + balked;
            let share = if reached == 0 {
                f64::NAN
            } else {
                balked as f64 / reached as f64
            };
            push(format!("{prefix}.balked_share"), Unit::Fraction, share);
        }
        if let Some(targets) = scenario.wait_targets.get(w) {
            for (target, &within) in targets.iter().zip(&recorder.within_targets[w]) {
                push(
                    format!("{prefix}.within_{}", target.name),
                    Unit::Fraction,
                    share_of_reached(within),
                );
            }
        }
    }

    for (h, step) in scenario.handoffs.iter().enumerate() {
        let prefix = format!("handoff.{}", scenario.step_label(*step));
        let sample = &recorder.handoff_delays[h];
        push(
            format!("{prefix}.accepted"),
            Unit::Patients,
            sample.count() as f64,
        );
        push(
            format!("{prefix}.bounces"),
            Unit::Patients,
            recorder.bounces[h] as f64,
        );
        for (suffix, value) in sample.summary() {
            push(format!("{prefix}.delay.{suffix}"), Unit::Hours, value);
        }
    }

    for (r, resource) in scenario.resources.iter().enumerate() {
        let state = &simulation.resources[r];
        let name = &resource.name;
        let available = state.capacity_area.area;
        // Carers' rostered home visits are in `busy_area` (added after the run, see `visits`).
        let busy = state.busy_area.area;
        let overtime = state.overtime_area.area;
        let utilisation = if available > 0.0 {
            (busy - overtime) / available
        } else {
            f64::NAN
        };
        push(
            format!("{name}.available"),
            Unit::Units,
            available / horizon,
        );
        push(format!("{name}.busy"), Unit::Units, busy / horizon);
        push(format!("{name}.utilisation"), Unit::Fraction, utilisation);
        push(
            format!("{name}.queue.mean"),
            Unit::Patients,
            state.waiting_area.area / horizon,
        );
        push(
            format!("{name}.queue.max"),
            Unit::Patients,
            f64::from(state.max_waiting),
        );
        // Mean queue over the second and the last quarter of the measured period: a queue
        // still growing at the end has the second well below the last (see
        // `experiment::stability`).
        let marks = simulation.quarter_marks[r];
        let quarter = horizon / 4.0;
        push(
            format!("{name}.queue.second_quarter"),
            Unit::Patients,
            (marks[1] - marks[0]) / quarter,
        );
        push(
            format!("{name}.queue.last_quarter"),
            Unit::Patients,
            (state.waiting_area.area - marks[2]) / quarter,
        );
        push(format!("{name}.overtime"), Unit::UnitHours, overtime);
        let blockable = scenario.can_be_blocked(ResourceId(r as u16));
        if blockable {
            push(
                format!("{name}.blocked"),
                Unit::UnitDays,
                state.blocked_area.area / 24.0,
            );
        }
        // Surge units are costed at their own rate only (see `model::surge`).
        let surge_unit_hours = match &resource.surge {
            Some(rule) => {
                let open = simulation.surge_open_hours(r);
                let unit_days = simulation.surge_unit_hours(r) / 24.0;
                push(format!("{name}.surge.days"), Unit::Days, open / 24.0);
                push(format!("{name}.surge.unit_days"), Unit::UnitDays, unit_days);
                cost_items.push((
                    format!("cost.{name}.surge"),
                    rule.cost_per_unit_day * unit_days,
                ));
                unit_days * 24.0
            }
            None => 0.0,
        };
        let rostered = (available - surge_unit_hours).max(0.0);
        if resource.cost_per_hour > 0.0 {
            cost_items.push((
                format!("cost.{name}.staff"),
                resource.cost_per_hour * (rostered + overtime),
            ));
        }
        if resource.cost_per_day_available > 0.0 {
            cost_items.push((
                format!("cost.{name}.capacity"),
                resource.cost_per_day_available * rostered / 24.0,
            ));
        }
        if resource.cost_per_day_in_use > 0.0 {
            cost_items.push((
                format!("cost.{name}.in_use"),
                resource.cost_per_day_in_use * busy / 24.0,
            ));
        }
    }

    for (r, stays) in recorder.blocked_stays.iter().enumerate() {
        let Some(stays) = stays else { continue };
        let resource = &scenario.resources[r].name;
        for (p, pathway) in scenario.pathways.iter().enumerate() {
            if !scenario.can_release_in(ResourceId(r as u16), PathwayId(p as u16)) {
                continue;
            }
            let prefix = format!("{resource}.blocked_stay.{}", pathway.name);
            let sample = &stays[p];
            push(
                format!("{prefix}.count"),
                Unit::Patients,
                sample.count() as f64,
            );
            push(
                format!("{prefix}.total"),
                Unit::UnitDays,
                if sample.count() == 0 {
                    0.0
                } else {
                    sample.mean() * sample.count() as f64 / 24.0
                },
            );
            for (suffix, hours) in sample.summary() {
                push(format!("{prefix}.{suffix}"), Unit::Days, hours / 24.0);
            }
        }
    }

    let waiting_hours = waiting_hours(simulation);
    for (w, step) in scenario.waits.iter().enumerate() {
        if let Some(rate) = scenario.wait_costs.get(w).copied().flatten() {
            cost_items.push((
                format!("cost.wait.{}", scenario.step_label(*step)),
                rate * waiting_hours[w] / 24.0,
            ));
        }
    }

    for (o, outcome) in scenario.outcomes.iter().enumerate() {
        if outcome.cost > 0.0 {
            let count: u64 = recorder
                .outcome_counts
                .chunks_exact(recorder.outcomes)
                .map(|c| c[o])
                .sum();
            cost_items.push((
                format!("cost.outcome.{}", outcome.name),
                outcome.cost * count as f64,
            ));
        }
    }
    let total = cost_items.iter().fold(0.0, |sum, (_, c)| sum + c);
    for (name, cost) in cost_items {
        push(name, Unit::Gbp, cost);
    }
    push("cost.total".to_string(), Unit::Gbp, total);
    for (r, resource) in scenario.resources.iter().enumerate() {
        if resource.cost_per_day_in_use > 0.0 && scenario.can_be_blocked(ResourceId(r as u16)) {
            let blocked_days = simulation.resources[r].blocked_area.area / 24.0;
            push(
                format!("cost.{}.blocked", resource.name),
                Unit::Gbp,
                resource.cost_per_day_in_use * blocked_days,
            );
        }
    }
    push(
        "system.in_system_at_end".to_string(),
        Unit::Patients,
        simulation.patients.live() as f64,
    );
    simulation.attribution.push_metrics(scenario, &mut out);
    super::requests::push_metrics(simulation, &mut out);
    super::visits::collect(simulation, &mut out);
    for ((from, to), count) in simulation.route_table.routes().zip(&recorder.routes) {
        out.push(MetricValue {
            name: super::routes::route_metric(scenario, from, to).into(),
            unit: Unit::Patients,
            value: *count as f64,
        });
    }
    out
}

/// Per waiting point, the time patients spent waiting there within the measured period
/// [patient-hours]: the waits that ended, and the waits still under way at the end (from
/// the later of their start and the end of the warm-up).
fn waiting_hours(simulation: &Simulation<'_>) -> Vec<f64> {
    let scenario = simulation.scenario;
    let measured_from = scenario.warm_up.hours();
    let mut hours = simulation.recorder.waiting_hours.clone();
    for patient in simulation.patients.live_patients() {
        if patient.wait_token == 0 {
            continue; // not in a queue
        }
        if let Some(wait) = scenario.wait_at(patient.step) {
            hours[wait.index.0 as usize] +=
                (simulation.now - patient.wait_started.max(measured_from)).max(0.0);
        }
    }
    hours
}

/// Per pathway, the time so far in the pathway of each patient still inside at the end
/// [hours]: from entering the pathway (before time zero for the initial census) to the end.
fn time_so_far(simulation: &Simulation<'_>) -> Vec<DurationSample> {
    let scenario = simulation.scenario;
    let mut samples: Vec<DurationSample> = (0..scenario.pathways.len())
        .map(|_| DurationSample::new())
        .collect();
    for patient in simulation.patients.live_patients() {
        let pathway = scenario.steps[patient.step.0 as usize].pathway.0 as usize;
        samples[pathway].record(simulation.now - patient.entered_pathway);
    }
    samples
}

/// Each waiting point's waits of those served, and the share served.
pub(super) fn wait_curves(simulation: &Simulation<'_>) -> Vec<WaitCurve> {
    let recorder = &simulation.recorder;
    recorder
        .waits
        .iter()
        .zip(&recorder.served_waits)
        .map(|(all, served)| {
            let served = served.as_ref().unwrap_or(all);
            WaitCurve {
                served_percentiles: served.percentiles(),
                served_share: if all.count() == 0 {
                    f64::NAN
                } else {
                    served.count() as f64 / all.count() as f64
                },
            }
        })
        .collect()
}

/// Appends each key figure as metric `key.<name>`: the sum of its terms, in their unit. A
/// key figure with a term that has no value (NaN) in the replication has no value there
/// either: a sum over figures some of which were not observed would be a silent
/// undercount.
pub(super) fn add_key_figures(
    scenario: &crate::model::scenario::Scenario,
    metrics: &mut Vec<MetricValue>,
) {
    let base = metrics.len();
    for figure in &scenario.key_figures {
        let value = figure
            .terms
            .iter()
            .fold(0.0, |sum, &t| sum + metrics[t].value);
        let unit = figure
            .terms
            .first()
            .map_or(Unit::Patients, |&t| metrics[t].unit);
        debug_assert!(figure.terms.iter().all(|&t| t < base));
        metrics.push(MetricValue {
            name: figure.metric().into(),
            unit,
            value,
        });
    }
}
