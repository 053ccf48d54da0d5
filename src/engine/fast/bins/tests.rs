use super::*;

/// Every build of the row loop this CPU runs gives the portable loop's runs, in order, on
/// positions anywhere in and around the grid, on bin bounds, and with ranges that round to
/// two and to three rows each way.
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
    let mut kept = [0usize; 2];
    for range in [4.0, 4.0 * (1.0 + 1e-15), 5.3, 6.6375] {
        let bins = Bins::new(lo, hi, [0.25 * range, 0.5 * range, 0.5 * range]);
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
            kept[usize::from(range > 5.0)] = kept[usize::from(range > 5.0)].max(n);
            for &s in &scanners {
                let mut got = [(7, 7); MAX_ROWS];
                let m = bins.sphere_runs(s, ri, range, &bin_start, &mut got);
                assert_eq!(got[..m], want[..n], "{:?} range {range} at {ri:?}", s.isa());
            }
            cases += 1;
        }
    }
    assert_eq!(cases, 1600);
    // the cases reach planes of many rows (not only the grid's clamped corners)
    assert!(kept.iter().all(|&k| k >= 20), "most rows kept: {kept:?}");
}
