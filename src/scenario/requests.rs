//! Requests for more than one unit of one resource: `units = N`, several resources at once
//! (`resources = ["nurse", "car"]`, granted all together or not at all) and alternatives
//! (`resource = { any_of = ["nurse", "therapist"] }`, the first free in the listed order).
//!
//! The file form ([`ResourceChoiceFile`]) and its compilation into
//! [`crate::model::scenario::ResourceRequest`]s: names are resolved here, once, so the engine
//! serves such a request by index alone (see `model::engine::requests`).

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use toml::Spanned;

use super::compile::{Names, Problems};
use super::file::WaitFile;
use crate::model::scenario::{
    QueueOrder, RequestId, RequestPart, Resource, ResourceId, ResourceRequest, Step, StepKind,
};

/// Most units one request may ask for of one resource, and most parts a request may have.
pub const MAX_REQUEST_UNITS: i64 = 1000;
/// Most resources in one `resources` list or `any_of` (each a queue the patient joins).
pub const MAX_REQUEST_PARTS: usize = 16;

/// The `resource` of a wait: one resource by name, or `{ any_of = [...] }`: alternatives in
/// order of preference.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceChoiceFile {
    /// `resource = "nurse"`.
    Named(String),
    /// `resource = { any_of = ["nurse", "therapist"] }`.
    AnyOf(Vec<Spanned<String>>),
}

impl ResourceChoiceFile {
    /// The resource names as written, joined with " or " (for reports).
    pub fn names(&self) -> String {
        match self {
            ResourceChoiceFile::Named(name) => name.clone(),
            ResourceChoiceFile::AnyOf(list) => list
                .iter()
                .map(|n| n.get_ref().as_str())
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }

    /// The first resource named (the preferred one), if any.
    pub fn first(&self) -> Option<&str> {
        match self {
            ResourceChoiceFile::Named(name) => Some(name),
            ResourceChoiceFile::AnyOf(list) => list.first().map(|n| n.get_ref().as_str()),
        }
    }
}

impl Serialize for ResourceChoiceFile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            ResourceChoiceFile::Named(name) => serializer.serialize_str(name),
            ResourceChoiceFile::AnyOf(list) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("any_of", list)?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for ResourceChoiceFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ChoiceVisitor;
        impl<'de> Visitor<'de> for ChoiceVisitor {
            type Value = ResourceChoiceFile;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a resource name, e.g. \"nurse\", or alternatives, e.g. { any_of = [\"nurse\", \"therapist\"] }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ResourceChoiceFile::Named(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut any_of = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "any_of" && any_of.is_none() {
                        any_of = Some(map.next_value::<Vec<Spanned<String>>>()?);
                    } else {
                        return Err(de::Error::unknown_field(&key, &["any_of"]));
                    }
                }
                any_of
                    .map(ResourceChoiceFile::AnyOf)
                    .ok_or_else(|| de::Error::missing_field("any_of"))
            }
        }
        deserializer.deserialize_any(ChoiceVisitor)
    }
}

/// What one wait asks for, resolved: the parts (resource, units) and whether they are
/// alternatives. Kept per waiting step until priorities are ranked.
#[derive(Debug, Clone)]
pub struct PendingRequest {
    /// The step (a `seize` or `activity`).
    pub step: usize,
    /// Alternatives (`any_of`) rather than all together.
    pub any_of: bool,
    /// Each resource once, with its units, in the order written.
    pub parts: Vec<(ResourceId, u32)>,
    /// Where the request is written (the wait's table), for problems found once the
    /// resources' capacities are known.
    pub span: std::ops::Range<usize>,
}

/// The resources of wait `w` at `step` (a seize if `seize`), checked: the first resource (or
/// first alternative), every resource's bit, and the request if it is more than one unit of
/// one resource. Problems go to `problems`; `None` if a name does not resolve or a rule is
/// broken.
pub fn resolve_wait(
    problems: &mut Problems,
    names: &Names,
    wait: &Spanned<WaitFile>,
    step: usize,
    seize: bool,
) -> Option<(ResourceId, u64, Option<PendingRequest>)> {
    let w = wait.get_ref();
    let units = match &w.units {
        None => 1,
        Some(units) => {
            let n = *units.get_ref();
            if !(1..=MAX_REQUEST_UNITS).contains(&n) {
                problems.add(
                    units.span(),
                    format!(
                        "`units` must be a whole number from 1 to {MAX_REQUEST_UNITS}, found {n}"
                    ),
                    "the units taken at once, e.g. units = 2 for a double-handed visit",
                );
                return None;
            }
            n as u32
        }
    };
    let (any_of, parts) = match (&w.resource, &w.resources) {
        (Some(_), Some(list)) => {
            problems.add(
                list.span(),
                "a wait has both `resource` and `resources`",
                "write resource = \"nurse\" for one resource, or resources = [\"nurse\", \"car\"] for several at once",
            );
            return None;
        }
        (None, None) => {
            problems.add(
                wait.span(),
                "a wait names no `resource`",
                "add resource = \"nurse\" (or resources = [\"nurse\", \"car\"] for several at once)",
            );
            return None;
        }
        (Some(choice), None) => match choice.get_ref() {
            ResourceChoiceFile::Named(name) => {
                let named = Spanned::new(choice.span(), name.clone());
                (false, vec![(names.resource(problems, &named)?, units)])
            }
            ResourceChoiceFile::AnyOf(list) => {
                if seize {
                    problems.add(
                        choice.span(),
                        "`any_of` is for an `activity`: a `seize` must know which resource its `release` gives back",
                        "make the step an activity = { resource = { any_of = [...] }, duration = ... }",
                    );
                    return None;
                }
                if !any_of_length(problems, choice.span(), list.len()) {
                    return None;
                }
                let mut parts: Vec<(ResourceId, u32)> = Vec::new();
                for name in list {
                    let id = names.resource(problems, name)?;
                    if parts.iter().any(|(r, _)| *r == id) {
                        problems.add(
                            name.span(),
                            format!("`{}` is listed twice in `any_of`", name.get_ref()),
                            "list each alternative once, in order of preference",
                        );
                        return None;
                    }
                    parts.push((id, units));
                }
                (true, parts)
            }
        },
        (None, Some(list)) => {
            if let Some(u) = &w.units {
                problems.add(
                    u.span(),
                    "`units` goes with `resource`, not with `resources`",
                    "list a resource as often as units are needed, e.g. resources = [\"carer\", \"carer\", \"car\"]",
                );
                return None;
            }
            let items = list.get_ref();
            if items.is_empty() || items.len() > MAX_REQUEST_PARTS {
                problems.add(
                    list.span(),
                    format!("`resources` needs from 1 to {MAX_REQUEST_PARTS} resources, found {}", items.len()),
                    &format!("list from 1 to {MAX_REQUEST_PARTS} resources, taken all at once, e.g. resources = [\"nurse\", \"car\"]"),
                );
                return None;
            }
            let mut parts: Vec<(ResourceId, u32)> = Vec::new();
            for name in items {
                let id = names.resource(problems, name)?;
                match parts.iter_mut().find(|(r, _)| *r == id) {
                    Some((_, n)) => *n += 1,
                    None => parts.push((id, 1)),
                }
            }
            (false, parts)
        }
    };
    let first = parts[0].0;
    let mask = parts.iter().fold(0u64, |m, (r, _)| m | 1 << r.0);
    let complex = any_of || parts.len() > 1 || parts[0].1 > 1;
    let pending = complex.then_some(PendingRequest {
        step,
        any_of,
        parts,
        span: wait.span(),
    });
    Some((first, mask, pending))
}

/// Whether an `any_of` of `len` alternatives (written at `span`) lists from 2 to
/// [`MAX_REQUEST_PARTS`]; a problem if not. One rule for activities and `visits` steps: an
/// `any_of` of one is a plain `resource` written the long way, and reads as if a second
/// alternative had been forgotten.
pub fn any_of_length(problems: &mut Problems, span: std::ops::Range<usize>, len: usize) -> bool {
    if (2..=MAX_REQUEST_PARTS).contains(&len) {
        return true;
    }
    problems.add(
        span,
        format!("`any_of` needs from 2 to {MAX_REQUEST_PARTS} alternatives, found {len}"),
        &format!("list from 2 to {MAX_REQUEST_PARTS} alternatives, in order of preference, e.g. any_of = [\"nurse\", \"therapist\"], or name one resource: resource = \"nurse\""),
    );
    false
}

/// The compiled requests: one per pending request, plus a one-part request for every other
/// wait on a resource that a request shares, and for every staffed handoff whose staff are
/// such a resource (so its queue is served by one rule). Sets each
/// wait's `request`; returns the requests and, per resource, whether it is shared.
pub fn build(
    steps: &mut [Step],
    pending: &[PendingRequest],
    levels: &[Vec<i64>],
    priority_of: &dyn Fn(usize) -> i64,
) -> (Vec<ResourceRequest>, Vec<bool>) {
    let mut shared = vec![false; levels.len()];
    for p in pending {
        for (r, _) in &p.parts {
            shared[r.0 as usize] = true;
        }
    }
    let rank = |r: ResourceId, priority: i64| {
        levels[r.0 as usize]
            .iter()
            .position(|p| *p == priority)
            .unwrap_or(0)
    };
    let mut requests = Vec::new();
    let mut pending_at = vec![None; steps.len()];
    for p in pending {
        pending_at[p.step] = Some(p);
    }
    for (s, step) in steps.iter_mut().enumerate() {
        // A staffed office whose staff are shared queues for one of them by the same rule.
        if let StepKind::Handoff { handoff, .. } = &mut step.kind
            && let Some(staff) = &mut handoff.by
            && shared[staff.resource.0 as usize]
        {
            staff.request = Some(RequestId(requests.len() as u32));
            requests.push(ResourceRequest {
                any_of: false,
                parts: vec![RequestPart {
                    resource: staff.resource,
                    units: 1,
                    priority_rank: staff.priority_rank,
                }],
            });
            continue;
        }
        let (StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. }) = &mut step.kind
        else {
            continue;
        };
        let priority = priority_of(s);
        let request = match pending_at[s] {
            Some(p) => ResourceRequest {
                any_of: p.any_of,
                parts: p
                    .parts
                    .iter()
                    .map(|&(resource, units)| RequestPart {
                        resource,
                        units,
                        priority_rank: rank(resource, priority),
                    })
                    .collect(),
            },
            None if shared[wait.resource.0 as usize] => ResourceRequest {
                any_of: false,
                parts: vec![RequestPart {
                    resource: wait.resource,
                    units: 1,
                    priority_rank: wait.priority_rank,
                }],
            },
            None => continue,
        };
        wait.request = Some(RequestId(requests.len() as u32));
        requests.push(request);
    }
    (requests, shared)
}

/// Refuses a request that no capacity the resources ever have could grant, since its patients
/// would wait for ever and nothing else would say why: all together, a part asking for more
/// units than its resource ever has (roster peak, dated periods and surge units included);
/// `any_of`, every alternative having fewer units than asked for.
pub fn check_can_be_granted(
    problems: &mut Problems,
    pending: &[PendingRequest],
    resources: &[Resource],
) {
    let most = |r: ResourceId| {
        let resource = &resources[r.0 as usize];
        let surge = resource.surge.as_ref().map_or(0, |s| s.units);
        resource.peak().saturating_add(surge)
    };
    for p in pending {
        let short: Vec<(ResourceId, u32)> = p
            .parts
            .iter()
            .copied()
            .filter(|&(r, units)| units > most(r))
            .collect();
        let never = if p.any_of {
            short.len() == p.parts.len()
        } else {
            !short.is_empty()
        };
        if !never {
            continue;
        }
        let said: Vec<String> = short
            .iter()
            .map(|&(r, units)| {
                format!(
                    "{units} of `{}` (never more than {})",
                    resources[r.0 as usize].name,
                    most(r)
                )
            })
            .collect();
        let joiner = if p.any_of { " or " } else { " and " };
        problems.add(
            p.span.clone(),
            format!(
                "this request can never be granted: it asks for {}, so every patient would wait here for ever",
                said.join(joiner)
            ),
            "ask for fewer units, or give the resource more in its `count` or `roster`",
        );
    }
}

/// A resource's `queue` key: how its queue is served when the first in line cannot start.
pub fn queue_order(problems: &mut Problems, queue: Option<&Spanned<String>>) -> QueueOrder {
    match queue.map(|q| (q.get_ref().as_str(), q.span())) {
        None | Some(("first_come_first_served", _)) => QueueOrder::FirstComeFirstServed,
        Some(("first_fit", _)) => QueueOrder::FirstFit,
        Some((other, span)) => {
            problems.add(
                span,
                format!("`queue` must be \"first_come_first_served\" or \"first_fit\", found \"{other}\""),
                "\"first_come_first_served\" (the default) lets nobody pass the first in line; \"first_fit\" lets a smaller request start while a larger one waits",
            );
            QueueOrder::FirstComeFirstServed
        }
    }
}
