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
    /// The barostat shrank the box until a rank's domain is less than two cutoffs wide.
    #[error(
        "the barostat shrank the box to [{:.4}, {:.4}, {:.4}] Å: a rank's domain is now less than two \
         interaction ranges wide; use fewer ranks along the shrinking axes, a larger system or a larger --tau-p",
        lengths[0], lengths[1], lengths[2]
    )]
    BoxCollapsed {
        /// The box edge lengths it would have had, Å.
        lengths: [f64; 3],
    },
    /// One barostat step would change the volume by more than allowed.
    #[error("the barostat would change the volume by {:.2} % in one step (pressure {pressure_gpa:.3e} GPa); \
             the system is far from the target pressure or unstable: use a larger --tau-p or a smaller -D", change * 100.0)]
    BarostatJump {
        /// Relative volume change.
        change: f64,
        /// Instantaneous pressure, GPa.
        pressure_gpa: f64,
    },
    /// An operation this engine path does not have (checked before a run starts).
    #[error("{what} is not available on the {path} path")]
    Unsupported {
        /// The operation.
        what: &'static str,
        /// The path.
        path: &'static str,
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
