//! Random streams of one run.
//!
//! Every run has its own ChaCha8 generator, keyed by (master seed, scenario
//! id) and with the run index as its stream number, so a run's draws depend
//! on nothing else: not on the thread that runs it, not on the package.
//! Inside the stream each month owns a fixed window of words, and the draws
//! that a package can change (who is called, who honours) sit at fixed
//! offsets per country. So every package sees the same exogenous world in
//! run `i` (common random numbers), draw for draw.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, StandardNormal, Triangular};

use super::params::ParamDist;

/// Layout of one month's window of the stream, in 32-bit words.
#[derive(Debug, Clone, Copy)]
pub struct StreamLayout {
    /// Words per month.
    stride: u128,
    /// Start of the per-country honour draws inside a month's window.
    honour_offset: u128,
    /// Start of the per-country force-strike draws inside a month's window.
    strike_offset: u128,
}

/// Month 0 (the run's set-up: acceptance, every sampled coefficient, event
/// months and sizes) draws from far out in the stream, so that however
/// many coefficients and events a file makes uncertain, its draws never
/// reach the windows of months 1, 2, ... (a stream holds 2^68 words).
const SETUP_WORD_POS: u128 = 1 << 64;

/// Words reserved for the fixed draws at the start of every month, beyond
/// the per-country drift draws (a normal draw takes two words, rarely more).
const FIXED_WORDS: u128 = 64;
/// Words reserved per country for its normal draws (drift, election).
const WORDS_PER_COUNTRY_FIXED: u128 = 8;

impl StreamLayout {
    pub fn new(countries: usize) -> Self {
        let n = countries as u128;
        let honour_offset = FIXED_WORDS + WORDS_PER_COUNTRY_FIXED * n;
        let strike_offset = honour_offset + 2 * n;
        StreamLayout {
            stride: strike_offset + 2 * n,
            honour_offset,
            strike_offset,
        }
    }
}

/// The generator of one run, with month-addressed draws.
pub struct RunRng {
    rng: ChaCha8Rng,
    layout: StreamLayout,
}

impl RunRng {
    /// The stream of run `run_index` of scenario `scenario_id` under
    /// `master_seed`.
    pub fn new(master_seed: u64, scenario_id: &str, run_index: u64, layout: StreamLayout) -> Self {
        let key = splitmix64(master_seed ^ splitmix64(fnv1a(scenario_id.as_bytes())));
        let mut seed = [0u8; 32];
        let mut state = key;
        for chunk in seed.chunks_exact_mut(8) {
            state = splitmix64(state);
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        let mut rng = ChaCha8Rng::from_seed(seed);
        rng.set_stream(run_index);
        RunRng { rng, layout }
    }

    /// Moves to the start of month `month`'s window (month 0 = set-up, in a
    /// region of its own).
    pub fn start_month(&mut self, month: u32) {
        let pos = if month == 0 {
            SETUP_WORD_POS
        } else {
            u128::from(month) * self.layout.stride
        };
        self.rng.set_word_pos(pos);
    }

    /// A uniform draw in [0, 1).
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// A standard normal draw.
    #[inline]
    pub fn normal(&mut self) -> f64 {
        StandardNormal.sample(&mut self.rng)
    }

    /// The honour draw of country `country` in month `month`; the same in
    /// every package.
    pub fn honour_draw(&mut self, month: u32, country: usize) -> f64 {
        self.draw_at(month, self.layout.honour_offset, country)
    }

    /// The draw deciding whether country `country` answers a strike on its
    /// troops in month `month`.
    pub fn strike_draw(&mut self, month: u32, country: usize) -> f64 {
        self.draw_at(month, self.layout.strike_offset, country)
    }

    /// An addressed draw. The sequential position is restored afterwards,
    /// so the draws that follow in the month (e.g. resolve drift after a
    /// force strike) are the same whether or not this draw happened.
    fn draw_at(&mut self, month: u32, offset: u128, country: usize) -> f64 {
        let resume = self.rng.get_word_pos();
        let pos = u128::from(month) * self.layout.stride + offset + 2 * country as u128;
        self.rng.set_word_pos(pos);
        let u = self.uniform();
        self.rng.set_word_pos(resume);
        u
    }

    /// Samples a parameter distribution. The scenario layer has checked the
    /// parameters, so a distribution that cannot be built falls back to its
    /// central value rather than failing a run.
    pub fn sample(&mut self, dist: &ParamDist) -> f64 {
        match *dist {
            ParamDist::Fixed { value } => value,
            ParamDist::Uniform { min, max } => min + (max - min) * self.uniform(),
            ParamDist::Normal { mean, sd, min, max } => {
                (mean + sd * self.normal()).clamp(min.min(max), max.max(min))
            }
            ParamDist::Triangular { min, mode, max } => match Triangular::new(min, max, mode) {
                Ok(t) => t.sample(&mut self.rng),
                Err(_) => mode,
            },
            ParamDist::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                let unit = match Beta::new(alpha, beta) {
                    Ok(b) => b.sample(&mut self.rng),
                    Err(_) => alpha / (alpha + beta),
                };
                min + (max - min) * unit
            }
        }
    }
}

/// FNV-1a: a stable hash of a scenario id (std's hasher is not stable
/// across releases, which would break reproducibility).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// SplitMix64 finaliser: spreads a 64-bit key over the seed bytes.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_inputs_same_stream_and_run_index_changes_it() {
        let layout = StreamLayout::new(10);
        let mut a = RunRng::new(7, "x", 3, layout);
        let mut b = RunRng::new(7, "x", 3, layout);
        let mut c = RunRng::new(7, "x", 4, layout);
        let mut d = RunRng::new(7, "y", 3, layout);
        let (xa, xb, xc, xd) = (a.uniform(), b.uniform(), c.uniform(), d.uniform());
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
        assert_ne!(xa, xd);
    }

    #[test]
    fn addressed_draws_do_not_depend_on_what_was_drawn_before() {
        let layout = StreamLayout::new(10);
        let mut a = RunRng::new(1, "s", 0, layout);
        let mut b = RunRng::new(1, "s", 0, layout);
        a.start_month(5);
        for _ in 0..17 {
            a.normal();
        }
        assert_eq!(a.honour_draw(5, 3), b.honour_draw(5, 3));
        // An addressed draw leaves the sequence where it was.
        let mut c = RunRng::new(1, "s", 0, layout);
        let mut d = RunRng::new(1, "s", 0, layout);
        c.start_month(2);
        d.start_month(2);
        c.strike_draw(2, 4);
        assert_eq!(c.normal(), d.normal());
        a.start_month(6);
        b.start_month(6);
        assert_eq!(a.uniform(), b.uniform());
    }

    #[test]
    fn set_up_draws_never_reach_the_months() {
        let layout = StreamLayout::new(3);
        let mut a = RunRng::new(4, "s", 9, layout);
        let mut b = RunRng::new(4, "s", 9, layout);
        a.start_month(0);
        for _ in 0..10_000 {
            a.normal();
        }
        a.start_month(1);
        b.start_month(1);
        let first: Vec<f64> = (0..64).map(|_| b.uniform()).collect();
        // Month 1's window does not hold any set-up draw: a fresh stream at
        // month 1 and one after 10,000 set-up draws read the same words,
        // and none equals a set-up draw.
        let mut c = RunRng::new(4, "s", 9, layout);
        c.start_month(0);
        let setup: Vec<f64> = (0..20_000).map(|_| c.uniform()).collect();
        for (i, u) in first.iter().enumerate() {
            assert_eq!(*u, a.uniform(), "word {i}");
            assert!(!setup.contains(u));
        }
    }

    #[test]
    fn samples_stay_in_their_support() {
        let mut r = RunRng::new(1, "s", 0, StreamLayout::new(1));
        let dists = [
            ParamDist::Uniform { min: 2.0, max: 3.0 },
            ParamDist::Normal {
                mean: 0.0,
                sd: 5.0,
                min: -1.0,
                max: 1.0,
            },
            ParamDist::Triangular {
                min: 0.0,
                mode: 0.2,
                max: 1.0,
            },
            ParamDist::Beta {
                alpha: 2.0,
                beta: 5.0,
                min: 10.0,
                max: 20.0,
            },
        ];
        let bounds = [(2.0, 3.0), (-1.0, 1.0), (0.0, 1.0), (10.0, 20.0)];
        for (d, (lo, hi)) in dists.iter().zip(bounds) {
            for _ in 0..1000 {
                let x = r.sample(d);
                assert!(x >= lo && x <= hi, "{d:?} gave {x}");
            }
        }
    }
}
