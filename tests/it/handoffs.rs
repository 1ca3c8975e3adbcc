//! handoffs tests (being written).
