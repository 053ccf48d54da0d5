//! Writes the a-CNA test frames as extended XYZ (for OVITO's reference script,
//! `tests/data/cna/ovito_cna.py`) and times `classify` at 32 000 and 256 000 atoms.
//!
//! `cargo run --release --example cna_frames -- DIR` writes DIR/<name>.xyz; with no DIR it
//! only prints the timings.

use comd::analysis::cna::classify;
use comd::analysis::lattices;
use std::io::Write;
use std::time::Instant;

fn main() -> std::io::Result<()> {
    if let Some(dir) = std::env::args().nth(1) {
        for (name, f) in lattices::reference_frames() {
            let path = std::path::Path::new(&dir).join(format!("{name}.xyz"));
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
            writeln!(out, "{}", f.pos.len())?;
            let l = [0, 1, 2].map(|d| f.hi[d] - f.lo[d]);
            writeln!(
                out,
                "Lattice=\"{} 0 0 0 {} 0 0 0 {}\" Origin=\"{} {} {}\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"",
                l[0], l[1], l[2], f.lo[0], f.lo[1], f.lo[2]
            )?;
            for p in &f.pos {
                writeln!(out, "Cu {} {} {}", p[0], p[1], p[2])?;
            }
            out.flush()?;
            eprintln!("wrote {}", path.display());
        }
        return Ok(());
    }
    for n in [20usize, 40] {
        let f = lattices::jiggle(&lattices::fcc(n, 3.615), 0.15, 3);
        classify(&f.pos, f.lo, f.hi);
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(classify(&f.pos, f.lo, f.hi));
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!("a-CNA {} atoms: median {:.1} ms ({} threads)", f.pos.len(), times[2], rayon::current_num_threads());
    }
    Ok(())
}
