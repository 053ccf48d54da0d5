//! The one-rank communicator (CoMD `parallel.c` built without `DO_MPI`).

use super::{Comm, Packed};

/// A single rank that is its own neighbour on every face.
#[derive(Debug, Default)]
pub struct Serial {
    bytes_sent: u64,
}

impl Serial {
    /// A new one-rank communicator.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Comm for Serial {
    fn rank(&self) -> usize {
        0
    }
    fn size(&self) -> usize {
        1
    }
    fn describe(&self) -> String {
        "none".to_string()
    }
    fn exchange(&mut self, minus: usize, plus: usize, to_minus: Packed, to_plus: Packed) -> (Packed, Packed) {
        assert!(minus == 0 && plus == 0, "serial exchange with rank {minus}/{plus}");
        self.bytes_sent += (to_minus.n_bytes() + to_plus.n_bytes()) as u64;
        // What I send to my minus side arrives at my plus side, and vice versa.
        (to_plus, to_minus)
    }
    fn sum_f64(&mut self, _values: &mut [f64]) {}
    fn sum_i64(&mut self, _values: &mut [i64]) {}
    fn max_i64(&mut self, _values: &mut [i64]) {}
    fn all_gather_f64(&mut self, value: f64) -> Vec<f64> {
        vec![value]
    }
    fn broadcast_bytes(&mut self, _root: usize, _bytes: &mut Vec<u8>) {}
    fn gather_bytes(&mut self, _root: usize, bytes: &[u8]) -> Vec<Vec<u8>> {
        vec![bytes.to_vec()]
    }
    fn barrier(&mut self) {}
    fn bytes_sent(&self) -> u64 {
        self.bytes_sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn self_exchange_swaps_faces() {
        let mut c = Serial::new();
        let m = Packed { ints: vec![1], reals: vec![1.0] };
        let p = Packed { ints: vec![2, 3], reals: vec![] };
        let (from_m, from_p) = c.exchange(0, 0, m.clone(), p.clone());
        assert_eq!(from_m, p);
        assert_eq!(from_p, m);
        assert_eq!(c.bytes_sent(), 4 + 8 + 8);
    }
}
