//! carepath: a discrete-event simulator for patient pathways in integrated health and social
//! care.
//!
//! Three layers, each ignorant of the one above: the [`kernel`] (time, events, random
//! streams), the [`model`] (resources, pathways, patients, metrics) and the edges: the
//! [`scenario`] language, the [`experiment`] runner and its outputs, and the command line.

pub mod experiment;
pub mod fit;
pub mod kernel;
pub mod model;
pub mod report;
pub mod scenario;
pub mod validate;
