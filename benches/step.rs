//! One whole velocity-Verlet step through `Engine::timestep` (kick, drift, redistribute or
//! list check and position refresh, force, kick, energies), default path (`fast`) and
//! `--exact`, LJ and EAM. The state keeps evolving from one iteration to the next (600 K
//! copper), so list rebuilds happen at their natural rate (every ~10-20 steps).

mod common;

use common::*;
use comd::engine::Engine;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};

fn bench_engine(g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, id: BenchmarkId, e: &mut dyn Engine, comm: &mut comd::comm::serial::Serial, timers: &mut comd::timers::Timers) {
    g.bench_function(id, |b| b.iter(|| step(e, comm, timers)));
}

fn full_step(c: &mut Criterion) {
    for pot in [Pot::Lj, Pot::Eam] {
        let mut g = c.benchmark_group(format!("step_{}", pot.name()));
        g.sampling_mode(SamplingMode::Flat);
        for cells in sizes() {
            let n = atoms(cells);
            g.throughput(Throughput::Elements(n));
            if let Some((mut e, mut comm, mut timers)) = engine(pot, cells, false) {
                bench_engine(&mut g, BenchmarkId::new("fast", n), e.as_mut(), &mut comm, &mut timers);
            }
            if let Some((mut e, mut comm, mut timers)) = engine(pot, cells, true) {
                bench_engine(&mut g, BenchmarkId::new("exact", n), e.as_mut(), &mut comm, &mut timers);
            }
        }
        g.finish();
    }
}

criterion_group! { name = benches; config = criterion(); targets = full_step }
criterion_main!(benches);
