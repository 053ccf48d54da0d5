//! Chemical element symbols, used to name the species of an EAM file.

/// Symbols of elements 1 (H) to 118 (Og); index = atomic number - 1.
const SYMBOLS: [&str; 118] = [
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl",
    "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As",
    "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In",
    "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb",
    "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl",
    "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk",
    "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh",
    "Fl", "Mc", "Lv", "Ts", "Og",
];

/// The symbol of the element with atomic number `z`, if there is one.
pub fn symbol_of(z: i64) -> Option<&'static str> {
    usize::try_from(z)
        .ok()
        .and_then(|z| z.checked_sub(1))
        .and_then(|i| SYMBOLS.get(i))
        .copied()
}

/// Whether `s` is an element symbol, spelled exactly (`Cu`, not `CU` or `cu`).
pub fn is_symbol(s: &str) -> bool {
    SYMBOLS.contains(&s)
}

/// The species name: `candidate` if it is an element symbol, otherwise the symbol of atomic
/// number `z`, otherwise the empty string (CoMD prints an empty name for setfl files too).
pub fn species_name(candidate: Option<&str>, z: i64) -> String {
    match candidate {
        Some(c) if is_symbol(c) => c.to_string(),
        _ => symbol_of(z).unwrap_or("").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn lookups() {
        assert_eq!(symbol_of(29), Some("Cu"));
        assert_eq!(symbol_of(1), Some("H"));
        assert_eq!(symbol_of(118), Some("Og"));
        assert_eq!(symbol_of(0), None);
        assert_eq!(symbol_of(-5), None);
        assert_eq!(symbol_of(119), None);
        assert!(is_symbol("Cu") && !is_symbol("DATE:") && !is_symbol("cu"));
        assert_eq!(species_name(Some("DATE:"), 29), "Cu");
        assert_eq!(species_name(Some("Al"), 29), "Al");
        assert_eq!(species_name(None, 1000), "");
    }
}
