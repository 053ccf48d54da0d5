//! Units and physical constants (spec §3).
//!
//! Units: length Å, energy eV, time fs, force eV/Å, temperature K. Masses are stored in
//! "internal" units of eV·fs²/Å², obtained from amu by [`AMU_TO_INTERNAL_MASS`].

use crate::types::Real;

/// Boltzmann's constant in eV/K.
pub const KB_EV: Real = 8.6173324e-5;
/// One eV/Å³ in GPa (pressures and stresses).
pub const EV_PER_A3_IN_GPA: Real = 160.21766208;
/// Hartree in eV (used to build funcfl pair tables).
pub const HARTREE_TO_EV: Real = 27.21138505;
/// Bohr radius in Å (used to build funcfl pair tables).
pub const BOHR_TO_ANGS: Real = 0.52917721092;

/// amu → eV·fs²/Å², evaluated left to right exactly as CoMD writes it
/// (`1.660538921e-27 * 1.0e-10 * 1.0e-10 / (1.0e-15 * 1.0e-15 * 1.602176565e-19)`).
pub fn amu_to_internal_mass() -> Real {
    1.660538921e-27 * 1.0e-10 * 1.0e-10 / (1.0e-15 * 1.0e-15 * 1.602176565e-19)
}

/// Fixed number of atom slots per link cell in CoMD (`MAXATOMS`). comd-rs starts with this
/// capacity and grows it when a cell fills up; it is still printed as CoMD prints it.
pub const MAXATOMS: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn amu_conversion_is_bit_exact() {
        // spec §3: double 0x1.9e921dd37dc65p+6
        assert_eq!(amu_to_internal_mass().to_bits(), 0x4059e921dd37dc65);
        assert_eq!(63.55 * amu_to_internal_mass(), 6586.493070415743);
    }
}
