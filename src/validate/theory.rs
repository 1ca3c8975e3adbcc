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

/// What the Erlang A model (M/M/n+M) says of a queue with impatient customers: the
/// probability that an arrival waits, the probability that it abandons, and the mean wait in
/// queue of all arrivals, served or abandoning [hours].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// P(W > 0): the share of arrivals who find every server busy.
    pub p_wait: f64,
    /// P(Ab): the share of arrivals who abandon before service.
    pub p_abandon: f64,
    /// E[W]: the mean time in queue over all arrivals (until service or abandonment) [hours].
    pub mean_wait: f64,
}

/// The Erlang A (Palm) formulas for `n` servers, Poisson arrivals at `lambda` per hour,
/// exponential service at rate `mu` per hour and exponential patience at rate `theta` per
/// hour (mean patience `1 / theta`), from Garnett, Mandelbaum and Reiman, "Designing a call
/// center with impatient customers", *Manufacturing & Service Operations Management* 4(3),
/// 2002, pp. 208-227 (section 3 and appendix), as restated by Mandelbaum and Zeltyn,
/// "The Palm/Erlang-A queue, with applications to call centers", 2007:
///
/// - `A(x, y) = x e^y y^(-x) gamma(x, y)`, with `gamma(x, y)` the lower incomplete gamma
///   function, taken at `x = n mu / theta` and `y = lambda / theta`;
/// - `E` = Erlang B for `n` servers offered `lambda / mu` (see [`erlang_b`]);
/// - `P(W > 0) = A E / (1 + (A - 1) E)`;
/// - `P(Ab | W > 0) = 1 / (rho A) + 1 - 1 / rho`, with `rho = lambda / (n mu)`;
/// - `P(Ab) = P(Ab | W > 0) P(W > 0)`, and `E[W] = P(Ab) / theta` (abandonments happen at
///   rate `theta` per waiting customer: `lambda P(Ab) = theta E[Lq]`, and Little's law).
///
/// `A` is computed in logarithms (statrs' `ln_gamma` and regularised `gamma_lr`), so large
/// `n mu / theta` does not overflow. Stable for any load: patience bounds the queue. NaN for
/// non-positive rates or no servers.
pub fn erlang_a(lambda: f64, mu: f64, theta: f64, n: u32) -> ErlangA {
    use statrs::function::gamma::{gamma_lr, ln_gamma};
    if !(lambda > 0.0 && mu > 0.0 && theta > 0.0 && n > 0) {
        return ErlangA {
            p_wait: f64::NAN,
            p_abandon: f64::NAN,
            mean_wait: f64::NAN,
        };
    }
    let x = f64::from(n) * mu / theta;
    let y = lambda / theta;
    let ln_a = x.ln() + y - x * y.ln() + ln_gamma(x) + gamma_lr(x, y).ln();
    let a = ln_a.exp();
    let e = erlang_b(lambda / mu, n);
    let p_wait = a * e / (1.0 + (a - 1.0) * e);
    let rho = lambda / (f64::from(n) * mu);
    let p_abandon_if_waiting = 1.0 / (rho * a) + 1.0 - 1.0 / rho;
    let p_abandon = p_abandon_if_waiting * p_wait;
    ErlangA {
        p_wait,
        p_abandon,
        mean_wait: p_abandon / theta,
    }
}

/// The M/M/1/K queue (one server, room for `k` in the system, one in service and `k - 1`
/// waiting; arrivals finding it full are turned away): the blocking probability
/// `P_K = (1 - rho) rho^K / (1 - rho^(K+1))` (`1 / (K + 1)` at `rho = 1`), and the mean wait
/// in queue of those admitted `Wq = Lq / (lambda (1 - P_K))` [hours], where
/// `L = rho / (1 - rho) - (K + 1) rho^(K+1) / (1 - rho^(K+1))` and `Lq = L - (1 - P_0)` with
/// `P_0 = (1 - rho) / (1 - rho^(K+1))`; `rho = lambda / mu` for Poisson arrivals at `lambda`
/// and exponential service at `mu` per hour (Gross, Shortle, Thompson and Harris,
/// *Fundamentals of Queueing Theory*, 4th ed., 2008, sec. 2.5). NaN for non-positive rates
/// or `k = 0`.
pub fn mm1k(lambda: f64, mu: f64, k: u32) -> (f64, f64) {
    if !(lambda > 0.0 && mu > 0.0 && k > 0) {
        return (f64::NAN, f64::NAN);
    }
    let rho = lambda / mu;
    let kf = f64::from(k);
    let (p0, pk, l) = if (rho - 1.0).abs() < 1e-12 {
        (1.0 / (kf + 1.0), 1.0 / (kf + 1.0), kf / 2.0)
    } else {
        let top = 1.0 - rho.powf(kf + 1.0);
        (
            (1.0 - rho) / top,
            (1.0 - rho) * rho.powf(kf) / top,
            rho / (1.0 - rho) - (kf + 1.0) * rho.powf(kf + 1.0) / top,
        )
    };
    let lq = l - (1.0 - p0);
    (pk, lq / (lambda * (1.0 - pk)))
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

    /// The stationary distribution of the M/M/n+M birth-death chain, truncated far out:
    /// births at `lambda`, deaths at `min(k, n) mu + max(k - n, 0) theta`.
    fn erlang_a_by_birth_and_death(lambda: f64, mu: f64, theta: f64, n: u32) -> ErlangA {
        let mut p = vec![1.0_f64];
        for k in 1..2000u32 {
            let death = f64::from(k.min(n)) * mu + f64::from(k.saturating_sub(n)) * theta;
            let next = p[p.len() - 1] * lambda / death;
            p.push(next);
        }
        let total: f64 = p.iter().sum();
        let p_wait: f64 = p.iter().skip(n as usize).sum::<f64>() / total;
        let lq: f64 = p
            .iter()
            .enumerate()
            .skip(n as usize)
            .map(|(k, pk)| (k - n as usize) as f64 * pk)
            .sum::<f64>()
            / total;
        ErlangA {
            p_wait,
            p_abandon: theta * lq / lambda,
            mean_wait: lq / lambda,
        }
    }

    #[test]
    fn erlang_a_agrees_with_its_birth_and_death_chain() {
        for (lambda, mu, theta, n) in [(1.8, 1.0, 0.5, 2), (9.0, 1.0, 2.0, 8), (3.0, 1.0, 0.1, 2)] {
            let formula = erlang_a(lambda, mu, theta, n);
            let chain = erlang_a_by_birth_and_death(lambda, mu, theta, n);
            for (a, b) in [
                (formula.p_wait, chain.p_wait),
                (formula.p_abandon, chain.p_abandon),
                (formula.mean_wait, chain.mean_wait),
            ] {
                assert!(
                    (a - b).abs() < 1e-9 * b.max(1.0),
                    "{lambda} {n}: {formula:?} vs {chain:?}"
                );
            }
        }
    }

    #[test]
    fn erlang_a_with_very_patient_customers_is_erlang_c() {
        let (p_wait, wq) = erlang_c(1.6, 1.0, 2);
        // Mean patience 1,000 h against waits of about 2 h: a fraction of a percent abandon.
        let a = erlang_a(1.6, 1.0, 1e-3, 2);
        assert!((a.p_wait - p_wait).abs() < 0.01, "{a:?} vs {p_wait}");
        assert!((a.mean_wait - wq).abs() < 0.03 * wq, "{a:?} vs {wq}");
        assert!(a.p_abandon > 0.0 && a.p_abandon < 0.01, "{a:?}");
    }

    #[test]
    fn mm1k_blocking_by_hand() {
        // rho = 0.5, K = 2: P_2 = 0.5 * 0.25 / (1 - 0.125) = 1/7; P_0 = 4/7, P_1 = 2/7,
        // Lq = P_2 = 1/7, Wq = (1/7) / (0.5 * 6/7) = 1/3.
        let (pk, wq) = mm1k(0.5, 1.0, 2);
        assert!((pk - 1.0 / 7.0).abs() < 1e-12);
        assert!((wq - 1.0 / 3.0).abs() < 1e-12);
        let (at_one, _) = mm1k(1.0, 1.0, 4);
        assert!((at_one - 0.2).abs() < 1e-12);
    }
}
