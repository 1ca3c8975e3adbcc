//! Closed-form results of queueing theory that the built-in validation cases (and the
//! integration tests, through them) hold the engine to.
//!
//! Pure functions of rates and moments; nothing here runs a simulation. Rates are per hour
//! and times are in hours throughout, as in the engine's metrics.

/// Erlang's C formula for the M/M/c queue: the probability that an arrival waits, and the
/// mean wait in queue `Wq` [hours], for Poisson arrivals at `lambda` per hour, `c` servers
/// and exponential service at rate `mu` per hour per server.
///
/// `P(wait) = (a^c / c!) / (1 - rho) / (sum_{k<c} a^k / k! + (a^c / c!) / (1 - rho))` with
/// `a = lambda / mu` and `rho = a / c`; `Wq = P(wait) / (c mu - lambda)` (Erlang 1917; Gross,
/// Shortle, Thompson and Harris, *Fundamentals of Queueing Theory*, 4th ed., 2008, sec.
/// 2.3). The terms `a^k / k!` are built by products, so large `c` does not overflow.
///
/// Both are NaN for an unstable queue (`rho >= 1`) or non-positive rates.
pub fn erlang_c(lambda: f64, mu: f64, c: u32) -> (f64, f64) {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    if !(lambda > 0.0 && mu > 0.0 && c > 0 && rho < 1.0) {
        return (f64::NAN, f64::NAN);
    }
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c); // a^c / c!
    let tail = last / (1.0 - rho);
    let p_wait = tail / (sum + tail);
    (p_wait, p_wait / (f64::from(c) * mu - lambda))
}

/// Erlang's B formula: the share of arrivals that find all `c` servers busy in a loss
/// system (no queue) offered `a` erlangs (arrival rate times mean service time).
///
/// Computed by the stable recursion `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))` (Erlang
/// 1917; Gross et al. 2008, sec. 2.6). By Sevastyanov's insensitivity theorem (1957) the
/// M/G/c/c loss probability depends on the service distribution only through its mean, so
/// it holds for log-normal service too. NaN for a negative or NaN load.
pub fn erlang_b(a: f64, c: u32) -> f64 {
    if a.is_nan() || a < 0.0 {
        return f64::NAN;
    }
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// The Pollaczek–Khinchine mean wait in queue of the M/G/1 queue [hours]:
/// `Wq = lambda E[S^2] / (2 (1 - rho))` with `rho = lambda E[S]`, for Poisson arrivals at
/// `lambda` per hour and service of mean `mean` and standard deviation `sd` [hours]
/// (`E[S^2] = sd^2 + mean^2`; Pollaczek 1930, Khinchine 1932; Gross et al. 2008, sec. 5.1.1).
///
/// NaN for an unstable queue (`rho >= 1`).
pub fn pollaczek_khinchine(lambda: f64, mean: f64, sd: f64) -> f64 {
    let rho = lambda * mean;
    if !(lambda > 0.0 && mean > 0.0 && rho < 1.0) {
        return f64::NAN;
    }
    lambda * (sd * sd + mean * mean) / (2.0 * (1.0 - rho))
}

/// One class of customers at a single server with non-preemptive priorities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriorityClass {
    /// Poisson arrival rate [per hour].
    pub lambda: f64,
    /// Mean service time [hours].
    pub mean: f64,
    /// Standard deviation of the service time [hours].
    pub sd: f64,
}

/// Cobham's formula for the M/G/1 queue with non-preemptive priorities: the mean wait in
/// queue of each class [hours], `classes` listed from the highest priority down.
///
/// `W_k = W0 / ((1 - sigma_{k-1}) (1 - sigma_k))`, where `W0 = sum_i lambda_i E[S_i^2] / 2`
/// is the mean residual work found in service by an arrival and `sigma_k = sum_{i<=k} rho_i`
/// (Cobham, "Priority assignment in waiting line problems", *Operations Research* 2(1),
/// 1954; Gross et al. 2008, sec. 3.4.1). A class whose `sigma_k >= 1` has no steady state
/// and gets NaN.
pub fn cobham(classes: &[PriorityClass]) -> Vec<f64> {
    let w0: f64 = classes
        .iter()
        .map(|k| k.lambda * (k.sd * k.sd + k.mean * k.mean) / 2.0)
        .sum();
    let mut above = 0.0; // sigma_{k-1}
    classes
        .iter()
        .map(|k| {
            let through = above + k.lambda * k.mean; // sigma_k
            let wait = if through < 1.0 {
                w0 / ((1.0 - above) * (1.0 - through))
            } else {
                f64::NAN
            };
            above = through;
            wait
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_published_values() {
        // c = 2, a = 1: P(wait) = 1/3; Wq = (1/3) / (2 - 1) = 1/3.
        let (p, wq) = erlang_c(1.0, 1.0, 2);
        assert!((p - 1.0 / 3.0).abs() < 1e-12 && (wq - 1.0 / 3.0).abs() < 1e-12);
        // c = 10, a = 9: P(wait) = 0.6687 (tables).
        let (p, _) = erlang_c(9.0, 1.0, 10);
        assert!((p - 0.6687).abs() < 1e-4, "{p}");
        // One server: P(wait) = rho, Wq = rho / (mu - lambda).
        let (p, wq) = erlang_c(0.6, 1.0, 1);
        assert!((p - 0.6).abs() < 1e-12 && (wq - 1.5).abs() < 1e-12);
        assert!(erlang_c(10.0, 1.0, 10).0.is_nan());
    }

    #[test]
    fn erlang_b_matches_published_values() {
        // One server: B = a / (1 + a).
        assert!((erlang_b(1.0, 1) - 0.5).abs() < 1e-12);
        // c = 2, a = 1: (1/2) / (1 + 1 + 1/2) = 0.2.
        assert!((erlang_b(1.0, 2) - 0.2).abs() < 1e-12);
        // c = 10, a = 5: 0.018385 (tables).
        assert!((erlang_b(5.0, 10) - 0.018_385).abs() < 1e-6);
        assert_eq!(erlang_b(0.0, 3), 0.0);
        assert!(erlang_b(-1.0, 3).is_nan());
    }

    #[test]
    fn pollaczek_khinchine_reduces_to_mm1_and_md1() {
        // Exponential service (sd = mean): M/M/1, Wq = rho / (mu - lambda).
        assert!((pollaczek_khinchine(0.5, 1.0, 1.0) - 1.0).abs() < 1e-12);
        // Fixed service: half the M/M/1 wait.
        assert!((pollaczek_khinchine(0.5, 1.0, 0.0) - 0.5).abs() < 1e-12);
        assert!(pollaczek_khinchine(1.0, 1.0, 1.0).is_nan());
    }

    #[test]
    fn cobham_with_one_class_is_pollaczek_khinchine() {
        let one = PriorityClass {
            lambda: 0.6,
            mean: 1.0,
            sd: 1.5,
        };
        let w = cobham(&[one]);
        assert!((w[0] - pollaczek_khinchine(0.6, 1.0, 1.5)).abs() < 1e-12);
    }

    #[test]
    fn cobham_two_classes_by_hand() {
        // W0 = (0.3 x 2 + 0.2 x 8) / 2 = 1.1; sigma = 0.3, 0.7.
        let w = cobham(&[
            PriorityClass {
                lambda: 0.3,
                mean: 1.0,
                sd: 1.0,
            },
            PriorityClass {
                lambda: 0.2,
                mean: 2.0,
                sd: 2.0,
            },
        ]);
        assert!((w[0] - 1.1 / 0.7).abs() < 1e-12, "{w:?}");
        assert!((w[1] - 1.1 / (0.7 * 0.3)).abs() < 1e-12, "{w:?}");
        // Conservation (Kleinrock): sum rho_k W_k equals the FIFO work-weighted wait.
        let fifo = pollaczek_khinchine(0.5, 1.4, (8.0 * 0.4 + 2.0 * 0.6 - 1.96_f64).sqrt());
        let conserved = 0.3 * w[0] + 0.4 * w[1];
        assert!((conserved - 0.7 * fifo).abs() < 1e-9, "{conserved} {fifo}");
    }
}
