//! The memory bound checked before any large allocation (issue 15 item 1).
//!
//! Without it, `comd -x 800 -y 800 -z 800` died in the allocator (exit 134) and
//! `-x 100000` grew until the kernel's OOM killer ended it minutes later. The estimate is
//! a per-rank formula, calibrated against the measured peak RSS (`/usr/bin/time`'s maximum resident set size) of runs at 32 k,
//! 1 M and 10 M atoms (the table in README.md, "Memory"), meant to be 0 to +15 % above it:
//!
//! * the default path keeps arrays per atom: an owned atom has a position, momentum, force,
//!   reference position and Verlet list, a ghost (within `cutoff + skin` of the rank's
//!   domain) only a position, its copies and a gid — so its cost is per owned atom plus per
//!   ghost; streamed lists ([`STREAMED`]) keep no list;
//! * the exact path keeps CoMD's link cells, each with a fixed number of slots, so its cost
//!   is per link cell, halo cells included, whatever their occupancy.
//!
//! The limit is the least of `MemAvailable`, the cgroup's `memory.max` and the
//! address-space limit (less what is mapped but not resident, e.g. thread stacks), shared
//! among the ranks on the node. This is a leaf module: it knows numbers, not engines.

/// Bytes of a default-path process before any atom: binary, libraries, thread pool, tables
/// (a build without MPI; [`MPI_BASE_BYTES`] more with it).
pub const DEFAULT_BASE_BYTES: f64 = 7.0 * MIB;
/// Bytes the MPI library adds to every process (OpenMPI initialised, one rank: measured
/// 11.1 MiB, 32 000 atoms, with and without the `mpi` feature).
pub const MPI_BASE_BYTES: f64 = 11.0 * MIB;
/// Bytes of an exact-path process before any atom.
pub const EXACT_BASE_BYTES: f64 = 16.0 * MIB;

/// Bytes per owned atom and per ghost of a default-path rank.
#[derive(Debug, Clone, Copy)]
pub struct AtomCost {
    /// Per owned atom.
    pub owned: f64,
    /// Per ghost.
    pub ghost: f64,
}

/// Default path, stored lists, Lennard-Jones (~91 list entries of 3 bytes per atom).
pub const DEFAULT_LJ: AtomCost = AtomCost { owned: 447.0, ghost: 117.0 };
/// Default path, stored lists, EAM (~57 entries of 4 bytes).
pub const DEFAULT_EAM: AtomCost = AtomCost { owned: 411.0, ghost: 130.0 };
/// Default path, streamed lists (`--lists streamed`), either potential.
pub const STREAMED: AtomCost = AtomCost { owned: 143.0, ghost: 115.0 };
/// Bytes per link cell (local or halo) on the exact path, Lennard-Jones.
pub const EXACT_LJ_PER_CELL: f64 = 9300.0;
/// Bytes per link cell (local or halo) on the exact path, EAM.
pub const EXACT_EAM_PER_CELL: f64 = 9300.0;

const MIB: f64 = 1024.0 * 1024.0;
const GIB: f64 = 1024.0 * MIB;

/// What the estimate needs to know about one rank's share of the run.
#[derive(Debug, Clone, Copy)]
pub struct Problem {
    /// Whether the run takes CoMD's exact path.
    pub exact: bool,
    /// Whether the potential is EAM.
    pub eam: bool,
    /// Edge lengths of the whole box, Å.
    pub lengths: [f64; 3],
    /// Atoms in the whole box.
    pub atoms: f64,
    /// Ranks per axis.
    pub proc_grid: [usize; 3],
    /// Interaction range, Å.
    pub cutoff: f64,
    /// Verlet skin of the default path, Å.
    pub skin: f64,
    /// Whether the default path streams its neighbour lists instead of storing them.
    pub streamed: bool,
}

/// Estimated peak resident bytes of one rank.
pub fn estimate(p: &Problem) -> f64 {
    let local: [f64; 3] = std::array::from_fn(|a| p.lengths[a] / p.proc_grid[a] as f64);
    if p.exact {
        // link cells at least one cutoff wide, one layer of halo cells on each face
        let cells: f64 = local.iter().map(|l| (l / p.cutoff).floor().max(1.0) + 2.0).product();
        EXACT_BASE_BYTES + mpi_base() + cells * if p.eam { EXACT_EAM_PER_CELL } else { EXACT_LJ_PER_CELL }
    } else {
        let w = p.cutoff + p.skin;
        let density = p.atoms / p.lengths.iter().product::<f64>();
        let owned = density * local.iter().product::<f64>();
        let ghosts = density * local.iter().map(|l| l + 2.0 * w).product::<f64>() - owned;
        let cost = match (p.streamed, p.eam) {
            (false, false) => DEFAULT_LJ,
            (false, true) => DEFAULT_EAM,
            (true, _) => STREAMED,
        };
        DEFAULT_BASE_BYTES + mpi_base() + owned * cost.owned + ghosts * cost.ghost
    }
}

/// [`MPI_BASE_BYTES`] in a build with MPI, else 0.
fn mpi_base() -> f64 {
    if cfg!(feature = "mpi") {
        MPI_BASE_BYTES
    } else {
        0.0
    }
}

/// Bytes this process may have in all (what it holds included): the least of `MemAvailable`
/// plus what the node's ranks hold, the cgroup's limit and the address-space limit (less
/// mapped-but-not-resident memory), divided among `ranks_on_node`.
/// `None` when none of them can be read (not Linux).
pub fn available(ranks_on_node: usize) -> Option<f64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let mem_available = meminfo.as_deref().and_then(|t| field_kib(t, "MemAvailable:"));
    let status = std::fs::read_to_string("/proc/self/status").ok();
    let (vm_size, vm_rss) = match status.as_deref() {
        Some(t) => (field_kib(t, "VmSize:").unwrap_or(0.0), field_kib(t, "VmRSS:").unwrap_or(0.0)),
        None => (0.0, 0.0),
    };
    let address_space = std::fs::read_to_string("/proc/self/limits").ok().and_then(|t| address_space_limit(&t)).map(|l| l - (vm_size - vm_rss));
    let cgroup = cgroup_limit();
    // the estimate is a whole process's peak, and MemAvailable leaves out what the ranks on
    // this node already hold (counted as this one's): the same answer before the first large
    // allocation and after the start-up atoms (the engine factory decides there)
    let mem_available = mem_available.map(|m| m + vm_rss * ranks_on_node.max(1) as f64);
    let least = [mem_available, address_space, cgroup].into_iter().flatten().reduce(f64::min)?;
    Some(least.max(0.0) / ranks_on_node.max(1) as f64)
}

/// Ranks of this job on this node, from the launcher's environment, else all `size` ranks.
pub fn ranks_on_node(size: usize) -> usize {
    ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "MV2_COMM_WORLD_LOCAL_SIZE"]
        .iter()
        .find_map(|v| std::env::var(v).ok()?.parse().ok())
        .unwrap_or(size)
}

/// The one-line refusal, if `need` bytes do not fit in `avail`.
pub fn refusal(need: f64, avail: f64) -> Option<String> {
    (need > avail).then(|| {
        format!(
            "memory: the run needs ~{:.2} GiB per rank, {:.2} GiB available: use fewer unit cells or more ranks (--no-memory-check to try anyway)",
            need / GIB,
            avail / GIB
        )
    })
}

/// A `Key:   123 kB` line of /proc, in bytes.
fn field_kib(text: &str, key: &str) -> Option<f64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kib: f64 = line[key.len()..].split_whitespace().next()?.parse().ok()?;
    Some(kib * 1024.0)
}

/// The soft `Max address space` of /proc/self/limits, bytes (`None`: unlimited).
fn address_space_limit(limits: &str) -> Option<f64> {
    let line = limits.lines().find(|l| l.starts_with("Max address space"))?;
    line["Max address space".len()..].split_whitespace().next()?.parse().ok()
}

/// `memory.max` of this process's cgroup (v2), bytes (`None`: `max` or unreadable).
fn cgroup_limit() -> Option<f64> {
    let cg = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = cg.lines().find_map(|l| l.strip_prefix("0::"))?;
    let text = std::fs::read_to_string(format!("/sys/fs/cgroup{}/memory.max", path.trim_end_matches('/'))).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(x: usize, exact: bool, eam: bool) -> Problem {
        let (cutoff, skin) = if eam { (4.95, 0.6) } else { (5.7875, 0.85) };
        lattice([x; 3], exact, eam, cutoff, skin)
    }

    fn lattice(n: [usize; 3], exact: bool, eam: bool, cutoff: f64, skin: f64) -> Problem {
        let atoms = 4.0 * n.iter().product::<usize>() as f64;
        Problem { exact, eam, lengths: n.map(|v| v as f64 * 3.615), atoms, proc_grid: [1; 3], cutoff, skin, streamed: false }
    }

    #[test]
    fn the_estimate_is_within_0_to_15_percent_above_the_measured_peaks() {
        // peak RSS (KiB) measured with /usr/bin/time (%M), -N 1 -n 1, 32 000, 1 000 188 and
        // 10 061 824 atoms, one rank, two threads (README "Memory"): (cells, exact, eam,
        // streamed lists, KiB); the exact path on 2026-11-22 (a build without MPI), the default
        // path on 2026-12-04 (`--all-features`: with MPI)
        let measured = [
            (20, false, false, false, 33160.0),
            (63, false, false, false, 454256.0),
            (136, false, false, false, 4292056.0),
            (20, false, false, true, 24484.0),
            (63, false, false, true, 162912.0),
            (136, false, false, true, 1377336.0),
            (20, true, false, false, 40520.0),
            (63, true, false, false, 622324.0),
            (136, true, false, false, 5531508.0),
            (20, false, true, false, 32088.0),
            (63, false, true, false, 419848.0),
            (136, false, true, false, 3949284.0),
            (20, false, true, true, 24512.0),
            (63, false, true, true, 169820.0),
            (136, false, true, true, 1469904.0),
            (20, true, true, false, 53428.0),
            (63, true, true, false, 1000680.0),
            (136, true, true, false, 9111728.0),
        ];
        for (x, exact, eam, streamed, kib) in measured {
            // each row against the estimate for the build it was measured with
            let mpi_measured = !exact;
            let adjust = MPI_BASE_BYTES * (f64::from(u8::from(mpi_measured)) - f64::from(u8::from(cfg!(feature = "mpi"))));
            let ratio = (estimate(&Problem { streamed, ..problem(x, exact, eam) }) + adjust) / (kib * 1024.0);
            assert!((1.0..=1.15).contains(&ratio), "x={x} exact={exact} eam={eam} streamed={streamed}: estimate/measured = {ratio:.3}");
        }
    }

    #[test]
    fn streamed_lists_make_a_hundred_million_atoms_fit_in_20_gb() {
        // 292 x 292 x 293 cells, LJ, one rank: stored lists ~45 GB, streamed ~15 GB
        let p = lattice([292, 292, 293], false, false, 5.7875, 0.85);
        let (stored, streamed) = (estimate(&p), estimate(&Problem { streamed: true, ..p }));
        assert!(stored > 40e9 && streamed < 20e9, "stored {stored:e} B, streamed {streamed:e} B");
    }

    #[test]
    fn more_ranks_need_less_each_but_more_in_all() {
        let one = problem(40, false, false);
        let eight = Problem { proc_grid: [2; 3], ..one };
        assert!(estimate(&eight) < estimate(&one));
        assert!(8.0 * estimate(&eight) > estimate(&one), "halos cost extra");
    }

    #[test]
    fn the_refusal_names_both_sizes() {
        assert_eq!(refusal(1.0, 2.0), None);
        let msg = refusal(3.0 * GIB, 1.5 * GIB).unwrap();
        assert!(msg.contains("needs ~3.00 GiB") && msg.contains("1.50 GiB available: use fewer unit cells or more ranks"), "{msg}");
    }

    #[test]
    fn proc_fields_are_read() {
        assert_eq!(field_kib("MemTotal: 10 kB\nMemAvailable:    2 kB\n", "MemAvailable:"), Some(2048.0));
        let limits = "Limit Soft Hard Units\nMax address space         2147483648           unlimited            bytes\n";
        assert_eq!(address_space_limit(limits), Some(2147483648.0));
        assert_eq!(address_space_limit("Max address space  unlimited unlimited bytes\n"), None);
    }
}
