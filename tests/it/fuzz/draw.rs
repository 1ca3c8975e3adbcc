//! The random choices of one fuzz case, drawn from bytes through `arbitrary::Unstructured`
//! so that a case is a pure function of (campaign seed, case number), and the same choices
//! could later be driven by a coverage-guided fuzzer's bytes instead.

use arbitrary::Unstructured;

/// Bytes drawn for one case; far more than any case consumes (when they run out, every
/// choice falls back to its first option, which is still a valid case).
const BYTES_PER_CASE: usize = 1 << 14;

/// The bytes of case `case` of campaign `seed`: SplitMix64 (Steele, Lea and Flood 2014),
/// chosen because it is a few lines and identical on every platform and crate version.
pub fn case_bytes(seed: u64, case: u64) -> Vec<u8> {
    let mut state = seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
    let mut bytes = Vec::with_capacity(BYTES_PER_CASE);
    while bytes.len() < BYTES_PER_CASE {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        bytes.extend_from_slice(&z.to_le_bytes());
    }
    bytes
}

/// Choices drawn from a case's bytes.
pub struct Draw<'a> {
    bytes: Unstructured<'a>,
    /// When set, generated values stay ordinary and names resolve (a file meant to pass
    /// `check` and reach the run); otherwise some are extreme or dangle.
    pub clean: bool,
}

impl<'a> Draw<'a> {
    /// Choices drawn from `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Draw {
            bytes: Unstructured::new(bytes),
            clean: false,
        }
    }

    /// A number in `0..n` (0 when `n` is 0 or 1, or the bytes have run out).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.bytes.int_in_range(0..=n - 1).unwrap_or(0)
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        self.bytes.int_in_range(low..=high).unwrap_or(low)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'b, T>(&mut self, items: &'b [T]) -> &'b T {
        &items[self.below(items.len())]
    }

    /// A raw byte.
    pub fn byte(&mut self) -> u8 {
        self.bytes.arbitrary::<u8>().unwrap_or(0)
    }
}
