//! Communication between ranks, behind one role trait (CoMD `parallel.c`).
//!
//! Physics code never talks to MPI. It talks to a [`Comm`]: exchange packed buffers with the
//! two neighbours along an axis, reduce a few numbers, broadcast a table, gather a snapshot.
//! [`serial::Serial`] is the one-rank implementation: a single rank with periodic boundaries
//! is its own neighbour on every face, so an "exchange" hands each buffer back to the sender
//! (CoMD's serial `sendReceiveParallel` is a `memcpy`). The MPI implementation (feature `mpi`)
//! lives in exactly one file, `comm/mpi.rs`; it is the only place that names the `mpi` crate.

#[cfg(feature = "mpi")]
pub mod mpi;
pub mod halo;
pub mod pack;
pub mod serial;

use crate::error::RunError;

pub use pack::Packed;

/// The communicator for this process: `comm::mpi::Mpi` when built with the `mpi` feature, else
/// [`serial::Serial`].
///
/// With the feature, a binary started without `mpirun` is an MPI singleton of size 1 and runs
/// like the serial build. Call this once per process, on the thread that will run the
/// simulation loop (MPI is initialized with funneled threading: only that thread calls MPI).
///
/// # Errors
/// Fails if MPI cannot be initialized as needed (already initialized in this process, or the
/// library does not grant `MPI_THREAD_FUNNELED`). Without the feature it always succeeds.
pub fn init() -> anyhow::Result<Box<dyn Comm>> {
    #[cfg(feature = "mpi")]
    {
        Ok(Box::new(self::mpi::Mpi::init()?))
    }
    #[cfg(not(feature = "mpi"))]
    {
        Ok(Box::new(serial::Serial::new()))
    }
}

/// Role trait of a communicator: the handful of collective and neighbour operations that
/// the engine needs. All calls are made from the simulation thread only.
pub trait Comm {
    /// This process's rank, `0..size()`.
    fn rank(&self) -> usize;

    /// Number of ranks.
    fn size(&self) -> usize;

    /// Name of the communication layer for the report (e.g. `"none"` or the MPI library).
    fn describe(&self) -> String;

    /// One face pair of a halo exchange (CoMD `exchangeData`): sends `to_minus` to rank
    /// `minus` and `to_plus` to rank `plus`, and returns `(from_minus, from_plus)`: the
    /// message the minus neighbour sent to its plus side, and the one the plus neighbour sent
    /// to its minus side. Buffers may have any length; the receiver learns it.
    fn exchange(&mut self, minus: usize, plus: usize, to_minus: Packed, to_plus: Packed) -> (Packed, Packed);

    /// Element-wise sum over all ranks, result on every rank (`MPI_Allreduce(SUM)`).
    fn sum_f64(&mut self, values: &mut [f64]);

    /// Element-wise integer sum over all ranks, result on every rank.
    fn sum_i64(&mut self, values: &mut [i64]);

    /// Element-wise integer maximum over all ranks, result on every rank.
    fn max_i64(&mut self, values: &mut [i64]);

    /// Every rank's `value`, indexed by rank, on every rank (for timer statistics).
    fn all_gather_f64(&mut self, value: f64) -> Vec<f64>;

    /// Broadcast `bytes` from `root` to every rank (other ranks' contents are replaced).
    fn broadcast_bytes(&mut self, root: usize, bytes: &mut Vec<u8>);

    /// Gather every rank's `bytes` on `root` (indexed by rank); other ranks get an empty vec.
    fn gather_bytes(&mut self, root: usize, bytes: &[u8]) -> Vec<Vec<u8>>;

    /// Wait until every rank gets here.
    fn barrier(&mut self);

    /// Total bytes this rank has sent through [`Comm::exchange`] so far.
    fn bytes_sent(&self) -> u64;

    /// Ends the whole job with exit status `code`, on every rank (`MPI_Abort`); never returns.
    ///
    /// For failures that only this rank knows about (e.g. rank 0 cannot write a file): the
    /// other ranks would otherwise wait forever in their next collective. Print the reason
    /// first. Failures that every rank can detect should instead be agreed on with a reduction
    /// and returned as the same error on every rank, which shuts MPI down cleanly. The default
    /// (one rank, nobody to wait) is `std::process::exit(code)`.
    fn abort(&self, code: i32) -> ! {
        std::process::exit(code)
    }
}

/// Makes one rank's failure every rank's: each rank passes its own result, and if any rank
/// failed, every rank returns an error — the failing rank its own, the others
/// [`RunError::PeerFailed`] naming the (highest) failed rank — so no rank is left waiting in
/// a collective call that the failed one will never make. One reduction of one integer.
pub fn agree<T>(comm: &mut dyn Comm, r: Result<T, RunError>) -> Result<T, RunError> {
    let mut failed = [if r.is_err() { comm.rank() as i64 } else { -1 }];
    comm.max_i64(&mut failed);
    match r {
        Err(e) => Err(e),
        Ok(_) if failed[0] >= 0 => Err(RunError::PeerFailed { rank: failed[0] as usize }),
        Ok(v) => Ok(v),
    }
}

/// Rank 0 reads a file with `read` (other ranks never call it) and every rank receives the
/// same outcome: the bytes, or rank 0's one-line error. One broadcast, a tag byte in front.
pub fn read_on_rank0(comm: &mut dyn Comm, read: impl FnOnce() -> Result<Vec<u8>, String>) -> Result<Vec<u8>, String> {
    let mut msg = Vec::new();
    if comm.rank() == 0 {
        let (tag, body) = match read() {
            Ok(b) => (0, b),
            Err(e) => (1, e.into_bytes()),
        };
        msg.push(tag);
        msg.extend_from_slice(&body);
    }
    comm.broadcast_bytes(0, &mut msg);
    match msg.split_first() {
        Some((0, b)) => Ok(b.to_vec()),
        Some((_, e)) => Err(String::from_utf8_lossy(e).into_owned()),
        None => Err("nothing received from rank 0".into()),
    }
}
