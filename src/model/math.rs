//! The exponential the model's choices and expectations run on.
//!
//! Russia weighs every guarantor's chance to honour each month, so the
//! logistic function is the hottest arithmetic of a run. The platform's
//! `exp` is a library call whose last bit may differ between libm builds
//! and CPU paths; this one is plain arithmetic in a fixed order, so it
//! gives the same bits on every machine, and it is several times cheaper.

const LN_2_HI: f64 = 6.931_471_803_691_238e-1;
const LN_2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// `e^x` to within about 1e-11 relative error (Taylor series of degree 9
/// after reducing the argument to |r| <= ln(2)/2). Saturates to 0 below
/// -708 and to `f64::MAX` above 709; NaN stays NaN.
#[inline]
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x < -708.0 {
        return 0.0;
    }
    if x > 709.0 {
        return f64::MAX;
    }
    // Adding and removing 1.5 * 2^52 rounds to the nearest integer in two
    // additions (`round` is a library call on baseline x86-64).
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let k = (x * std::f64::consts::LOG2_E + ROUND) - ROUND;
    // Two-part ln(2) keeps the reduced argument exact to about 1e-16.
    let r = (x - k * LN_2_HI) - k * LN_2_LO;
    let mut p = 1.0 / 362_880.0;
    for d in [
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * r + d;
    }
    // k lies in [-1022, 1023] here, so 2^k is a normal number; k = -1022
    // and x near -708 still fit.
    let scale = f64::from_bits(((k as i64 + 1023) as u64) << 52);
    p * scale
}

#[cfg(test)]
mod tests {
    use super::exp;

    #[test]
    fn matches_the_standard_exponential_to_rounding_noise() {
        let mut worst: f64 = 0.0;
        let mut x: f64 = -700.0;
        while x <= 700.0 {
            let want = x.exp();
            let got = exp(x);
            worst = worst.max(((got - want) / want).abs());
            x += 0.013_7;
        }
        assert!(worst < 2e-11, "worst relative error {worst}");
        for x in [
            -1e-300,
            0.0,
            1e-300,
            1.0,
            -1.0,
            0.5 * std::f64::consts::LN_2,
        ] {
            assert!(((exp(x) - x.exp()) / x.exp()).abs() < 2e-11, "{x}");
        }
    }

    #[test]
    fn saturates_instead_of_overflowing() {
        assert_eq!(exp(-1000.0), 0.0);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(1000.0), f64::MAX);
        assert_eq!(exp(f64::INFINITY), f64::MAX);
        assert!(exp(f64::NAN).is_nan());
    }
}
