//! C `printf` conversions that Rust's formatter does not have: `%g` and `%.Ne`.
//!
//! Rust's `{:.N}` and `{:.Ne}` round exactly (like glibc), so only the layout differs.

/// C's `%g`: 6 significant digits, trailing zeros and point removed, exponent form when the
/// exponent is below −4 or at least 6.
pub fn g(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    if !x.is_finite() {
        return if x.is_nan() { "nan".into() } else if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sci = format!("{:.5e}", x);
    let (mant, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    if !(-4..6).contains(&exp) {
        format!("{}e{}{:02}", trim_zeros(mant), if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        trim_zeros(&format!("{:.*}", (5 - exp) as usize, x)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// C's `%.{digits}e`: `d.ddd…e±XX` with at least two exponent digits.
pub fn e(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return g(x);
    }
    let s = format!("{:.*e}", digits, x);
    let (mant, exp) = s.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    format!("{}e{}{:02}", mant, if exp < 0 { '-' } else { '+' }, exp.abs())
}

/// A fixed-point number right-aligned in `width` with `prec` decimals, like `%W.Pf`, but
/// printing `nan` for an undefined value (CoMD prints `-nan`).
pub fn f(x: f64, width: usize, prec: usize) -> String {
    if x.is_nan() {
        format!("{:>width$}", "nan")
    } else {
        format!("{:>width$.prec$}", x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_g_like_c() {
        assert_eq!(g(-1.0), "-1");
        assert_eq!(g(63.55000000000001), "63.55");
        assert_eq!(g(5.7875), "5.7875");
        assert_eq!(g(3.615), "3.615");
        assert_eq!(g(600.0), "600");
        assert_eq!(g(0.167), "0.167");
        assert_eq!(g(4.9499999999999886), "4.95");
        assert_eq!(g(1.0e6), "1e+06");
        assert_eq!(g(1.25e-5), "1.25e-05");
        assert_eq!(g(0.0), "0");
        assert_eq!(g(123456.4), "123456");
    }

    #[test]
    fn percent_e_like_c() {
        assert_eq!(e(0.9037500000000000533, 17), "9.03750000000000053e-01");
        assert_eq!(e(-128.913530136732703, 17), "-1.28913530136732703e+02");
        assert_eq!(e(0.0, 17), "0.00000000000000000e+00");
        assert_eq!(e(-1.09218190047499775e-14, 17), "-1.09218190047499775e-14");
        assert_eq!(e(1e100, 3), "1.000e+100");
    }
}
