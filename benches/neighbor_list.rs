//! The default path's Verlet-list rebuild, LJ (cutoff + skin = 6.0875 Å): the list build
//! alone (`build`), and the whole rebuild the engine does when an atom moved more than half
//! the skin — wrap, migrate, ghosts, list (`ghosts+build`).

mod common;

use common::*;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};
use std::hint::black_box;

fn neighbor_list(c: &mut Criterion) {
    for pot in [Pot::Lj, Pot::Eam] {
        let mut g = c.benchmark_group(format!("neighbor_list_{}", pot.name()));
        g.sampling_mode(SamplingMode::Flat);
        for cells in sizes() {
            let n = atoms(cells);
            g.throughput(Throughput::Elements(n));
            let Some(mut fp) = FastParts::new(pot, cells) else { continue };
            g.bench_function(BenchmarkId::new("build", n), |b| {
                b.iter(|| {
                    fp.build_list();
                    black_box(fp.nl.len())
                })
            });
            g.bench_function(BenchmarkId::new("ghosts+build", n), |b| {
                b.iter(|| {
                    fp.rebuild_ghosts();
                    fp.build_list();
                    black_box(fp.nl.len())
                })
            });
        }
        g.finish();
    }
}

criterion_group! { name = benches; config = criterion(); targets = neighbor_list }
criterion_main!(benches);
