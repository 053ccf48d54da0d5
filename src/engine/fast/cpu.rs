//! What the CPU can do, asked once where a kernel is chosen.

/// Whether the CPU has AVX2 (always false off x86-64).
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Whether the CPU has AVX-512F and VL (the list build's scan compresses 256-bit vectors),
/// and what `#[target_feature(enable = "avx512f")]` implies besides AVX2 (FMA and F16C:
/// every AVX-512F CPU has them, but the kernels' contract is checked, not assumed; always
/// false off x86-64).
pub fn has_avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::is_x86_feature_detected as has;
        has!("avx512f") && has!("avx512vl") && has!("fma") && has!("f16c")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The widest build of the force kernels this CPU runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    /// Plain Rust (SSE2 on x86-64).
    Portable,
    /// AVX2 intrinsics, four doubles per instruction.
    Avx2,
    /// AVX-512F and VL intrinsics, eight doubles per instruction.
    Avx512,
}

impl Isa {
    /// Every build, narrowest first.
    pub const ALL: [Isa; 3] = [Isa::Portable, Isa::Avx2, Isa::Avx512];

    /// Whether this CPU runs the build.
    pub fn runs(self) -> bool {
        match self {
            Isa::Portable => true,
            Isa::Avx2 => has_avx2(),
            Isa::Avx512 => has_avx2() && has_avx512(),
        }
    }

    /// The widest build this CPU runs.
    pub fn detect() -> Isa {
        Isa::ALL.into_iter().rev().find(|isa| isa.runs()).unwrap_or(Isa::Portable)
    }
}
