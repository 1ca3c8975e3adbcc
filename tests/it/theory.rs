//! theory tests (being written).
