//! Force evaluation alone, lists and ghosts already built: the default path's kernels
//! (`fast`: LJ; EAM with both passes and the F'(ρ) ghost refresh) and CoMD's exact loop
//! (`exact`: the exact engine's force stage on link cells), at 4 000, 32 000 and 256 000 atoms.

mod common;

use common::*;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};
use std::hint::black_box;

fn force(c: &mut Criterion) {
    for pot in [Pot::Lj, Pot::Eam] {
        let mut g = c.benchmark_group(format!("force_{}", pot.name()));
        g.sampling_mode(SamplingMode::Flat);
        for cells in sizes() {
            let n = atoms(cells);
            g.throughput(Throughput::Elements(n));
            let Some(mut fp) = FastParts::new(pot, cells) else { continue };
            g.bench_function(BenchmarkId::new("fast", n), |b| {
                b.iter(|| {
                    fp.force();
                    black_box(fp.energy())
                })
            });
            drop(fp);
            let Some((mut e, mut comm, mut timers)) = engine(pot, cells, true) else { continue };
            g.bench_function(BenchmarkId::new("exact", n), |b| {
                b.iter(|| {
                    e.force(true, &mut comm, &mut timers).expect("force");
                    black_box(e.e_potential())
                })
            });
        }
        g.finish();
    }
}

criterion_group! { name = benches; config = criterion(); targets = force }
criterion_main!(benches);
