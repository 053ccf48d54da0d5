//! The builds of the row loop against the portable one.

use super::*;

/// Every build of the row loop this CPU runs gives the portable loop's runs, in order, on
/// positions anywhere in and around the grid, on bin bounds, with bins across half the range
/// wide (two rows each way, as the list build makes them), a hair narrower (three each way
/// tried, the outer ones rarely in reach) and a third of the range wide (planes of seven
/// rows, up to 49 runs: every lane of the AVX-512 build).
#[test]
fn every_build_of_the_row_loop_gives_the_portable_runs() {
    let scanners: Vec<Scanner> = Isa::ALL
        .into_iter()
        .filter_map(|isa| {
            let s = Scanner::of(isa);
            if s.is_none() {
                println!("skipping the {isa:?} row loop: this CPU lacks it");
            }
            s
        })
        .collect();
    let mut seed = 11u64;
    let mut rnd = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 11) as Real / (1u64 << 53) as Real
    };
    let (lo, hi) = ([-3.0, 1.5, -7.25], [21.0, 30.0, 9.0]);
    let mut cases = 0;
    let mut most = [0usize; 2];
    for (range, narrow) in [(4.0, 1.0), (5.3, 1.0), (6.6375, 1.0), (4.0, 1.0 - 1e-12), (6.6375, 2.0 / 3.0)] {
        let bins = Bins::new(lo, hi, [0.25 * range, 0.5 * range * narrow, 0.5 * range * narrow]);
        let w = bins.widths();
        let bin_start: Vec<u32> = (0..=bins.len() as u32).map(|k| k * 3 + k % 5).collect();
        for t in 0..400 {
            // a quarter on bin bounds, some outside the grid (clamped)
            let ri: Real3 = std::array::from_fn(|a| {
                let x = lo[a] - 2.0 * range + rnd() * (hi[a] - lo[a] + 4.0 * range);
                if t % 4 == 0 { (x / w[a]).round() * w[a] } else { x }
            });
            let mut want = [(0, 0); MAX_ROWS];
            let n = bins.sphere_runs_portable(ri, range, &bin_start, &mut want);
            let k = usize::from(narrow < 1.0);
            most[k] = most[k].max(n);
            for &s in &scanners {
                let mut got = [(7, 7); MAX_ROWS];
                let m = bins.sphere_runs(s, ri, range, &bin_start, &mut got);
                assert_eq!(got[..m], want[..n], "{:?} range {range} at {ri:?}", s.isa());
            }
            cases += 1;
        }
    }
    assert_eq!(cases, 2000);
    // the cases reach planes of many rows (not only the grid's clamped corners): up to the
    // 5 × 5 rows with half-range bins, and more than 25 (planes of seven) with narrower ones
    assert!(most[0] >= 20 && most[0] <= 25 && most[1] > 25, "most runs kept: {most:?}");
}
