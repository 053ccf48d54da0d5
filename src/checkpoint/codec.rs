//! Byte layout of a checkpoint (see the table in [`crate::checkpoint`]). Decoding never
//! panics and never allocates more than the file's size justifies: every problem is a
//! sentence for the user.

use super::{Checkpoint, RunFlags, MAGIC, VERSION};
use crate::records::AtomRecord;

/// FNV-1a, 64 bits.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

const ATOM_BYTES: usize = 4 + 13 * 8 + 3 * 4;
const MAX_NAME: usize = 4096;

struct W(Vec<u8>);

impl W {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i32(&mut self, v: i32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
}

/// The bytes of a checkpoint.
pub fn encode(ck: &Checkpoint) -> Vec<u8> {
    let mut w = W(Vec::with_capacity(256 + ck.atoms.len() * ATOM_BYTES));
    w.0.extend_from_slice(MAGIC);
    w.u32(VERSION);
    w.u64(ck.step);
    let f = &ck.flags;
    w.u8(u8::from(f.doeam));
    w.u8(f.pot_type);
    w.u32(f.pot_name.len() as u32);
    w.0.extend_from_slice(f.pot_name.as_bytes());
    w.u64(f.table_hash);
    f.n_cells.iter().for_each(|&v| w.u64(v));
    for v in [f.lat_arg, f.dt, f.temp, f.delta] {
        w.f64(v);
    }
    w.u8(u8::from(f.exact));
    f.proc_grid.iter().for_each(|&v| w.u64(v));
    w.u8(u8::from(f.seed.is_some()));
    w.u64(f.seed.unwrap_or(0));
    w.u32(f.ensemble.len() as u32);
    w.0.extend_from_slice(f.ensemble.as_bytes());
    w.f64(ck.e_initial);
    w.u64(ck.n_initial as u64);
    w.f64(ck.e_potential);
    w.f64(ck.e_kinetic);
    ck.box_max.iter().for_each(|&v| w.f64(v));
    w.u32(ck.ensemble.len() as u32);
    ck.ensemble.iter().for_each(|&v| w.f64(v));
    w.u64(ck.atoms.len() as u64);
    for a in &ck.atoms {
        w.i32(a.gid);
        for v in a.r.iter().chain(&a.p).chain(&a.f).chain(std::iter::once(&a.u)).chain(&a.r_ref) {
            w.f64(*v);
        }
        a.image.iter().for_each(|&v| w.i32(v));
    }
    let sum = fnv1a(&w.0);
    w.u64(sum);
    w.0
}

struct R<'a> {
    b: &'a [u8],
    pos: usize,
}

impl R<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| format!("truncated: the file ends after {} bytes, inside its header", self.b.len()))?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn arr<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.arr::<1>()?[0])
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.arr()?))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.arr()?))
    }
    fn i32(&mut self) -> Result<i32, String> {
        Ok(i32::from_le_bytes(self.arr()?))
    }
    fn f64(&mut self) -> Result<f64, String> {
        Ok(f64::from_le_bytes(self.arr()?))
    }
    fn bool(&mut self) -> Result<bool, String> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(format!("corrupted: a flag byte is {v}")),
        }
    }
}

/// Parses and checks checkpoint bytes.
pub fn decode(b: &[u8]) -> Result<Checkpoint, String> {
    if b.len() < 12 || &b[..8] != MAGIC {
        return Err(if b.len() < 8 && MAGIC.starts_with(b) {
            "truncated: not even a checkpoint header".into()
        } else {
            "not a comd-rs checkpoint (wrong magic bytes)".into()
        });
    }
    let mut r = R { b, pos: 8 };
    let version = r.u32()?;
    if version < VERSION {
        return Err(format!("written by an older comd-rs (checkpoint format {version}; this one reads format {VERSION}, which adds the ensemble's state): rerun from the start"));
    }
    if version != VERSION {
        return Err(format!("checkpoint format version {version}; this comd-rs reads version {VERSION}"));
    }
    let step = r.u64()?;
    let doeam = r.bool()?;
    let pot_type = r.u8()?;
    let n = r.u32()? as usize;
    if n > MAX_NAME {
        return Err(format!("corrupted: a potential file name of {n} bytes"));
    }
    let pot_name = String::from_utf8(r.take(n)?.to_vec()).map_err(|_| "corrupted: the potential file name is not UTF-8".to_string())?;
    let table_hash = r.u64()?;
    let n_cells = [r.u64()?, r.u64()?, r.u64()?];
    let (lat_arg, dt, temp, delta) = (r.f64()?, r.f64()?, r.f64()?, r.f64()?);
    let exact = r.bool()?;
    let proc_grid = [r.u64()?, r.u64()?, r.u64()?];
    let has_seed = r.bool()?;
    let seed = r.u64()?;
    let n = r.u32()? as usize;
    if n > MAX_NAME {
        return Err(format!("corrupted: an ensemble description of {n} bytes"));
    }
    let ensemble = String::from_utf8(r.take(n)?.to_vec()).map_err(|_| "corrupted: the ensemble description is not UTF-8".to_string())?;
    let flags = RunFlags { doeam, pot_type, pot_name, table_hash, n_cells, lat_arg, dt, temp, delta, exact, proc_grid, seed: has_seed.then_some(seed), ensemble };
    let e_initial = r.f64()?;
    let n_initial = r.u64()? as i64;
    let (e_potential, e_kinetic) = (r.f64()?, r.f64()?);
    let box_max = [r.f64()?, r.f64()?, r.f64()?];
    let n_state = r.u32()? as usize;
    if n_state > 1024 {
        return Err(format!("corrupted: an ensemble state of {n_state} numbers"));
    }
    let ensemble = (0..n_state).map(|_| r.f64()).collect::<Result<Vec<f64>, String>>()?;
    let n_atoms = r.u64()?;
    let expected = (n_atoms as u128) * ATOM_BYTES as u128 + r.pos as u128 + 8;
    if (b.len() as u128) < expected {
        return Err(format!("truncated: {} bytes, but its header announces {n_atoms} atoms ({expected} bytes)", b.len()));
    }
    if (b.len() as u128) > expected {
        return Err(format!("corrupted: {} bytes, but its header announces {n_atoms} atoms ({expected} bytes)", b.len()));
    }
    let body = b.len() - 8;
    let stored = u64::from_le_bytes(b[body..].try_into().map_err(|_| "truncated".to_string())?);
    if fnv1a(&b[..body]) != stored {
        return Err("corrupted: checksum mismatch (the file was altered or damaged)".into());
    }
    let mut atoms = Vec::with_capacity(n_atoms as usize);
    for _ in 0..n_atoms {
        let gid = r.i32()?;
        let mut v = [0.0; 13];
        for x in v.iter_mut() {
            *x = r.f64()?;
        }
        let image = [r.i32()?, r.i32()?, r.i32()?];
        atoms.push(AtomRecord { gid, cell: 0, r: [v[0], v[1], v[2]], p: [v[3], v[4], v[5]], f: [v[6], v[7], v[8]], u: v[9], image, r_ref: [v[10], v[11], v[12]] });
    }
    let ck = Checkpoint { flags, step, e_initial, n_initial, e_potential, e_kinetic, box_max, ensemble, atoms };
    check(&ck)?;
    Ok(ck)
}

/// Consistency of a checkpoint whose checksum matched (a hand-made or buggy file).
fn check(ck: &Checkpoint) -> Result<(), String> {
    let bad = |what: &str| Err(format!("inconsistent: {what}"));
    if ck.flags.pot_type > 1 {
        return bad("unknown EAM table format");
    }
    if ![ck.e_initial, ck.e_potential, ck.e_kinetic].iter().all(|v| v.is_finite()) {
        return bad("an energy is not finite");
    }
    if !ck.box_max.iter().all(|&l| l.is_finite() && l > 0.0) {
        return bad("the box is not a positive size");
    }
    if ck.atoms.len() as i64 != ck.n_initial {
        return bad("its atom count differs from the initial atom count");
    }
    // ids increase (a structure's may have gaps); positions are near the box: the default
    // path wraps them only at list rebuilds, so they may lie a little outside
    for (k, a) in ck.atoms.iter().enumerate() {
        if a.gid < 0 || (k > 0 && a.gid <= ck.atoms[k - 1].gid) {
            return bad("atom ids are not increasing");
        }
        if !a.r.iter().chain(&a.p).chain(&a.f).chain(std::iter::once(&a.u)).all(|v| v.is_finite()) {
            return Err(format!("inconsistent: atom {} has a non-finite value", a.gid));
        }
        if (0..3).any(|d| !(a.r[d] >= -ck.box_max[d] && a.r[d] < 2.0 * ck.box_max[d])) {
            return Err(format!("inconsistent: atom {} lies outside the box", a.gid));
        }
    }
    Ok(())
}
