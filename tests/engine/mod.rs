//! The engines: CoMD's reference tables and dumps (`--exact`), the default path against
//! `--exact` and the O(N²) oracle, thread independence, energy conservation.
mod fast_path;
mod oracle;
mod reference;
