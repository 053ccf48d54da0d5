//! The MPI communicator (CoMD `parallel.c` built with `DO_MPI`), on rsmpi.
//!
//! **Why one file.** This is the only file in the crate that names the `mpi` crate. The
//! engine sees a [`Comm`] and nothing else, so the physics modules compile and test without
//! MPI, and everything MPI-specific (counts are `i32`, threading levels, finalization, abort)
//! is decided in one place. CoMD keeps the same rule: only `parallel.c` includes `mpi.h`.
//!
//! **Threading level.** [`Mpi::init`] asks for `MPI_THREAD_FUNNELED` explicitly and fails if
//! the library grants less. comd-rs runs rayon worker threads inside each rank, but those
//! threads never call MPI: every call goes through the [`Mpi`] value, which is neither `Send`
//! nor `Sync` (enforced by a marker field, independently of whether the MPI library's handles
//! happen to be pointers or integers). The value therefore stays on the thread that created it,
//! and *that thread must be the one that runs the simulation loop*: create the communicator
//! with [`super::init`] on the simulation thread (not on a viewer/main thread that later hands
//! work to another thread).
//!
//! **How counts are exchanged.** A halo message is a [`Packed`]: a flat `i32` buffer and a
//! flat `f64` buffer whose lengths only the sender knows. Each of CoMD's two `MPI_Sendrecv`
//! calls in `exchangeData` becomes three `MPI_Sendrecv`s with the same partners: first the two
//! lengths (`[n_ints, n_reals]`, tag 1), then the integers (tag 2), then the reals (tag 3).
//! After the first one the receiver sizes its buffers exactly, so nothing has a fixed capacity
//! (CoMD's fixed `bufCapacity` is one of the quirks the port drops), and the received counts
//! are checked against the announced ones. `MPI_Sendrecv` pairs up without deadlock because
//! every rank performs the same sequence; sending to oneself (a rank grid one rank wide along
//! an axis) is an ordinary `MPI_Sendrecv` with source = destination = own rank. Empty buffers
//! still send a zero-length message, so partners never have to guess whether one is coming.
//!
//! **Failure and teardown.** Dropping the [`Mpi`] value finalizes MPI (rsmpi's `Universe`
//! does `MPI_Finalize` exactly once). `MPI_Finalize` waits for the other ranks, so a rank that
//! leaves early while the others sit in a collective would hang the job. Two rules avoid that:
//! * failures that every rank can detect (input validation, as CoMD's `sanityChecks`) are
//!   agreed on with a reduction and then returned as the same `Err` on every rank, so all ranks
//!   drop the communicator and finalize together;
//! * failures that only some ranks see (an I/O error on rank 0, a broken invariant) call
//!   [`Comm::abort`] (`MPI_Abort`), which terminates every rank of the job. If the thread that
//!   owns the communicator unwinds from a panic, the drop of [`Mpi`] does the same instead of
//!   finalizing. Calling `std::process::exit` directly skips `MPI_Finalize`; OpenMPI's
//!   `mpirun` then tears the job down, but that is launcher behaviour, not a guarantee.

use std::marker::PhantomData;

use ::mpi::collective::SystemOperation;
use ::mpi::datatype::PartitionMut;
use ::mpi::environment::{self, Threading, Universe};
use ::mpi::point_to_point::send_receive_into_with_tags;
use ::mpi::topology::SimpleCommunicator;
use ::mpi::traits::{Communicator, CommunicatorCollectives, Equivalence, Root};
use ::mpi::{Count, Rank, Tag};

use super::{Comm, Packed};

/// Tag of the `[n_ints, n_reals]` header of a halo message.
const TAG_COUNTS: Tag = 1;
/// Tag of the integer part of a halo message.
const TAG_INTS: Tag = 2;
/// Tag of the floating-point part of a halo message.
const TAG_REALS: Tag = 3;
/// Largest piece of a broadcast (MPI counts are `i32`).
const BROADCAST_CHUNK: usize = 1 << 30;
/// Exit code used when a panic unwinds past the communicator (Rust's own panic exit code).
const PANIC_EXIT_CODE: i32 = 101;

/// Why the MPI communicator could not start.
#[derive(Debug, thiserror::Error)]
pub enum MpiInitError {
    /// MPI was initialized before (e.g. `comm::init` called twice in one process).
    #[error("MPI is already initialized in this process; comm::init may be called only once")]
    AlreadyInitialized,
    /// The library cannot guarantee the threading level comd needs.
    #[error(
        "the MPI library granted thread support {granted}, but comd needs at least {requested} \
         (rayon threads run beside the thread that calls MPI)"
    )]
    ThreadingTooLow {
        /// Level asked for (`MPI_THREAD_FUNNELED`).
        requested: &'static str,
        /// Level the library granted.
        granted: &'static str,
    },
}

/// The communicator of one MPI rank in `MPI_COMM_WORLD`.
///
/// Created by [`Mpi::init`] (usually through [`super::init`]); finalizes MPI when dropped.
/// Not `Send`: it must stay on the thread that initialized MPI (see the module docs).
pub struct Mpi {
    /// `MPI_COMM_WORLD`. Declared before `universe` so it is dropped first.
    world: SimpleCommunicator,
    /// Owns the MPI environment; its drop calls `MPI_Finalize`.
    _universe: Universe,
    rank: usize,
    size: usize,
    library: String,
    bytes_sent: u64,
    /// The buffer sent to the plus side in the last exchange, kept to receive the next one
    /// from it (so that a step's halo messages are not allocated afresh).
    spare: Packed,
    /// Keeps the type `!Send + !Sync` whatever the MPI handle types are (funneled threading).
    _not_send: PhantomData<*const ()>,
}

impl Mpi {
    /// Initializes MPI with `MPI_THREAD_FUNNELED` and wraps `MPI_COMM_WORLD`.
    ///
    /// Call it on the thread that will run the simulation loop; only that thread may use the
    /// returned value. A process started without `mpirun` is an MPI singleton of size 1.
    ///
    /// # Errors
    /// [`MpiInitError::AlreadyInitialized`] if MPI was initialized before in this process;
    /// [`MpiInitError::ThreadingTooLow`] if the library grants less than funneled (then MPI is
    /// finalized again, on every rank alike, before returning).
    pub fn init() -> Result<Self, MpiInitError> {
        let requested = Threading::Funneled;
        let (universe, granted) =
            environment::initialize_with_threading(requested).ok_or(MpiInitError::AlreadyInitialized)?;
        if threading_rank(granted) < threading_rank(requested) {
            return Err(MpiInitError::ThreadingTooLow {
                requested: threading_name(requested),
                granted: threading_name(granted),
            });
        }
        let world = universe.world();
        let rank = usize::try_from(world.rank()).unwrap_or(0);
        let size = usize::try_from(world.size()).unwrap_or(1);
        Ok(Self {
            world,
            _universe: universe,
            rank,
            size,
            library: library_description(),
            bytes_sent: 0,
            spare: Packed::new(),
            _not_send: PhantomData,
        })
    }

    /// Terminates every rank of the job with exit status `code` (`MPI_Abort`); never returns.
    ///
    /// Use it when a failure is known to this rank only, so the other ranks would otherwise
    /// wait forever in their next collective (an error writing a file on rank 0, a broken
    /// invariant). Print the reason to stderr first. When every rank can reach the same
    /// verdict (validation of the input), agree on it with a reduction and return the same
    /// error on every rank instead: that exits cleanly through `MPI_Finalize`.
    pub fn abort(&self, code: i32) -> ! {
        self.world.abort(code)
    }

    /// Prints `what` to stderr and aborts the whole job with status 1.
    fn fatal(&self, what: &str) -> ! {
        eprintln!("comd: rank {}: MPI communicator: {what}", self.rank);
        self.abort(1)
    }

    /// MPI rank of `rank`, which must name a rank of this communicator.
    fn peer(&self, rank: usize) -> Rank {
        match Rank::try_from(rank) {
            Ok(r) if rank < self.size => r,
            _ => self.fatal(&format!("rank {rank} out of range (size {})", self.size)),
        }
    }

    /// An MPI element count for a buffer of `len` elements.
    fn count(&self, len: usize, what: &str) -> Count {
        Count::try_from(len)
            .unwrap_or_else(|_| self.fatal(&format!("{what}: {len} elements exceed MPI's i32 count")))
    }

    /// One `MPI_Sendrecv` of a whole [`Packed`]: header with the two lengths, then each part.
    /// `recv` is resized to what the source announces.
    fn send_recv(&self, send: &Packed, dest: usize, recv: &mut Packed, source: usize) {
        let dest = self.world.process_at_rank(self.peer(dest));
        let source = self.world.process_at_rank(self.peer(source));
        let header = [self.count(send.ints.len(), "halo ints"), self.count(send.reals.len(), "halo reals")];
        let mut incoming: [Count; 2] = [0; 2];
        send_receive_into_with_tags(&header, &dest, TAG_COUNTS, &mut incoming, &source, TAG_COUNTS);
        let (Ok(n_ints), Ok(n_reals)) = (usize::try_from(incoming[0]), usize::try_from(incoming[1])) else {
            self.fatal(&format!("negative halo message length {incoming:?}"));
        };
        recv.ints.clear();
        recv.ints.resize(n_ints, 0);
        recv.reals.clear();
        recv.reals.resize(n_reals, 0.0);
        let status = send_receive_into_with_tags(&send.ints[..], &dest, TAG_INTS, &mut recv.ints[..], &source, TAG_INTS);
        self.check_count(status.count(i32::equivalent_datatype()), incoming[0], "ints");
        let status =
            send_receive_into_with_tags(&send.reals[..], &dest, TAG_REALS, &mut recv.reals[..], &source, TAG_REALS);
        self.check_count(status.count(f64::equivalent_datatype()), incoming[1], "reals");
    }

    /// Aborts if a received part does not have the length its header announced.
    fn check_count(&self, got: Count, announced: Count, what: &str) {
        if got != announced {
            self.fatal(&format!("halo {what}: received {got} elements, header announced {announced}"));
        }
    }
}

impl Comm for Mpi {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.size
    }

    fn describe(&self) -> String {
        self.library.clone()
    }

    fn exchange(&mut self, minus: usize, plus: usize, to_minus: Packed, to_plus: Packed) -> (Packed, Packed) {
        // CoMD exchangeData: first Sendrecv sends to minus, receives from plus ...
        let mut from_plus = std::mem::take(&mut self.spare);
        self.send_recv(&to_minus, minus, &mut from_plus, plus);
        // ... second sends to plus, receives from minus. `to_minus` is sent: reuse its storage.
        let sent_minus = to_minus.n_bytes();
        let mut from_minus = to_minus;
        self.send_recv(&to_plus, plus, &mut from_minus, minus);
        self.bytes_sent += (sent_minus + to_plus.n_bytes()) as u64;
        self.spare = to_plus;
        (from_minus, from_plus)
    }

    fn sum_f64(&mut self, values: &mut [f64]) {
        let local = values.to_vec();
        self.world.all_reduce_into(&local[..], values, SystemOperation::sum());
    }

    fn sum_i64(&mut self, values: &mut [i64]) {
        let local = values.to_vec();
        self.world.all_reduce_into(&local[..], values, SystemOperation::sum());
    }

    fn max_i64(&mut self, values: &mut [i64]) {
        let local = values.to_vec();
        self.world.all_reduce_into(&local[..], values, SystemOperation::max());
    }

    fn all_gather_f64(&mut self, value: f64) -> Vec<f64> {
        let mut all = vec![0.0; self.size];
        self.world.all_gather_into(&value, &mut all[..]);
        all
    }

    fn broadcast_bytes(&mut self, root: usize, bytes: &mut Vec<u8>) {
        let root_process = self.world.process_at_rank(self.peer(root));
        let mut len = bytes.len() as u64;
        root_process.broadcast_into(&mut len);
        if self.rank != root {
            let Ok(len) = usize::try_from(len) else {
                self.fatal(&format!("broadcast of {len} bytes does not fit in memory"));
            };
            bytes.clear();
            bytes.resize(len, 0);
        }
        // Both sides know the length, so they cut the same pieces.
        for piece in bytes.chunks_mut(BROADCAST_CHUNK) {
            root_process.broadcast_into(piece);
        }
    }

    fn gather_bytes(&mut self, root: usize, bytes: &[u8]) -> Vec<Vec<u8>> {
        let root_process = self.world.process_at_rank(self.peer(root));
        let own_len = self.count(bytes.len(), "gather");
        // An empty `&[u8]` points at address 1, which Open MPI reads as `MPI_IN_PLACE`
        // (MPI_ERR_ARG on non-root ranks). Hand MPI a real address with zero length instead.
        let anchor = [0u8; 1];
        let bytes = if bytes.is_empty() { &anchor[..0] } else { bytes };
        if self.rank != root {
            root_process.gather_into(&own_len);
            root_process.gather_varcount_into(bytes);
            return Vec::new();
        }
        let mut counts: Vec<Count> = vec![0; self.size];
        root_process.gather_into_root(&own_len, &mut counts[..]);
        let mut displs = Vec::with_capacity(self.size);
        let mut total: Count = 0;
        for &c in &counts {
            displs.push(total);
            total = total.checked_add(c).unwrap_or_else(|| {
                self.fatal("gathered snapshot exceeds 2^31-1 bytes (MPI's i32 displacement)")
            });
        }
        // At least one byte, for the same reason as `anchor` above.
        let mut all = vec![0u8; usize::try_from(total).unwrap_or(0).max(1)];
        {
            let mut partition = PartitionMut::new(&mut all[..], &counts[..], &displs[..]);
            root_process.gather_varcount_into_root(bytes, &mut partition);
        }
        counts
            .iter()
            .zip(&displs)
            .map(|(&c, &d)| {
                let (c, d) = (usize::try_from(c).unwrap_or(0), usize::try_from(d).unwrap_or(0));
                all[d..d + c].to_vec()
            })
            .collect()
    }

    fn barrier(&mut self) {
        self.world.barrier();
    }

    fn bytes_sent(&self) -> u64 {
        self.bytes_sent
    }

    fn abort(&self, code: i32) -> ! {
        Mpi::abort(self, code)
    }
}

impl Drop for Mpi {
    /// Finalizes MPI (through the `Universe` field) -- unless this thread is unwinding from a
    /// panic in a multi-rank job: the other ranks may be waiting for this one in a collective,
    /// and `MPI_Finalize` would wait for them, so the job is aborted instead.
    fn drop(&mut self) {
        if std::thread::panicking() && self.size > 1 {
            eprintln!("comd: rank {}: panic; aborting all {} ranks (MPI_Abort)", self.rank, self.size);
            self.abort(PANIC_EXIT_CODE);
        }
    }
}

/// Order of the MPI threading levels (`MPI_THREAD_SINGLE < FUNNELED < SERIALIZED < MULTIPLE`).
fn threading_rank(level: Threading) -> u8 {
    match level {
        Threading::Single => 0,
        Threading::Funneled => 1,
        Threading::Serialized => 2,
        Threading::Multiple => 3,
    }
}

/// The MPI name of a threading level.
fn threading_name(level: Threading) -> &'static str {
    match level {
        Threading::Single => "MPI_THREAD_SINGLE",
        Threading::Funneled => "MPI_THREAD_FUNNELED",
        Threading::Serialized => "MPI_THREAD_SERIALIZED",
        Threading::Multiple => "MPI_THREAD_MULTIPLE",
    }
}

/// First line of `MPI_Get_library_version`, without the trailing NUL some libraries include.
fn library_description() -> String {
    let line = environment::library_version().map(|text| first_line(&text)).unwrap_or_default();
    if line.is_empty() {
        "MPI (unknown library)".to_string()
    } else {
        line
    }
}

/// First non-empty line of `text`, trimmed of NUL characters and whitespace.
fn first_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(|line| line.trim_matches(|c: char| c == '\0' || c.is_whitespace()))
        .find(|line| !line.is_empty())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_string_is_trimmed_to_one_line() {
        assert_eq!(first_line("Open MPI v4.1.4, package: Debian\n  more\0"), "Open MPI v4.1.4, package: Debian");
        assert_eq!(first_line("MPICH Version: 4.0.2\0\0"), "MPICH Version: 4.0.2");
        assert_eq!(first_line("\0 \n"), "");
    }

    #[test]
    fn threading_levels_are_ordered() {
        assert!(threading_rank(Threading::Single) < threading_rank(Threading::Funneled));
        assert!(threading_rank(Threading::Funneled) < threading_rank(Threading::Serialized));
        assert!(threading_rank(Threading::Serialized) < threading_rank(Threading::Multiple));
    }
}
