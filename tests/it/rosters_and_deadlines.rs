//! rosters_and_deadlines tests (being written).
