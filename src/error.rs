//! Error kinds and the exit statuses they map to.
//!
//! | exit | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | failure during the run (unstable simulation, lost atoms, I/O error) |
//! | 2 | bad command line, bad input file or unwritable output path (found before the run) |
//! | 130 / 143 | interrupted by SIGINT / SIGTERM |

use thiserror::Error;

/// A problem with the user's input, found before the run starts (exit status 2).
#[derive(Debug, Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Shorthand to build a [`UsageError`] wrapped in `anyhow`.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

/// A failure of the physics during the run (exit status 1).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum RunError {
    /// An atom left its link cell by more than one cell in one step.
    #[error(
        "the simulation is unstable: atom {gid} moved more than one link cell in one step \
         (now at [{:.4}, {:.4}, {:.4}] Å); reduce -D (time step) or -r (displacement)",
        pos[0], pos[1], pos[2]
    )]
    AtomJumped {
        /// Global id of the atom.
        gid: i32,
        /// Its position.
        pos: [f64; 3],
    },
    /// An atom moved implausibly far between two neighbour-list checks (fast path).
    #[error(
        "the simulation is unstable: atom {gid} moved {moved:.3} Å in one step (more than half the \
         interaction range); reduce -D (time step) or -r (displacement)"
    )]
    AtomFlew {
        /// Global id of the atom.
        gid: i32,
        /// Distance moved, Å.
        moved: f64,
    },
    /// A non-finite position, momentum, force or energy.
    #[error("the simulation is unstable: {what} of atom {gid} is not finite; reduce -D (time step) or -r (displacement)")]
    NonFinite {
        /// Global id of the atom (-1 for a total).
        gid: i32,
        /// Which quantity.
        what: &'static str,
    },
    /// A non-finite total energy.
    #[error("the simulation is unstable: the {what} energy is not finite; reduce -D (time step) or -r (displacement)")]
    NonFiniteEnergy {
        /// Which energy.
        what: &'static str,
    },
    /// A link cell would need more slots than allowed.
    #[error(
        "link cell {cell} would hold more than {limit} atoms: the crystal is far too dense \
         (check -l) or the simulation is unstable (reduce -D)"
    )]
    CellOverflow {
        /// Index of the cell.
        cell: usize,
        /// Slot limit.
        limit: usize,
    },
    /// Another rank failed (it prints its own message); see [`crate::comm::agree`].
    #[error("stopped: rank {rank} failed, see its message")]
    PeerFailed {
        /// The rank that failed (the highest, if several did).
        rank: usize,
    },
    /// Atoms disappeared.
    #[error("{lost} atoms lost (started with {initial}, now {now})")]
    AtomsLost {
        /// Atoms lost.
        lost: i64,
        /// Initial count.
        initial: i64,
        /// Current count.
        now: i64,
    },
}

/// Exit status for an error chain: 2 for a [`UsageError`] anywhere in it, 1 otherwise.
pub fn exit_status(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.downcast_ref::<UsageError>().is_some()) {
        2
    } else {
        1
    }
}
