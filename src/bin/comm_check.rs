//! Self-test of the communicator, through `comd::comm::init()` and the `Comm` trait only.
//!
//! Run it under the launcher of the MPI library it was built with:
//! `mpirun -np P comm_check` (rank 0 prints `ranks=P`; a binary started by the wrong launcher
//! runs as P separate singletons, each printing `ranks=1`). It checks halo exchanges around a
//! ring (varying, empty and 1 MB buffers, and the self-exchange of a one-rank-wide axis), the
//! reductions, all-gather, broadcast and gather. Every rank counts its mismatches, the counts
//! are summed, and all ranks exit 1 if any rank saw one.
//!
//! Options: `--bench N` times N exchanges of 1 MB each way and N empty exchanges;
//! `--init-only` starts and stops the communicator only (to time launcher start-up);
//! `--fail MODE` makes the last rank fail while the others wait in a reduction, to show that
//! the job ends instead of hanging (`error`: agreed collectively, exit 2 everywhere;
//! `abort`: `Comm::abort(3)`; `panic`: a panic on the last rank; `exit`: `process::exit(4)`
//! without finalizing MPI).

use std::process::ExitCode;
use std::time::Instant;

use comd::comm::{self, Comm, Packed};

/// Direction a buffer is sent in, seen from the sender.
#[derive(Clone, Copy, Debug)]
enum Dir {
    ToMinus,
    ToPlus,
}

/// Shapes of exchanged buffers.
#[derive(Clone, Copy, Debug)]
enum Case {
    /// Lengths vary with sender and direction.
    Small,
    /// The minus-bound buffer is empty.
    EmptyMinus,
    /// The plus-bound buffer is empty.
    EmptyPlus,
    /// Both empty.
    BothEmpty,
    /// About 1 MB of reals each way.
    Large,
}

const CASES: [Case; 5] = [Case::Small, Case::EmptyMinus, Case::EmptyPlus, Case::BothEmpty, Case::Large];
/// Number of f64 in 1 MiB.
const MB_REALS: usize = (1 << 20) / 8;

impl Case {
    /// `(n_ints, n_reals)` of the buffer `sender` sends in direction `dir`.
    fn lengths(self, sender: usize, dir: Dir) -> (usize, usize) {
        let d = dir as usize;
        match (self, dir) {
            (Case::Small, _) => (2 + sender + d, 3 * sender + 1 + d),
            (Case::EmptyMinus, Dir::ToMinus) | (Case::EmptyPlus, Dir::ToPlus) | (Case::BothEmpty, _) => (0, 0),
            (Case::EmptyMinus, Dir::ToPlus) | (Case::EmptyPlus, Dir::ToMinus) => (sender + 1, 2 * sender),
            (Case::Large, _) => (1000 + d, MB_REALS + d),
        }
    }
}

/// The buffer `sender` sends in direction `dir`: contents identify sender, direction and case.
fn payload(sender: usize, dir: Dir, case: Case) -> Packed {
    let (n_ints, n_reals) = case.lengths(sender, dir);
    let salt = sender * 1_000_003 + dir as usize * 7919 + case as usize * 31;
    Packed {
        ints: (0..n_ints).map(|k| ((salt + k) % 2_000_000_000) as i32).collect(),
        reals: (0..n_reals).map(|k| salt as f64 + k as f64 * 0.001).collect(),
    }
}

/// Counts and reports this rank's mismatches.
struct Checker {
    rank: usize,
    failures: i64,
}

impl Checker {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.failures += 1;
            eprintln!("comm_check: rank {}: MISMATCH: {}", self.rank, what());
        }
    }
}

/// Exchanges every case with `minus`/`plus` and checks what arrives; returns bytes sent.
fn check_exchange(comm: &mut dyn Comm, chk: &mut Checker, minus: usize, plus: usize) -> u64 {
    let me = comm.rank();
    let mut sent = 0;
    for case in CASES {
        let to_minus = payload(me, Dir::ToMinus, case);
        let to_plus = payload(me, Dir::ToPlus, case);
        sent += (to_minus.n_bytes() + to_plus.n_bytes()) as u64;
        let (from_minus, from_plus) = comm.exchange(minus, plus, to_minus, to_plus);
        chk.check(from_minus == payload(minus, Dir::ToPlus, case), || {
            format!("{case:?} exchange(minus={minus}, plus={plus}): wrong buffer from minus ({} ints, {} reals)",
                from_minus.ints.len(), from_minus.reals.len())
        });
        chk.check(from_plus == payload(plus, Dir::ToMinus, case), || {
            format!("{case:?} exchange(minus={minus}, plus={plus}): wrong buffer from plus ({} ints, {} reals)",
                from_plus.ints.len(), from_plus.reals.len())
        });
    }
    sent
}

/// Reductions, all-gather, broadcast and gather.
fn check_collectives(comm: &mut dyn Comm, chk: &mut Checker) {
    let (me, p) = (comm.rank(), comm.size());
    let mut f = [me as f64, 1.0, 0.25];
    comm.sum_f64(&mut f);
    chk.check(f == [(p * (p - 1) / 2) as f64, p as f64, 0.25 * p as f64], || format!("sum_f64 gave {f:?}"));
    let mut i = [me as i64, 1, -(1 << 40)];
    comm.sum_i64(&mut i);
    chk.check(i == [(p * (p - 1) / 2) as i64, p as i64, -(1 << 40) * p as i64], || format!("sum_i64 gave {i:?}"));
    let mut m = [me as i64, -(me as i64), 7];
    comm.max_i64(&mut m);
    chk.check(m == [p as i64 - 1, 0, 7], || format!("max_i64 gave {m:?}"));
    let all = comm.all_gather_f64(me as f64 * 1.5);
    let want: Vec<f64> = (0..p).map(|r| r as f64 * 1.5).collect();
    chk.check(all == want, || format!("all_gather_f64 gave {all:?}"));

    let root = p - 1;
    let table: Vec<u8> = (0..1000 + root).map(|k| (k * 7 + root) as u8).collect();
    let mut bytes = if me == root { table.clone() } else { vec![0xAA; 3] };
    comm.broadcast_bytes(root, &mut bytes);
    chk.check(bytes == table, || format!("broadcast from {root}: got {} bytes", bytes.len()));
    let mut bytes = if me == 0 { Vec::new() } else { vec![1, 2, 3] };
    comm.broadcast_bytes(0, &mut bytes);
    chk.check(bytes.is_empty(), || format!("empty broadcast: got {} bytes", bytes.len()));

    let piece = |r: usize| -> Vec<u8> { (0..(r * 37) % 50).map(|k| (r * 11 + k) as u8).collect() };
    for root in [0, p - 1] {
        let got = comm.gather_bytes(root, &piece(me));
        let want: Vec<Vec<u8>> = if me == root { (0..p).map(piece).collect() } else { Vec::new() };
        chk.check(got == want, || format!("gather to {root}: got {} pieces", got.len()));
    }
    comm.barrier();
}

/// Mean seconds per call of `exchange` with the ring neighbours, slowest rank.
fn time_exchange(comm: &mut dyn Comm, n: usize, n_reals: usize) -> f64 {
    let (me, p) = (comm.rank(), comm.size());
    let (minus, plus) = ((me + p - 1) % p, (me + 1) % p);
    let mut bufs = (Packed { ints: vec![], reals: vec![1.0; n_reals] }, Packed { ints: vec![], reals: vec![2.0; n_reals] });
    comm.barrier();
    let start = Instant::now();
    for _ in 0..n {
        bufs = comm.exchange(minus, plus, bufs.0, bufs.1);
    }
    let per_call = start.elapsed().as_secs_f64() / n.max(1) as f64;
    comm.all_gather_f64(per_call).into_iter().fold(0.0, f64::max)
}

/// Makes the last rank fail in `mode` while the others wait in a reduction.
fn fail(comm: &mut dyn Comm, mode: &str) -> ExitCode {
    let (me, last) = (comm.rank(), comm.size() - 1);
    comm.barrier();
    if me == last {
        match mode {
            "abort" => {
                eprintln!("comm_check: rank {me}: deliberate abort");
                comm.abort(3)
            }
            "panic" => panic!("comm_check: rank {me}: deliberate panic"),
            "exit" => {
                eprintln!("comm_check: rank {me}: deliberate process::exit(4)");
                std::process::exit(4)
            }
            _ => {} // "error": report it below, like every other rank
        }
    }
    let mut failed = [i64::from(me == last)];
    comm.sum_i64(&mut failed);
    if me == 0 {
        eprintln!("comm_check: {} rank(s) reported an error; all ranks exit with status 2", failed[0]);
    }
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let bench: Option<usize> = match option("--bench").map(|n| n.parse()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => {
            eprintln!("comm_check: --bench needs a count: {e}");
            return ExitCode::FAILURE;
        }
    };
    let fail_mode = option("--fail");
    if let Some(mode) = &fail_mode {
        if !["error", "abort", "panic", "exit"].contains(&mode.as_str()) {
            eprintln!("comm_check: --fail takes error, abort, panic or exit, not {mode:?}");
            return ExitCode::FAILURE;
        }
    }
    let mut comm = match comm::init() {
        Ok(comm) => comm,
        Err(e) => {
            eprintln!("comm_check: cannot start the communicator: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let comm = comm.as_mut();
    let (me, p) = (comm.rank(), comm.size());
    if me == 0 {
        println!("ranks={p}");
        println!("library={}", comm.describe());
    }
    if let Some(mode) = fail_mode {
        return fail(comm, &mode);
    }
    if args.iter().any(|a| a == "--init-only") {
        return ExitCode::SUCCESS;
    }

    let mut chk = Checker { rank: me, failures: 0 };
    let mut sent = check_exchange(comm, &mut chk, (me + p - 1) % p, (me + 1) % p);
    sent += check_exchange(comm, &mut chk, me, me);
    sent += check_exchange(comm, &mut chk, (me + 2 * p - 2) % p, (me + 2) % p);
    chk.check(comm.bytes_sent() == sent, || format!("bytes_sent() = {}, expected {sent}", comm.bytes_sent()));
    check_collectives(comm, &mut chk);

    let mut failures = [chk.failures];
    comm.sum_i64(&mut failures);
    if failures[0] > 0 {
        if me == 0 {
            eprintln!("comm_check: {} mismatch(es) over {p} ranks", failures[0]);
        }
        return ExitCode::FAILURE;
    }
    if me == 0 {
        println!("comm_check: all checks passed on {p} ranks");
    }
    if let Some(n) = bench {
        let big = time_exchange(comm, n, MB_REALS);
        let empty = time_exchange(comm, n, 0);
        if me == 0 {
            println!("bench: exchange of 1 MiB each way: {:.1} us/call ({:.0} MB/s sent per rank)",
                big * 1e6, 2.0 * (MB_REALS * 8) as f64 / big / 1e6);
            println!("bench: exchange of empty buffers: {:.1} us/call", empty * 1e6);
        }
    }
    ExitCode::SUCCESS
}
