//! errors tests (being written).
