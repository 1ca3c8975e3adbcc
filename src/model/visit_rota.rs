//! Home visits at clock times inside the carers' shifts (the roster mode of a `visits` step):
//! when each visit is due on a day ([`target_time`]), and one day's rota ([`DayRota`]), which
//! gives each visit, in order of target time, to carers on shift and free.
//!
//! The rules, stated in the README ("Home-visit episodes"):
//! - a day's rostered **window** is the hours with at least one carer (of any alternative) on
//!   shift; a patient with `n` visits that day has visit `k` (0 to `n - 1`) due when
//!   `(k + 1/2) / n` of the window's hours have passed (evenly over the window, each visit in
//!   the middle of its share), or at the `k`-th of the step's stated `times`;
//! - the roster's level over the day is cut into carers: carer `i` (from 0) is on shift while
//!   more than `i` units are rostered, so the level is met exactly;
//! - each carer goes from visit to visit in the order they are given (target time, then
//!   booking), never back to fill an earlier gap; a visit (travel, then time at the home) is
//!   given to the carer who can begin it earliest, never before `target - travel` (arriving
//!   early), and only if it ends within one of that carer's shifts; ties go to the first
//!   alternative, then the lowest-numbered carer;
//! - a double-handed visit needs two carers of one alternative beginning at the same moment;
//! - a visit no carer can do within a shift that day is missed.
//!
//! Knows nothing of patients or events: the engine (`engine::visits`) books visits and calls
//! [`DayRota::place`] once per visit after the run. Reuses its buffers from day to day.

/// Slack for comparing clock times [hours] (3.6 microseconds).
const EPS: f64 = 1e-9;

/// When visit `k` of `n` on a day is due [hours since time zero]: evenly over `window` (the
/// day's on-shift intervals, in order, [hours since time zero]), visit `k` where
/// `(k + 1/2) / n` of the window's hours have passed; a point exactly at the end of an
/// interval is the start of the next. `None` if the window is empty or `k >= n`.
pub fn target_time(window: &[(f64, f64)], k: u32, n: u32) -> Option<f64> {
    if k >= n {
        return None;
    }
    let total: f64 = window.iter().map(|(a, b)| b - a).sum();
    if total <= 0.0 {
        return None;
    }
    let mut left = total * (f64::from(k) + 0.5) / f64::from(n);
    for &(a, b) in window {
        if left < b - a {
            return Some(a + left);
        }
        left -= b - a;
    }
    window.last().map(|&(_, b)| b)
}

/// Where a visit was placed by [`DayRota::place`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// When the carers set off (travel first) [hours since time zero].
    pub begin: f64,
    /// The alternative (pool) whose carers make it, in order of preference.
    pub pool: usize,
}

/// One day's carers and what they have been given, for every alternative (pool) of a step.
#[derive(Debug, Clone, Default)]
pub struct DayRota {
    /// Per pool: its range of carers in `free` and `shift_of`.
    pools: Vec<(usize, usize)>,
    /// Per pool: the level of the roster over the day, as `(from, to, units)` [hours, units],
    /// `segment_of[pool]..segment_of[pool + 1]` in `segments`.
    segments: Vec<(f64, f64, u32)>,
    segment_of: Vec<usize>,
    /// Per carer: the end of the last visit given [hours since time zero].
    free: Vec<f64>,
    /// Per carer: its shifts, `shift_of[c]..shift_of[c + 1]` in `shifts`.
    shift_of: Vec<usize>,
    shifts: Vec<(f64, f64)>,
    /// Moments tried for a double-handed visit (a reusable buffer).
    moments: Vec<f64>,
}

impl DayRota {
    /// Empties the rota for a new day (keeps its buffers).
    pub fn clear(&mut self) {
        self.pools.clear();
        self.segments.clear();
        self.segment_of.clear();
        self.free.clear();
        self.shift_of.clear();
        self.shifts.clear();
    }

    /// Adds the next pool (alternative): its roster level over the day as consecutive
    /// `(from, to, units)` segments [hours since time zero, units], cut into carers.
    pub fn add_pool(&mut self, levels: &[(f64, f64, u32)]) {
        let first = self.free.len();
        self.segment_of.push(self.segments.len());
        self.segments.extend_from_slice(levels);
        let most = levels.iter().map(|s| s.2).max().unwrap_or(0);
        for carer in 0..most {
            if self.shift_of.is_empty() {
                self.shift_of.push(0);
            }
            let mut open: Option<f64> = None;
            let mut last_end = f64::NAN;
            for &(from, to, units) in levels {
                if units > carer {
                    if open.is_none() {
                        open = Some(from);
                    }
                } else if let Some(start) = open.take() {
                    self.shifts.push((start, from));
                }
                last_end = to;
            }
            if let Some(start) = open {
                self.shifts.push((start, last_end));
            }
            self.shift_of.push(self.shifts.len());
            self.free.push(f64::NEG_INFINITY);
        }
        self.pools.push((first, self.free.len()));
    }

    /// Pools added.
    pub fn pools(&self) -> usize {
        self.pools.len()
    }

    /// The roster level of `pool` over the day, as `(from, to, units)` segments.
    pub fn levels(&self, pool: usize) -> &[(f64, f64, u32)] {
        let from = self.segment_of[pool];
        let to = self
            .segment_of
            .get(pool + 1)
            .copied()
            .unwrap_or(self.segments.len());
        &self.segments[from..to]
    }

    fn shifts_of(&self, carer: usize) -> &[(f64, f64)] {
        &self.shifts[self.shift_of[carer]..self.shift_of[carer + 1]]
    }

    /// The earliest `carer` can begin a visit of `hours`, not before `earliest`.
    fn earliest_begin(&self, carer: usize, earliest: f64, hours: f64) -> Option<f64> {
        let lo = earliest.max(self.free[carer]);
        self.shifts_of(carer).iter().find_map(|&(a, b)| {
            let begin = lo.max(a);
            (begin + hours <= b + EPS).then_some(begin)
        })
    }

    /// Whether `carer` can begin a visit of `hours` exactly at `at`.
    fn can_begin_at(&self, carer: usize, at: f64, hours: f64) -> bool {
        at + EPS >= self.free[carer]
            && self
                .shifts_of(carer)
                .iter()
                .any(|&(a, b)| a <= at + EPS && at + hours <= b + EPS)
    }

    /// Gives a visit of `hours` (travel included) needing `carers` carers (1 or 2) to the
    /// carer(s) who can begin it earliest, not before `earliest` [hours since time zero], and
    /// marks them busy until it ends. `None` (nobody given it) if no carer, or no two of one
    /// pool at once, can do it within a shift. O(carers x shifts); for two, O(m log m) to
    /// order the m moments tried plus O(carers x shifts) a moment.
    pub fn place(&mut self, earliest: f64, hours: f64, carers: u32) -> Option<Placement> {
        let mut best: Option<(f64, usize, usize, usize)> = None; // (begin, pool, carer, carer)
        // Taken out for the loop, as `earliest_pair` needs the rota mutably (its buffer).
        let pools = std::mem::take(&mut self.pools);
        'pools: for (pool, &(first, last)) in pools.iter().enumerate() {
            if carers <= 1 {
                for c in first..last {
                    // A carer free no sooner than the best begin found cannot beat it (its
                    // begin is at least `earliest.max(free)`): skip its shifts.
                    if best.is_some_and(|b| earliest.max(self.free[c]) >= b.0 - EPS) {
                        continue;
                    }
                    if let Some(begin) = self.earliest_begin(c, earliest, hours)
                        && best.is_none_or(|b| begin < b.0 - EPS)
                    {
                        best = Some((begin, pool, c, c));
                        if begin <= earliest + EPS {
                            break 'pools; // nobody can begin sooner
                        }
                    }
                }
            } else if let Some((at, a, b)) = self.earliest_pair(first, last, earliest, hours)
                && best.is_none_or(|b| at < b.0 - EPS)
            {
                best = Some((at, pool, a, b));
                if at <= earliest + EPS {
                    break 'pools;
                }
            }
        }
        self.pools = pools;
        let (begin, pool, a, b) = best?;
        self.free[a] = begin + hours;
        self.free[b] = begin + hours;
        Some(Placement { begin, pool })
    }

    /// The earliest moment two carers of `first..last` can both begin a visit of `hours`,
    /// not before `earliest`, and the first two who can: it is one carer's own earliest
    /// begin or the start of one of its shifts, so those moments are tried in order.
    fn earliest_pair(
        &mut self,
        first: usize,
        last: usize,
        earliest: f64,
        hours: f64,
    ) -> Option<(f64, usize, usize)> {
        let mut moments = std::mem::take(&mut self.moments);
        moments.clear();
        for c in first..last {
            if let Some(begin) = self.earliest_begin(c, earliest, hours) {
                moments.push(begin);
                let later = self.shifts_of(c).iter().map(|s| s.0).filter(|&a| a > begin);
                moments.extend(later);
            }
        }
        moments.sort_unstable_by(f64::total_cmp);
        moments.dedup();
        let found = moments.iter().find_map(|&at| {
            let mut able = (first..last).filter(|&d| self.can_begin_at(d, at, hours));
            match (able.next(), able.next()) {
                (Some(a), Some(b)) => Some((at, a, b)),
                _ => None,
            }
        });
        self.moments = moments;
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 07:00-14:00 and 15:00-22:00 is 14 rostered hours: four visits fall 1.75, 5.25, 8.75 and
    /// 12.25 h into it (08:45, 12:15, 16:45, 20:15); one visit at 7 h, the end of the morning,
    /// is the start of the afternoon (15:00).
    #[test]
    fn targets_split_the_rostered_window_evenly() {
        let window = [(7.0, 14.0), (15.0, 22.0)];
        let t: Vec<f64> = (0..4).filter_map(|k| target_time(&window, k, 4)).collect();
        assert_eq!(t, vec![8.75, 12.25, 16.75, 20.25]);
        assert_eq!(target_time(&window, 0, 1), Some(15.0));
        assert_eq!(target_time(&window, 4, 4), None);
        assert_eq!(target_time(&[], 0, 1), None);
    }

    /// One carer 08:00-12:00, visits of 1 h due at 08:00: 08:00, 09:00, 10:00, 11:00, and the
    /// fifth cannot end by 12:00.
    #[test]
    fn one_carer_takes_visits_in_turn_until_the_shift_ends() {
        let mut rota = DayRota::default();
        rota.add_pool(&[(0.0, 8.0, 0), (8.0, 12.0, 1), (12.0, 24.0, 0)]);
        let begins: Vec<Option<f64>> = (0..5)
            .map(|_| rota.place(8.0, 1.0, 1).map(|p| p.begin))
            .collect();
        assert_eq!(
            begins,
            vec![Some(8.0), Some(9.0), Some(10.0), Some(11.0), None]
        );
    }

    /// Carers A 08:00-12:00 and B 10:00-12:00 (level 1 then 2): a double-handed visit due at
    /// 08:00 begins at 10:00, when both are on shift; a single one due at 08:00 goes to A at
    /// once. A carer who cannot fit a visit before its shift ends is not used.
    #[test]
    fn a_double_handed_visit_waits_for_two_carers_at_once() {
        let levels = [
            (0.0, 8.0, 0),
            (8.0, 10.0, 1),
            (10.0, 12.0, 2),
            (12.0, 24.0, 0),
        ];
        let mut rota = DayRota::default();
        rota.add_pool(&levels);
        assert_eq!(rota.place(8.0, 1.0, 2).map(|p| p.begin), Some(10.0));
        assert_eq!(rota.place(8.0, 1.0, 2).map(|p| p.begin), Some(11.0));
        assert_eq!(rota.place(8.0, 1.0, 2), None);
        let mut rota = DayRota::default();
        rota.add_pool(&levels);
        assert_eq!(rota.place(8.0, 1.0, 1).map(|p| p.begin), Some(8.0));
        // A 3 h visit: A can end it at 12:00; then B (10:00-12:00) is too short for another.
        assert_eq!(rota.place(8.0, 3.0, 1).map(|p| p.begin), Some(9.0));
        assert_eq!(rota.place(8.0, 3.0, 1), None);
    }

    /// With two pools the visit goes to whoever can begin first; on a tie, the first pool.
    #[test]
    fn alternatives_take_the_visit_when_they_can_begin_sooner() {
        let mut rota = DayRota::default();
        rota.add_pool(&[(0.0, 8.0, 0), (8.0, 16.0, 1), (16.0, 24.0, 0)]);
        rota.add_pool(&[(0.0, 8.0, 0), (8.0, 16.0, 1), (16.0, 24.0, 0)]);
        let pools: Vec<usize> = (0..3)
            .filter_map(|_| rota.place(9.0, 1.0, 1).map(|p| p.pool))
            .collect();
        assert_eq!(pools, vec![0, 1, 0]);
        assert_eq!(rota.pools(), 2);
    }
}
