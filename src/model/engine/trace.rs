//! The patient-level trace: one CSV row per event per patient, written as the replication
//! runs (nothing is kept in memory but the writer's buffer).
//!
//! Owns the row format and the event names; does not decide when events happen (the event
//! loop calls [`Simulation::trace_event`], and `attribution` writes the `attributed` rows).
//! When no trace is asked for, each call site costs one branch on an `Option`.
//!
//! Columns: `replication,patient,time_h,pathway,step,event,resource,cause,detail` (see
//! `README.md`, "Patient-level trace"). Times and hours are written with as many digits as
//! it takes to read back the same number, so the rows rebuild every figure exactly.

use std::io::{self, BufWriter, Write};

use super::Simulation;
use super::attribution::CauseTable;
use super::patients::PatientId;
use crate::model::scenario::{ResourceId, Scenario, StepId};

/// The first line of a trace file.
pub const TRACE_HEADER: &str =
    "replication,patient,time_h,pathway,step,event,resource,cause,detail\n";

/// What a row's `detail` column holds.
#[derive(Debug, Clone, Copy)]
pub(super) enum Detail<'a> {
    /// Nothing.
    None,
    /// A duration [hours].
    Hours(f64),
    /// A name (an outcome, a pathway, a source, a step).
    Name(&'a str),
}

/// Writes the rows of one replication.
pub(super) struct Tracer<'w> {
    out: BufWriter<&'w mut dyn Write>,
    replication: u32,
    /// The first write that failed; later rows are skipped.
    pub error: Option<io::Error>,
}

impl<'w> Tracer<'w> {
    /// A tracer of replication `replication` writing to `out`.
    pub fn new(out: &'w mut dyn Write, replication: u32) -> Self {
        Tracer {
            out: BufWriter::with_capacity(1 << 16, out),
            replication,
            error: None,
        }
    }

    /// Writes one row.
    #[allow(clippy::too_many_arguments)]
    pub fn row(
        &mut self,
        patient: u64,
        time: f64,
        pathway: &str,
        step: &str,
        event: &str,
        resource: &str,
        cause: &str,
        detail: Detail<'_>,
    ) {
        if self.error.is_some() {
            return;
        }
        let replication = self.replication;
        let written = match detail {
            Detail::None => writeln!(
                self.out,
                "{replication},{patient},{time},{pathway},{step},{event},{resource},{cause},"
            ),
            Detail::Hours(hours) => writeln!(
                self.out,
                "{replication},{patient},{time},{pathway},{step},{event},{resource},{cause},{hours}"
            ),
            Detail::Name(name) => writeln!(
                self.out,
                "{replication},{patient},{time},{pathway},{step},{event},{resource},{cause},{name}"
            ),
        };
        if let Err(error) = written {
            self.error = Some(error);
        }
    }

    /// Writes an `attributed` row: `hours` of `cause` ending at `time`, spent at `step`.
    #[allow(clippy::too_many_arguments)]
    pub fn attributed(
        &mut self,
        scenario: &Scenario,
        patient: u64,
        time: f64,
        step: StepId,
        cause: u32,
        hours: f64,
        table: &CauseTable,
    ) {
        let pathway = &scenario.pathways[table.pathways[cause as usize].0 as usize].name;
        let step = &scenario.steps[step.0 as usize].name;
        self.row(
            patient,
            time,
            pathway,
            step,
            "attributed",
            "",
            &table.names[cause as usize],
            Detail::Hours(hours),
        );
    }

    /// Flushes the buffer; returns the first error met.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.out.flush()
    }
}

impl Simulation<'_> {
    /// Writes a row for patient `id` at its current step, if a trace is being written.
    #[inline]
    pub(super) fn trace_event(
        &mut self,
        id: PatientId,
        event: &str,
        resource: Option<ResourceId>,
        detail: Detail<'_>,
    ) {
        if self.trace.is_some() {
            self.write_event(id, event, resource, detail);
        }
    }

    #[inline(never)]
    fn write_event(
        &mut self,
        id: PatientId,
        event: &str,
        resource: Option<ResourceId>,
        detail: Detail<'_>,
    ) {
        let scenario = self.scenario;
        let patient = self.patients.get(id);
        let step = &scenario.steps[patient.step.0 as usize];
        let pathway = &scenario.pathways[step.pathway.0 as usize].name;
        let resource = resource.map_or("", |r| scenario.resources[r.0 as usize].name.as_str());
        let (number, now) = (patient.number, self.now);
        if let Some(trace) = self.trace.as_mut() {
            trace.row(
                number, now, pathway, &step.name, event, resource, "", detail,
            );
        }
    }
}
