//! census tests (being written).
