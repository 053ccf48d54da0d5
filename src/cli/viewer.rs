//! Command-line flags of the live viewer and of offscreen capture.
//!
//! This file compiles with or without the `viewer` feature: it names no wgpu or winit type,
//! so the main CLI can always flatten [`ViewerArgs`] and give a clear message ("built
//! without the viewer feature") instead of an "unknown flag" error. Parsing is split the
//! ripgrep way: clap turns each flag into a typed value ([`ViewSpec`], [`Size`], enums), and
//! [`ViewerArgs::validate`] checks what clap cannot (ranges, file extensions, writable
//! directories) before the simulation starts, so a typo never costs a long run.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Quantity used to colour the atoms.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorBy {
    /// Kinetic energy per atom (blue = cold, red = hot).
    #[default]
    Ke,
    /// Potential energy per atom.
    Pe,
    /// MPI rank that owns the atom.
    Rank,
    /// Adaptive common neighbour analysis class (FCC, HCP, BCC, ICO, other; OVITO's colours).
    Structure,
}

impl ColorBy {
    /// The next colouring in the cycle ke → pe → rank → structure → ke (the viewer's `c` key).
    pub fn next(self) -> Self {
        match self {
            ColorBy::Ke => ColorBy::Pe,
            ColorBy::Pe => ColorBy::Rank,
            ColorBy::Rank => ColorBy::Structure,
            ColorBy::Structure => ColorBy::Ke,
        }
    }
    /// Short label shown next to the colour legend.
    pub fn label(self) -> &'static str {
        match self {
            ColorBy::Ke => "KINETIC EV",
            ColorBy::Pe => "POTENTIAL EV",
            ColorBy::Rank => "MPI RANK",
            ColorBy::Structure => "A-CNA STRUCTURE",
        }
    }
}

/// How atoms are drawn.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RenderMode {
    /// Shaded sphere impostors with exact depth (best looking).
    Spheres,
    /// Small flat quads without per-pixel depth (cheap, for very large systems).
    Points,
    /// Spheres up to a size threshold, points above it.
    #[default]
    Auto,
}

/// Initial camera: azimuth and elevation in degrees, and a zoom factor (1 = box fits).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewSpec {
    /// Rotation about the vertical axis, degrees.
    pub azimuth_deg: f32,
    /// Angle above the horizontal plane, degrees, in [-90, 90].
    pub elevation_deg: f32,
    /// Magnification relative to "whole box fits in the frame"; > 0.
    pub zoom: f32,
}

impl Default for ViewSpec {
    fn default() -> Self {
        ViewSpec {
            azimuth_deg: 35.0,
            elevation_deg: 25.0,
            zoom: 1.0,
        }
    }
}

impl FromStr for ViewSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(format!("expected AZ,EL or AZ,EL,ZOOM (degrees), got '{s}'"));
        }
        let num = |t: &str, what: &str| {
            t.parse::<f32>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("{what} '{t}' is not a number"))
        };
        let view = ViewSpec {
            azimuth_deg: num(parts[0], "azimuth")?,
            elevation_deg: num(parts[1], "elevation")?,
            zoom: if parts.len() == 3 {
                num(parts[2], "zoom")?
            } else {
                1.0
            },
        };
        if !(-90.0..=90.0).contains(&view.elevation_deg) {
            return Err(format!(
                "elevation {} is outside [-90, 90]",
                view.elevation_deg
            ));
        }
        if view.zoom <= 0.0 {
            return Err(format!("zoom {} must be > 0", view.zoom));
        }
        Ok(view)
    }
}

/// A slab of the crystal to show alone, like OVITO's Slice modifier: atoms whose coordinate
/// along `axis` lies within `width / 2` of `pos` (Å from the box origin, periodic).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slice {
    /// Normal of the slab: 0 = x, 1 = y, 2 = z.
    pub axis: usize,
    /// Centre of the slab, Å from the box's lower corner.
    pub pos: f32,
    /// Full width of the slab, Å; > 0.
    pub width: f32,
}

impl Slice {
    /// Whether an atom at `r` (wrapped into the box `lo..hi`) lies in the slab; distances
    /// along the axis are periodic, so a slab across the box's face shows both sides.
    pub fn contains(&self, r: [f32; 3], lo: [f32; 3], hi: [f32; 3]) -> bool {
        let k = self.axis;
        let l = hi[k] - lo[k];
        let mut d = (r[k] - lo[k] - self.pos).rem_euclid(l.max(f32::MIN_POSITIVE));
        if d > 0.5 * l {
            d = l - d;
        }
        d <= 0.5 * self.width
    }

    /// "SLICE X 10.8 A WIDTH 4.0 A": the overlay's description.
    pub fn describe(&self) -> String {
        format!("SLICE {} {:.1} A WIDTH {:.1} A", ["X", "Y", "Z"][self.axis], self.pos, self.width)
    }
}

impl FromStr for Slice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        let [axis, pos, width] = parts[..] else {
            return Err(format!("expected AXIS,POS,WIDTH such as z,10.8,4 (Å), got '{s}'"));
        };
        let axis = match axis {
            "x" | "X" => 0,
            "y" | "Y" => 1,
            "z" | "Z" => 2,
            _ => return Err(format!("axis '{axis}' must be x, y or z")),
        };
        let num = |t: &str, what: &str| {
            t.parse::<f32>().ok().filter(|v| v.is_finite()).ok_or_else(|| format!("{what} '{t}' is not a number"))
        };
        let slice = Slice { axis, pos: num(pos, "position")?, width: num(width, "width")? };
        if slice.width <= 0.0 {
            return Err(format!("width {} must be > 0 Å", slice.width));
        }
        Ok(slice)
    }
}

/// Image size in pixels, written `WxH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
}

impl Size {
    /// Largest accepted side: wgpu's default `max_texture_dimension_2d`.
    pub const MAX_SIDE: u32 = 8192;
}

impl Default for Size {
    fn default() -> Self {
        Size {
            width: 1280,
            height: 720,
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

impl FromStr for Size {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (w, h) = s
            .split_once(['x', 'X'])
            .ok_or_else(|| format!("expected WIDTHxHEIGHT such as 1280x720, got '{s}'"))?;
        let side = |t: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("'{t}' is not a pixel count"))
        };
        let size = Size {
            width: side(w)?,
            height: side(h)?,
        };
        let ok = 16..=Size::MAX_SIDE;
        if !ok.contains(&size.width) || !ok.contains(&size.height) {
            return Err(format!(
                "each side must be in 16..={}, got {size}",
                Size::MAX_SIDE
            ));
        }
        Ok(size)
    }
}

/// Viewer and capture flags, flattened into the main CLI (`#[command(flatten)]`).
///
/// `Default` matches the clap defaults (no window, no capture, `--gif-every 10`).
#[derive(clap::Args, Debug, Clone)]
pub struct ViewerArgs {
    /// Open a live 3-D window of the running simulation (needs a display; `h` lists keys).
    #[arg(long, help_heading = "Viewer")]
    pub viewer: bool,

    /// Write a PNG of the final state to PATH (rendered offscreen, no display needed).
    #[arg(long, value_name = "PATH", help_heading = "Viewer")]
    pub screenshot: Option<PathBuf>,

    /// Record an animated GIF of the run to PATH (one frame every --gif-every steps).
    #[arg(long, value_name = "PATH", help_heading = "Viewer")]
    pub gif: Option<PathBuf>,

    /// Time steps between two GIF frames.
    #[arg(long, value_name = "K", default_value_t = 10, help_heading = "Viewer")]
    pub gif_every: u64,

    /// Write numbered PNG frames (frame-00000.png, ...) into DIR (created if missing).
    #[arg(long, value_name = "DIR", help_heading = "Viewer")]
    pub frames: Option<PathBuf>,

    /// Time steps between two --frames images [default: --gif-every].
    #[arg(long, value_name = "K", help_heading = "Viewer")]
    pub frames_every: Option<u64>,

    /// Initial camera: azimuth,elevation in degrees and optional zoom, e.g. 35,25 or 0,90,2.
    #[arg(long, value_name = "AZ,EL[,ZOOM]", help_heading = "Viewer")]
    pub view: Option<ViewSpec>,

    /// Colour atoms by kinetic or potential energy, MPI rank or a-CNA structure class.
    #[arg(long, value_enum, default_value_t = ColorBy::Ke, help_heading = "Viewer")]
    pub color: ColorBy,

    /// Show only a slab: normal x, y or z, centre POS and full WIDTH in Å from the box origin.
    #[arg(long, value_name = "AXIS,POS,WIDTH", help_heading = "Viewer")]
    pub slice: Option<Slice>,

    /// Draw the strip chart (temperature, energies, pressure over the last rows) in captures.
    #[arg(long, help_heading = "Viewer")]
    pub strip_chart: bool,

    /// Size of offscreen images (--screenshot, --gif, --frames), WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value_t = Size::default(), help_heading = "Viewer")]
    pub size: Size,

    /// Atom drawing: shaded spheres, cheap points, or auto (points above ~100k atoms).
    #[arg(long, value_enum, default_value_t = RenderMode::Auto, help_heading = "Viewer")]
    pub render_mode: RenderMode,
}

impl Default for ViewerArgs {
    fn default() -> Self {
        ViewerArgs {
            viewer: false,
            screenshot: None,
            gif: None,
            gif_every: 10,
            frames: None,
            frames_every: None,
            view: None,
            color: ColorBy::default(),
            slice: None,
            strip_chart: false,
            size: Size::default(),
            render_mode: RenderMode::default(),
        }
    }
}

impl ViewerArgs {
    /// True when any offscreen output (`--screenshot`, `--gif`, `--frames`) was asked for.
    pub fn wants_capture(&self) -> bool {
        self.screenshot.is_some() || self.gif.is_some() || self.frames.is_some()
    }

    /// True when a live window was asked for (`--viewer`).
    pub fn wants_window(&self) -> bool {
        self.viewer
    }

    /// Steps between two `--frames` images.
    pub fn frames_every(&self) -> u64 {
        self.frames_every.unwrap_or(self.gif_every)
    }

    /// The initial camera, `--view` or the default three-quarter view.
    pub fn view(&self) -> ViewSpec {
        self.view.unwrap_or_default()
    }

    /// On the command line: flags that shape a picture need a picture to shape (a library
    /// caller that renders, such as Python's `render`, has one without these flags).
    ///
    /// # Errors
    /// A one-line message naming the flag and the outputs it needs.
    pub fn validate_command_line(&self) -> Result<(), String> {
        let shaping = [("--slice", self.slice.is_some()), ("--strip-chart", self.strip_chart), ("--view", self.view.is_some())];
        if let (Some((flag, _)), false) = (shaping.iter().find(|f| f.1), self.wants_window() || self.wants_capture()) {
            return Err(format!("{flag} changes pictures only: add --viewer, --screenshot, --gif or --frames"));
        }
        self.validate()
    }

    /// Checks everything that would otherwise fail after (or in the middle of) a run.
    ///
    /// # Errors
    /// A one-line message naming the flag and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        if (self.wants_window() || self.wants_capture()) && !cfg!(feature = "viewer") {
            return Err(
                "--viewer/--screenshot/--gif/--frames need comd built with the `viewer` \
                        feature (cargo build --release --features viewer)"
                    .into(),
            );
        }
        if self.gif_every == 0 {
            return Err("--gif-every must be at least 1 (time steps between GIF frames)".into());
        }
        if self.frames_every == Some(0) {
            return Err("--frames-every must be at least 1 (time steps between PNG frames)".into());
        }
        if let Some(v) = &self.view {
            // Values built in code bypass clap's parser, so re-check them here.
            ViewSpec::from_str(&format!("{},{},{}", v.azimuth_deg, v.elevation_deg, v.zoom))
                .map_err(|e| format!("--view: {e}"))?;
        }
        if let Some(sl) = &self.slice {
            Slice::from_str(&format!("{},{},{}", ["x", "y", "z"][sl.axis.min(2)], sl.pos, sl.width))
                .map_err(|e| format!("--slice: {e}"))?;
        }
        let ok = 16..=Size::MAX_SIDE;
        if !ok.contains(&self.size.width) || !ok.contains(&self.size.height) {
            return Err(format!(
                "--size: each side must be in 16..={}",
                Size::MAX_SIDE
            ));
        }
        if let Some(p) = &self.screenshot {
            check_output_file("--screenshot", p, "png")?;
        }
        if let Some(p) = &self.gif {
            check_output_file("--gif", p, "gif")?;
        }
        if let Some(dir) = &self.frames {
            check_output_dir("--frames", dir)?;
        }
        Ok(())
    }
}

/// `path` must end in `.ext` and its directory must exist and accept new files.
fn check_output_file(flag: &str, path: &Path, ext: &str) -> Result<(), String> {
    let has_ext = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext));
    if !has_ext {
        return Err(format!("{flag}: '{}' must end in .{ext}", path.display()));
    }
    if path.is_dir() {
        return Err(format!(
            "{flag}: '{}' is a directory, expected a file name",
            path.display()
        ));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(format!(
            "{flag}: directory '{}' does not exist",
            parent.display()
        ));
    }
    probe_writable(parent)
        .map_err(|e| format!("{flag}: cannot write in '{}': {e}", parent.display()))
}

/// `dir` must be a writable directory, or not exist yet with a writable parent.
fn check_output_dir(flag: &str, dir: &Path) -> Result<(), String> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(format!(
                "{flag}: '{}' exists and is not a directory",
                dir.display()
            ));
        }
        return probe_writable(dir)
            .map_err(|e| format!("{flag}: cannot write in '{}': {e}", dir.display()));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(format!(
            "{flag}: parent directory '{}' does not exist",
            parent.display()
        ));
    }
    probe_writable(parent).map_err(|e| format!("{flag}: cannot create '{}': {e}", dir.display()))
}

/// Creates and removes a hidden file: the only reliable test (permission bits lie for root
/// and for read-only mounts).
fn probe_writable(dir: &Path) -> Result<(), std::io::Error> {
    let probe = dir.join(format!(".comd-write-test-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

#[cfg(test)]
mod tests;
