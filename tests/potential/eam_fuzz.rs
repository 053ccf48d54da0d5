//! Property tests, the fuzzer CI runs: the readers get the real potential files mangled in
//! random ways (truncated, tokens replaced by garbage, NaN or huge numbers, lines deleted or
//! duplicated, header fields swapped, bytes inserted) and must return `Ok` or `Err`, never
//! panic or hang; `InterpolationTable::eval` gets arbitrary tables and arguments.
//! Bounded to a few seconds in a release build.


use std::path::Path;
use std::sync::OnceLock;

use comd::potential::eam::{EamTables, InterpolationTable};
use crate::common::eam::shared_potential;
use proptest::prelude::*;
use proptest::sample::Index;

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace one token of a header line (lines 1-7) by `garbage`.
    HeaderToken(Index, Index, String),
    /// Replace one token anywhere by `garbage`.
    AnyToken(Index, Index, String),
    /// Swap two tokens of a header line.
    SwapHeaderFields(Index, Index, Index),
    DeleteLine(Index),
    DuplicateLine(Index),
    /// Insert raw bytes at a line start (may be invalid UTF-8).
    InsertBytes(Index, Vec<u8>),
}

fn garbage() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "NaN",
            "nan",
            "inf",
            "-inf",
            "1e999",
            "-1e999",
            "abc",
            "",
            "0",
            "-1",
            "1",
            "2",
            "3",
            "1e308",
            "-1e308",
            "1e-320",
            "5e-324",
            "99999999999999999999",
            "18446744073709551615",
            "9223372036854775807",
            "4294967296",
            "2147483648",
            "1000000000",
            "0x10",
            "1.0D+00",
            "fcc",
            "BCC",
            "Cu",
            ".",
            "-",
            "+",
            "e5",
            "\u{0}",
            "1 2",
            "\n",
        ])
        .prop_map(str::to_string),
        "[ -~]{0,12}",
        any::<f64>().prop_map(|x| format!("{x:e}")),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), any::<Index>(), garbage())
            .prop_map(|(l, t, g)| Mutation::HeaderToken(l, t, g)),
        (any::<Index>(), any::<Index>(), garbage())
            .prop_map(|(l, t, g)| Mutation::AnyToken(l, t, g)),
        (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(l, a, b)| Mutation::SwapHeaderFields(l, a, b)),
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(l, b)| Mutation::InsertBytes(l, b)),
    ]
}

fn replace_token(line: &mut Vec<u8>, which: Index, with: &[u8]) {
    let text = String::from_utf8_lossy(line).into_owned();
    let mut tokens: Vec<&str> = text.split_ascii_whitespace().collect();
    if tokens.is_empty() {
        *line = with.to_vec();
        return;
    }
    let with = String::from_utf8_lossy(with);
    let k = which.index(tokens.len());
    tokens[k] = &with;
    *line = tokens.join(" ").into_bytes();
}

fn apply(original: &[u8], mutations: &[Mutation], truncate: Option<Index>) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = original
        .split(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    for m in mutations {
        if lines.is_empty() {
            break;
        }
        let header = lines.len().min(7);
        match m {
            Mutation::HeaderToken(l, t, g) => {
                replace_token(&mut lines[l.index(header)], *t, g.as_bytes())
            }
            Mutation::AnyToken(l, t, g) => {
                let n = lines.len();
                replace_token(&mut lines[l.index(n)], *t, g.as_bytes())
            }
            Mutation::SwapHeaderFields(l, a, b) => {
                let line = &mut lines[l.index(header)];
                let text = String::from_utf8_lossy(line).into_owned();
                let mut tokens: Vec<&str> = text.split_ascii_whitespace().collect();
                if !tokens.is_empty() {
                    let (i, j) = (a.index(tokens.len()), b.index(tokens.len()));
                    tokens.swap(i, j);
                    *line = tokens.join(" ").into_bytes();
                }
            }
            Mutation::DeleteLine(l) => {
                let n = lines.len();
                // Mostly header lines: deleting a value line is the same as a wrong count.
                let i = if l.index(2) == 0 {
                    l.index(header)
                } else {
                    l.index(n)
                };
                lines.remove(i);
            }
            Mutation::DuplicateLine(l) => {
                let i = l.index(header);
                let copy = lines[i].clone();
                lines.insert(i, copy);
            }
            Mutation::InsertBytes(l, bytes) => {
                let n = lines.len();
                lines[l.index(n)].splice(0..0, bytes.iter().copied());
            }
        }
    }
    let mut out = lines.join(&b'\n');
    if let Some(cut) = truncate {
        out.truncate(cut.index(out.len() + 1));
    }
    out
}

/// Both readers on `bytes`: any result is fine, and accepted tables must behave.
fn check_readers(bytes: &[u8]) {
    let path = Path::new("mutated.eam");
    for result in [
        EamTables::parse_funcfl(path, bytes),
        EamTables::parse_setfl(path, bytes),
    ] {
        match result {
            Ok(t) => {
                assert!(t.cutoff.is_finite() && t.cutoff > 0.0);
                for table in [&t.phi, &t.rho, &t.embed] {
                    for r in [0.0, t.cutoff, table.x_end(), 1e300, f64::INFINITY, -1.0] {
                        let (f, df) = table.eval(r);
                        assert!(!f.is_nan() && !df.is_nan(), "eval({r}) = {f}, {df}");
                    }
                }
                assert_eq!(EamTables::from_bytes(&t.to_bytes()).unwrap(), t);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
}

fn real_file(name: &str) -> Option<&'static [u8]> {
    static FUNCFL: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    static SETFL: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    let cell = if name.ends_with(".alloy") {
        &SETFL
    } else {
        &FUNCFL
    };
    cell.get_or_init(|| shared_potential(name).map(|p| std::fs::read(p).unwrap()))
        .as_deref()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn mangled_funcfl_never_panics(
        mutations in prop::collection::vec(mutation(), 0..6),
        truncate in prop::option::weighted(0.3, any::<Index>()),
    ) {
        let Some(original) = real_file("Cu_u6.eam") else { return Ok(()) };
        check_readers(&apply(original, &mutations, truncate));
    }
}

proptest! {
    // A setfl file is 30 000 lines: fewer cases keep this test at a couple of seconds.
    #![proptest_config(ProptestConfig { cases: 100, max_shrink_iters: 50, ..ProptestConfig::default() })]

    #[test]
    fn mangled_setfl_never_panics(
        mutations in prop::collection::vec(mutation(), 0..6),
        truncate in prop::option::weighted(0.3, any::<Index>()),
    ) {
        let Some(original) = real_file("Cu01.eam.alloy") else { return Ok(()) };
        check_readers(&apply(original, &mutations, truncate));
    }
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![-1e6..1e6f64, -1e300..1e300f64, Just(0.0)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn eval_never_panics(
        values in prop::collection::vec(finite(), 4..40),
        x0 in -10.0..10.0f64,
        dx in prop_oneof![1e-6..10.0f64, Just(f64::MIN_POSITIVE * 4.0), Just(1e300)],
        r in any::<f64>(),
    ) {
        let Ok(table) = InterpolationTable::new(x0, dx, &values) else { return Ok(()) };
        let (f, df) = table.eval(r);
        if r.is_nan() {
            prop_assert!(f.is_nan() && df.is_nan());
        } else if values.iter().all(|v| v.abs() < 1e6) && dx > 1e-6 {
            prop_assert!(f.is_finite() && df.is_finite(), "eval({}) = {}, {}", r, f, df);
        }
    }

    #[test]
    fn eval_is_continuous_at_the_table_end(
        values in prop::collection::vec(-1e3..1e3f64, 4..40),
        dx in 1e-3..1.0f64,
    ) {
        let table = InterpolationTable::new(0.0, dx, &values).unwrap();
        let end = values.len() as f64 * dx;
        let (f_in, df_in) = table.eval(end * (1.0 - 1e-12));
        let (f_out, df_out) = table.eval(end * (1.0 + 1e-12));
        prop_assert_eq!(f_out, *values.last().unwrap());
        prop_assert_eq!(df_out, 0.0);
        prop_assert!((f_in - f_out).abs() < 1e-6 && (df_in - df_out).abs() < 1e-3 / dx);
    }
}
