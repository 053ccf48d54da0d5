//! The exact path's `System::redistribute` (CoMD `redistributeAtoms`: move atoms between
//! link cells, periodic halo exchange of whole atoms, sort each cell by gid), which the
//! exact path does every step. Measured on the state after 10 steps at 600 K.

mod common;

use common::*;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};

fn redistribute(c: &mut Criterion) {
    for pot in [Pot::Lj, Pot::Eam] {
        let mut g = c.benchmark_group(format!("redistribute_{}", pot.name()));
        g.sampling_mode(SamplingMode::Flat);
        for cells in sizes() {
            let n = atoms(cells);
            g.throughput(Throughput::Elements(n));
            let Some((mut e, mut comm, mut timers)) = engine(pot, cells, true) else { continue };
            e.timestep(10, 1.0, &mut comm, &mut timers).expect("steps");
            g.bench_function(BenchmarkId::new("exact", n), |b| {
                b.iter(|| e.redistribute(&mut comm, &mut timers).expect("redistribute"))
            });
        }
        g.finish();
    }
}

criterion_group! { name = benches; config = criterion(); targets = redistribute }
criterion_main!(benches);
