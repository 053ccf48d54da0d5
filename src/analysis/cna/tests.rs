use super::*;
use crate::analysis::lattices::{bcc, fcc, hcp_layers, jiggle, stacked};

fn all(classes: &[Structure], s: Structure) -> bool {
    classes.iter().all(|&c| c == s)
}

#[test]
fn perfect_crystals() {
    let f = fcc(5, 3.615);
    assert!(all(&classify(&f.pos, f.lo, f.hi), Structure::Fcc));
    let b = bcc(6, 2.87);
    assert!(all(&classify(&b.pos, b.lo, b.hi), Structure::Bcc));
    let h = stacked("ABABABAB", 6, 4, 2.556);
    assert!(all(&classify(&h.pos, h.lo, h.hi), Structure::Hcp));
    let c = stacked("ABCABCABC", 6, 4, 2.556);
    assert!(all(&classify(&c.pos, c.lo, c.hi), Structure::Fcc));
}

#[test]
fn stacking_fault_layers_are_hcp() {
    let stack = "ABCABCACABCABCAB";
    let f = stacked(stack, 6, 4, 2.556);
    let hcp = hcp_layers(stack);
    let per_layer = f.pos.len() / stack.len();
    let classes = classify(&f.pos, f.lo, f.hi);
    for (i, c) in classes.iter().enumerate() {
        let want = if hcp[i / per_layer] { Structure::Hcp } else { Structure::Fcc };
        assert_eq!(*c, want, "atom {i}");
    }
    assert!(hcp.iter().any(|&h| h) && hcp.iter().any(|&h| !h));
}

#[test]
fn small_thermal_noise_keeps_fcc_and_noise_gives_other() {
    let f = fcc(5, 3.615);
    let warm = jiggle(&f, 0.1, 7);
    let fr = fractions(&classify(&warm.pos, warm.lo, warm.hi));
    assert!(fr[Structure::Fcc as usize] > 0.99, "{fr:?}");
    let hot = jiggle(&f, 1.2, 7);
    let fr = fractions(&classify(&hot.pos, hot.lo, hot.hi));
    assert!(fr[Structure::Other as usize] > 0.9, "{fr:?}");
    assert!((fr.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

/// The cell list's neighbours equal a brute-force minimum-image search, also on boxes with
/// boxes of 1 and 3 cells per axis (minimum image by rounding) and of 5 (shifted cells).
#[test]
fn grid_neighbours_equal_brute_force() {
    for (cells, lat) in [(2usize, 3.615f32), (4, 3.615), (6, 3.615)] {
        let f = jiggle(&fcc(cells, lat), 0.3, 11);
        let grid = Grid::new(&f.pos, f.lo, f.hi);
        let len = [0, 1, 2].map(|d| f64::from(f.hi[d] - f.lo[d]));
        for c in 0..grid.cells() {
            for e in grid.entries(c) {
                let i = grid.index[e] as usize;
                let mut d2: Vec<f64> = (0..f.pos.len())
                    .filter(|&j| j != i)
                    .map(|j| {
                        let v = [0, 1, 2].map(|d| {
                            let x = f64::from(f.pos[j][d]) - f64::from(f.pos[i][d]);
                            x - len[d] * (x / len[d]).round()
                        });
                        v[0] * v[0] + v[1] * v[1] + v[2] * v[2]
                    })
                    .collect();
                d2.sort_by(f64::total_cmp);
                let got = grid.nearest(c, e);
                assert_eq!(got.len, MAX_NEIGH);
                for k in 0..MAX_NEIGH {
                    assert!((got.d2[k] - d2[k]).abs() < 1e-9, "{cells} cells, atom {i}, neighbour {k}");
                }
            }
        }
    }
}

#[test]
fn chain_and_codes() {
    let chain = |bonds: &[(usize, usize)]| {
        let mut bonded = [0u16; MAX_NEIGH];
        for &(k, l) in bonds {
            bonded[k] |= 1 << l;
            bonded[l] |= 1 << k;
        }
        largest_cluster(&bonded, 0x3fff)
    };
    assert_eq!(chain(&[(0, 1), (2, 3)]), 1);
    assert_eq!(chain(&[(0, 1), (1, 2), (3, 4)]), 2);
    assert_eq!(chain(&[(0, 1), (1, 2), (2, 0), (5, 6)]), 3);
    assert_eq!(chain(&[]), 0);
    for s in Structure::ALL {
        assert_eq!(Structure::from_code(s as u8), s);
    }
    assert_eq!(Structure::from_code(9), Structure::Other);
    assert!(classify(&[], [0.0; 3], [1.0; 3]).is_empty());
}
