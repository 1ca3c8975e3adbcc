//! Patience and balking at a waiting point, as the analyst writes them: a `deadline` that
//! is one duration (`deadline = "2 h"`) or a distribution of patience drawn per patient
//! (`deadline = { gamma = { mean = "4 h", sd = "2 h" } }`), and `max_queue` with its
//! `when_full` step.
//!
//! Owns the file form of a deadline ([`DeadlineFile`]) and the checks of both keys. Does not
//! own the fallback step or `deadline_from` (`compile_steps` resolves those with the rest of
//! the wait) nor the drawing of patience (the engine draws it, see `model::engine`).

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use toml::Spanned;

use super::compile::{Problems, compile_distribution, within_a_century};
use super::file::DistributionFile;
use super::units::DurationText;
use crate::kernel::SimDuration;
use crate::model::distribution::Distribution;

/// Most places `max_queue` may give one waiting point [patients]: far above any real
/// waiting room, within a patient count's range.
pub const MAX_QUEUE_PLACES: i64 = 1_000_000;

/// A wait's `deadline` as written: one duration, or the distribution of each patient's
/// patience.
#[derive(Debug, Clone)]
pub enum DeadlineFile {
    /// `deadline = "2 h"`: the same for everyone.
    Fixed(DurationText),
    /// `deadline = { exponential = { mean = "4 h" } }` (any distribution form): drawn per
    /// patient.
    Drawn(DistributionFile),
}

impl fmt::Display for DeadlineFile {
    /// `2 h`, or the distribution in words: `patience drawn per patient: gamma, mean 4 h, sd 2 h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeadlineFile::Fixed(duration) => write!(f, "{duration}"),
            DeadlineFile::Drawn(distribution) => {
                write!(f, "patience drawn per patient: {distribution}")
            }
        }
    }
}

impl Serialize for DeadlineFile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            DeadlineFile::Fixed(duration) => duration.serialize(serializer),
            DeadlineFile::Drawn(distribution) => distribution.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for DeadlineFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DeadlineVisitor;
        impl<'de> Visitor<'de> for DeadlineVisitor {
            type Value = DeadlineFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a duration, e.g. \"2 h\", or a distribution of patience, e.g. { exponential = { mean = \"4 h\" } }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                DurationText::parse(v)
                    .map(DeadlineFile::Fixed)
                    .map_err(de::Error::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                DistributionFile::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(DeadlineFile::Drawn)
            }
        }
        deserializer.deserialize_any(DeadlineVisitor)
    }
}

/// A checked deadline: its length (the mean, for a drawn patience) and the patience
/// distribution if it is drawn. `None` (with a problem) if it is negative, longer than a
/// century, or a distribution the sampler refuses.
pub fn compile_deadline(
    problems: &mut Problems,
    deadline: &Spanned<DeadlineFile>,
) -> Option<(SimDuration, Option<Distribution>)> {
    match deadline.get_ref() {
        DeadlineFile::Fixed(duration) => {
            if duration.amount < 0.0 {
                problems.add(
                    deadline.span(),
                    "`deadline` cannot be negative",
                    "e.g. deadline = \"2 h\"",
                );
            }
            let spanned = Spanned::new(deadline.span(), *duration);
            within_a_century(problems, &spanned, "deadline");
            Some((duration.to_sim(), None))
        }
        DeadlineFile::Drawn(distribution) => {
            let spanned = Spanned::new(deadline.span(), distribution.clone());
            let patience = compile_distribution(problems, &spanned)?;
            if patience.mean().is_nan() || patience.mean() <= 0.0 {
                problems.add(
                    deadline.span(),
                    "a patience distribution needs a mean above zero",
                    "e.g. deadline = { exponential = { mean = \"4 h\" } }; for no wait at all write deadline = \"0 h\"",
                );
                return None;
            }
            Some((SimDuration::from_hours(patience.mean()), Some(patience)))
        }
    }
}

/// A checked `max_queue`: at least zero places, at most [`MAX_QUEUE_PLACES`]; `None` (with a
/// problem) otherwise.
pub fn compile_max_queue(problems: &mut Problems, max_queue: &Spanned<i64>) -> Option<u32> {
    let places = *max_queue.get_ref();
    if !(0..=MAX_QUEUE_PLACES).contains(&places) {
        problems.add(
            max_queue.span(),
            format!("`max_queue` must be from 0 to {MAX_QUEUE_PLACES}, found {places}"),
            "the most patients who may wait here at once, e.g. max_queue = 10 (0: nobody waits, as in a loss system)",
        );
        return None;
    }
    u32::try_from(places).ok()
}
