//! `comd._comd`: the Rust half of the Python package (the Python half is `python/comd/`).
//!
//! A thin layer over [`comd::session::Session`] — no second engine, no run loop of its own:
//! options arrive as the binary's command line (so they are checked by the same clap
//! definitions and fail with the same one-line messages), arrays leave as numpy arrays filled
//! in one pass in gid order, and stepping happens with the GIL released, polling Python's
//! signals between chunks of at most ~0.1 s on the calling thread.
//!
//! Errors become Python exceptions carrying the binary's line (`comd: error: …`):
//! `OSError` for files that cannot be found or read or written, `ValueError` for options and
//! inputs (the binary's usage errors, exit status 2), `RuntimeError` for a run that fails
//! (exit status 1). A Rust panic is caught at this boundary and raised as `RuntimeError`.

use comd::engine::{StartAtom, Structure};
use comd::error::UsageError;
use comd::session::{FileError, Session};
use numpy::ndarray::Array2;
use numpy::{PyArray1, PyArray2, PyReadonlyArray2};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// The binary's one-line message for `err`, as the matching Python exception.
fn to_py(err: anyhow::Error) -> PyErr {
    let msg = format!("comd: error: {err:#}");
    let io = err.chain().any(|e| e.is::<FileError>() || e.is::<std::io::Error>());
    if io {
        PyOSError::new_err(msg)
    } else if err.chain().any(|e| e.is::<UsageError>()) {
        PyValueError::new_err(msg)
    } else {
        PyRuntimeError::new_err(msg)
    }
}

/// Runs `f`, turning a panic into a `RuntimeError` (none should happen; none may cross).
fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let what = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
            Err(PyRuntimeError::new_err(format!("comd: internal error (please report): {what}")))
        }
    }
}

/// The run configuration of the command line `argv` (program name first), with the deck it
/// names applied; options the package does not run are refused, not ignored.
fn config(argv: Vec<String>) -> PyResult<comd::config::RunConfig> {
    let args = comd::cli::CommandLine::try_parse_from(&argv).map_err(|e| PyValueError::new_err(format!("comd: {}", comd::cli::error_line(&e))))?;
    let cli = args.resolve().map_err(to_py)?;
    let (w, v) = (&cli.workflow, &cli.viewer);
    let unsupported = [
        ("--viewer/--screenshot/--gif/--frames (use Simulation.render)", v.wants_window() || v.wants_capture()),
        ("--xyz/--lammps-dump (use positions or to_ase)", w.xyz.is_some() || w.lammps_dump.is_some()),
        ("--checkpoint (use Simulation.checkpoint)", w.checkpoint.is_some()),
        ("--plot (use the thermo array)", w.plot.is_some()),
        ("--dump-state (use positions)", cli.dump_state.is_some()),
    ];
    if let Some((what, _)) = unsupported.iter().find(|(_, on)| *on) {
        return Err(PyValueError::new_err(format!("comd: {what} is not available in the Python package")));
    }
    let mut cfg = comd::config::RunConfig::from_cli(&cli).map_err(to_py)?;
    cfg.yaml = comd::config::YamlTarget::Off;
    Ok(cfg)
}

/// Rows of an `(n, 3)` float64 array.
fn rows3(a: &PyReadonlyArray2<f64>, what: &str) -> PyResult<Vec<[f64; 3]>> {
    let v = a.as_array();
    if v.ncols() != 3 {
        return Err(PyValueError::new_err(format!("comd: {what} must have shape (n, 3), not {:?}", v.shape())));
    }
    Ok(v.rows().into_iter().map(|r| [r[0], r[1], r[2]]).collect())
}

/// A steppable comd-rs run (wrapped by `comd.Simulation`).
#[pyclass(module = "comd._comd")]
struct Engine {
    // a pyclass must be Sync; the engines are Send only. Methods that step take `&mut self`
    // (PyO3's borrow flag guards it) and reach the session without locking.
    s: Mutex<Session>,
}

impl Engine {
    fn of(s: Session) -> Engine {
        Engine { s: Mutex::new(s) }
    }
    fn get(&self) -> MutexGuard<'_, Session> {
        self.s.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn get_mut(&mut self) -> &mut Session {
        self.s.get_mut().unwrap_or_else(|e| e.into_inner())
    }
}

#[pymethods]
impl Engine {
    /// Builds the run of the command line `argv`; with `positions` (Å, absolute), `origin`
    /// and `lengths` (Å) from those atoms (ids 0..n), with `velocities` (Å/fs) if given
    /// (else Maxwell-Boltzmann velocities for the temperature).
    #[new]
    #[pyo3(signature = (argv, positions=None, origin=None, lengths=None, velocities=None, restart=None))]
    fn new(
        py: Python<'_>,
        argv: Vec<String>,
        positions: Option<PyReadonlyArray2<f64>>,
        origin: Option<[f64; 3]>,
        lengths: Option<[f64; 3]>,
        velocities: Option<PyReadonlyArray2<f64>>,
        restart: Option<PathBuf>,
    ) -> PyResult<Engine> {
        let mut cfg = config(argv)?;
        if let Some(path) = restart {
            cfg = comd::session::restart_config(cfg, &path).map_err(to_py)?;
        }
        let structure = match (positions, lengths) {
            (Some(r), Some(l)) => {
                let r = rows3(&r, "positions")?;
                let v = velocities.map(|m| rows3(&m, "velocities")).transpose()?;
                if v.as_ref().is_some_and(|v| v.len() != r.len()) {
                    return Err(PyValueError::new_err("comd: velocities and positions must have the same length"));
                }
                let p = v.as_ref().map(|_| [0.0; 3]);
                let atoms = r.iter().enumerate().map(|(i, r)| StartAtom { gid: i as i32, r: *r, p }).collect();
                Some((Structure { origin: origin.unwrap_or([0.0; 3]), lengths: l, atoms }, r, v))
            }
            (None, None) => None,
            _ => return Err(PyValueError::new_err("comd: a structure needs positions and a cell")),
        };
        py.detach(|| {
            guarded(|| match structure {
                None => Session::new(cfg, None).map_err(to_py).map(Engine::of),
                Some((st, r, v)) => {
                    let mut s = Session::new(cfg, Some(st)).map_err(to_py)?;
                    if let Some(v) = v {
                        // momenta need the potential's mass: set once the session has it
                        let m = s.mass();
                        let p: Vec<[f64; 3]> = v.iter().map(|v| v.map(|x| x * m)).collect();
                        s.set_state(&r, &p).map_err(to_py)?;
                    }
                    Ok(Engine::of(s))
                }
            })
        })
    }

    /// Advances up to `n` steps with the GIL released; Python's signal handlers run between
    /// chunks (a KeyboardInterrupt stops the run there and is raised). Returns steps taken.
    /// With `echo`, the screen output produced meanwhile is written to Python's `sys.stdout`
    /// between chunks (a notebook cell shows the rows as they come).
    #[pyo3(signature = (n, echo=false))]
    fn advance(&mut self, py: Python<'_>, n: u64, echo: bool) -> PyResult<u64> {
        let mut pending: Option<PyErr> = None;
        let s = self.get_mut();
        let taken = py.detach(|| {
            guarded(|| {
                let mut keep_going = |out: Vec<u8>| {
                    Python::attach(|py| {
                        let r = if echo && !out.is_empty() { write_stdout(py, &out) } else { Ok(()) };
                        match r.and_then(|_| py.check_signals()) {
                            Ok(()) => true,
                            Err(e) => {
                                pending = Some(e);
                                false
                            }
                        }
                    })
                };
                s.advance(n, &mut keep_going).map_err(to_py)
            })
        })?;
        match pending {
            Some(e) => Err(e),
            None => Ok(taken),
        }
    }

    /// The screen output since the last call (header, then thermo rows).
    fn take_output(&mut self) -> String {
        String::from_utf8_lossy(&self.get_mut().take_output()).into_owned()
    }

    /// Thermo rows as an `(n, 9)` float64 array: step, time, e_total, e_potential,
    /// e_kinetic, temperature, perf, n_atoms, pressure.
    fn thermo<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        let s = self.get();
        let rows = s.rows();
        let flat: Vec<f64> = rows
            .iter()
            .flat_map(|r| {
                let e = r.ensemble;
                let (target, conserved) = e.map_or((f64::NAN, f64::NAN), |e| (e.target_temp, e.conserved));
                let volume = e.and_then(|e| e.volume).unwrap_or(f64::NAN);
                [r.step as f64, r.time, r.e_total, r.e_potential, r.e_kinetic, r.temperature, r.perf, r.n_atoms as f64, r.pressure, target, conserved, volume]
            })
            .collect();
        PyArray2::from_owned_array(py, Array2::from_shape_vec((rows.len(), 12), flat).expect("12 columns"))
    }

    /// The thermo rows as the binary prints them.
    fn thermo_lines(&self) -> Vec<String> {
        self.get().rows().iter().map(comd::output::screen::thermo_row).collect()
    }

    #[getter]
    fn step(&self) -> u64 {
        self.get().step()
    }
    #[getter]
    fn dt(&self) -> f64 {
        self.get().config().dt
    }
    #[getter]
    fn print_rate(&self) -> u64 {
        self.get().config().print_rate
    }
    #[getter]
    fn n_atoms(&self) -> usize {
        self.get().n_atoms()
    }
    #[getter]
    fn energies(&self) -> PyResult<(f64, f64)> {
        self.get().energies().map_err(to_py)
    }
    #[getter]
    fn temperature(&self) -> PyResult<f64> {
        self.get().temperature().map_err(to_py)
    }
    #[getter]
    fn virial(&self) -> PyResult<[f64; 6]> {
        self.get().virial().map_err(to_py)
    }
    fn pressure(&mut self) -> PyResult<f64> {
        self.get_mut().pressure().map_err(to_py)
    }
    /// Lower corner and edge lengths of the box, Å.
    #[getter]
    fn cell(&self) -> ([f64; 3], [f64; 3]) {
        self.get().cell()
    }
    /// Atom mass, internal units (eV·fs²/Å²).
    #[getter]
    fn mass(&self) -> f64 {
        self.get().mass()
    }
    /// Atom mass in amu.
    #[getter]
    fn mass_amu(&self) -> f64 {
        self.get().mass() / comd::constants::amu_to_internal_mass()
    }
    #[getter]
    fn cutoff(&self) -> f64 {
        self.get().potential().cutoff()
    }

    /// Per-atom arrays in gid order, in one pass: ids, positions (Å), momenta (internal
    /// units), forces (eV/Å), energies (eV).
    fn arrays<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyArray1<i64>>, Bound<'py, PyArray2<f64>>, Bound<'py, PyArray2<f64>>, Bound<'py, PyArray2<f64>>, Bound<'py, PyArray1<f64>>)> {
        let (recs, u_unit) = {
            let mut s = self.get();
            (s.records().map_err(to_py)?, s.potential().u_unit()) // records hold CoMD's U unit
        };
        let n = recs.len();
        let (mut ids, mut r, mut p, mut f, mut u) = (Vec::with_capacity(n), Vec::with_capacity(3 * n), Vec::with_capacity(3 * n), Vec::with_capacity(3 * n), Vec::with_capacity(n));
        for a in &recs {
            ids.push(a.gid as i64);
            r.extend_from_slice(&a.r);
            p.extend_from_slice(&a.p);
            f.extend_from_slice(&a.f);
            u.push(a.u * u_unit);
        }
        let m = |v: Vec<f64>| PyArray2::from_owned_array(py, Array2::from_shape_vec((n, 3), v).expect("3 columns"));
        Ok((PyArray1::from_vec(py, ids), m(r), m(p), m(f), PyArray1::from_vec(py, u)))
    }

    /// Positions only (Å, gid order): the cheap read.
    fn positions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let r = {
            let mut s = self.get();
            match s.positions_flat() {
                Some(r) => r,
                None => s.records().map_err(to_py)?.iter().flat_map(|a| a.r).collect(),
            }
        };
        let n = r.len() / 3;
        Ok(PyArray2::from_owned_array(py, Array2::from_shape_vec((n, 3), r).expect("3 columns")))
    }

    /// Replaces positions (Å) and momenta (internal units), gid order; forces recomputed.
    fn set_state(&mut self, py: Python<'_>, positions: PyReadonlyArray2<f64>, momenta: PyReadonlyArray2<f64>) -> PyResult<()> {
        let (r, p) = (rows3(&positions, "positions")?, rows3(&momenta, "velocities")?);
        let s = self.get_mut();
        py.detach(|| guarded(|| s.set_state(&r, &p).map_err(to_py)))
    }

    /// Writes a checkpoint (the binary's `--restart` format).
    fn checkpoint(&mut self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let s = self.get_mut();
        py.detach(|| guarded(|| s.checkpoint(&path).map_err(to_py)))
    }

    /// An RGBA image `(height, width, 4)` uint8 of the current state, from the offscreen
    /// renderer; `view` is "AZIMUTH,ELEVATION,ZOOM" and `color` "ke", "pe" or "rank".
    #[pyo3(signature = (width=640, height=400, view=None, color="ke"))]
    fn render<'py>(&mut self, py: Python<'py>, width: u32, height: u32, view: Option<String>, color: &str) -> PyResult<Bound<'py, numpy::PyArray3<u8>>> {
        let mut argv = vec!["comd".to_string(), format!("--size={width}x{height}"), format!("--color={color}")];
        if let Some(v) = view {
            argv.push(format!("--view={v}"));
        }
        let cli = comd::cli::CommandLine::try_parse_from(&argv).map_err(|e| PyValueError::new_err(format!("comd: {}", comd::cli::error_line(&e))))?;
        let cli = cli.resolve().map_err(to_py)?;
        cli.viewer.validate().map_err(|e| PyValueError::new_err(format!("comd: {e}")))?;
        let snap = self.get_mut().frame().map_err(to_py)?.snapshot();
        let (w, h, pixels) = py.detach(|| {
            guarded(|| {
                let mut cap = comd::capture::OffscreenCapture::new(&cli.viewer).map_err(|e| PyRuntimeError::new_err(format!("comd: error: offscreen capture: {e}")))?;
                let img = cap.render(&snap).map_err(|e| PyRuntimeError::new_err(format!("comd: error: offscreen capture: {e}")))?;
                Ok(img_parts(img))
            })
        })?;
        let a = numpy::ndarray::Array3::from_shape_vec((h as usize, w as usize, 4), pixels).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        Ok(numpy::PyArray3::from_owned_array(py, a))
    }
}

/// Writes `out` to Python's `sys.stdout`.
fn write_stdout(py: Python<'_>, out: &[u8]) -> PyResult<()> {
    let stdout = py.import("sys")?.getattr("stdout")?;
    stdout.call_method1("write", (String::from_utf8_lossy(out),))?;
    stdout.call_method0("flush")?;
    Ok(())
}

/// Width, height and RGBA bytes of an image.
fn img_parts(img: comd::render::Image) -> (u32, u32, Vec<u8>) {
    (img.width, img.height, img.rgba)
}

/// Runs the `comd` command line `argv` (program name first) as the binary does: its output on
/// this process's stdout and stderr; returns the exit status.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> PyResult<u8> {
    py.detach(|| guarded(|| Ok(comd::app::main(argv))))
}

/// The compiled half of the `comd` package.
#[pymodule]
fn _comd(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add("KB_EV", comd::constants::KB_EV)?;
    m.add("AMU_TO_INTERNAL_MASS", comd::constants::amu_to_internal_mass())?;
    Ok(())
}
