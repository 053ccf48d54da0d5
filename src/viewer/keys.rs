//! Key bindings of the window, as data: one table ([`BINDINGS`]) drives the dispatch
//! ([`action_for`]), the `h` help and the key table in the README, and a unit test checks
//! that no key is bound twice and that the README shows exactly this table.

use winit::keyboard::{Key, NamedKey};

/// Something the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Close the window and stop the run (it finishes the step and writes its reports).
    Quit,
    /// Back to the initial camera.
    ResetView,
    /// Toggle orthographic / perspective projection.
    ToggleOrtho,
    /// Toggle the periodic box outline.
    ToggleBox,
    /// Next colouring (kinetic → potential → rank → structure).
    CycleColor,
    /// Pause or resume the simulation.
    TogglePause,
    /// Advance a paused simulation by one step.
    Step,
    /// Less throttle delay per step.
    Faster,
    /// More throttle delay per step.
    Slower,
    /// Save a PNG of the window contents.
    Screenshot,
    /// Start or stop recording a GIF.
    ToggleGif,
    /// Show or hide the key list.
    Help,
    /// Lower the thermostat's target by [`TARGET_STEP_K`].
    Cooler,
    /// Raise the thermostat's target by [`TARGET_STEP_K`].
    Hotter,
    /// Show or hide the strip chart of temperature, energies and pressure.
    ToggleChart,
    /// Slice normal to x, y or z (0, 1, 2); the same axis again shows everything.
    Slice(usize),
    /// Move the slice by [`SLICE_STEP_A`] towards lower (`false`) or higher (`true`) positions.
    MoveSlice(bool),
    /// Widen (`true`) or narrow (`false`) the slice by [`SLICE_WIDEN`].
    WidenSlice(bool),
}

/// How much `[` and `]` change the thermostat's target, K.
pub const TARGET_STEP_K: f64 = 100.0;
/// How far the arrow keys move a slice, Å.
pub const SLICE_STEP_A: f32 = 0.5;
/// Factor by which the up/down arrows widen/narrow a slice.
pub const SLICE_WIDEN: f32 = 1.25;

/// A key as the table names it: a character (as typed, shift included) or a named key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyName {
    /// A printable character.
    Char(&'static str),
    /// A named key (Escape, Space, arrows).
    Named(NamedKey),
}

/// One row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// Keys that trigger `action` (upper case and shifted variants included).
    pub keys: &'static [KeyName],
    /// The key as the help shows it.
    pub label: &'static str,
    /// What it does, upper case (the overlay font has no lower case).
    pub what: &'static str,
    /// The action.
    pub action: Action,
}

use KeyName::{Char as C, Named as N};

const fn bind(keys: &'static [KeyName], label: &'static str, what: &'static str, action: Action) -> Binding {
    Binding { keys, label, what, action }
}

/// Mouse gestures, for the help (not dispatched through [`action_for`]).
pub const MOUSE: &[(&str, &str)] = &[
    ("LEFT DRAG", "ORBIT"),
    ("LEFT CLICK", "PICK AN ATOM (EMPTY SPACE: CLEAR)"),
    ("WHEEL", "ZOOM"),
    ("RIGHT DRAG", "PAN"),
];

/// Every key binding of the window.
pub const BINDINGS: &[Binding] = &[
    bind(&[C("r"), C("R")], "R", "RESET VIEW", Action::ResetView),
    bind(&[C("o"), C("O")], "O", "ORTHO / PERSPECTIVE", Action::ToggleOrtho),
    bind(&[C("b"), C("B")], "B", "BOX ON / OFF", Action::ToggleBox),
    bind(&[C("c"), C("C")], "C", "COLOUR: KE / PE / RANK / STRUCTURE", Action::CycleColor),
    bind(&[C("g"), C("G")], "G", "STRIP CHART ON / OFF", Action::ToggleChart),
    bind(&[C("x"), C("X")], "X", "SLICE NORMAL TO X (AGAIN: OFF)", Action::Slice(0)),
    bind(&[C("y"), C("Y")], "Y", "SLICE NORMAL TO Y (AGAIN: OFF)", Action::Slice(1)),
    bind(&[C("z"), C("Z")], "Z", "SLICE NORMAL TO Z (AGAIN: OFF)", Action::Slice(2)),
    bind(&[N(NamedKey::ArrowLeft)], "LEFT", "MOVE SLICE -0.5 A", Action::MoveSlice(false)),
    bind(&[N(NamedKey::ArrowRight)], "RIGHT", "MOVE SLICE +0.5 A", Action::MoveSlice(true)),
    bind(&[N(NamedKey::ArrowUp)], "UP", "WIDEN SLICE X1.25", Action::WidenSlice(true)),
    bind(&[N(NamedKey::ArrowDown)], "DOWN", "NARROW SLICE /1.25", Action::WidenSlice(false)),
    bind(&[N(NamedKey::Space)], "SPACE", "PAUSE / RESUME SIMULATION", Action::TogglePause),
    bind(&[C("."), C(">")], ".", "ONE STEP (PAUSED)", Action::Step),
    bind(&[C("+"), C("=")], "+", "LESS THROTTLE", Action::Faster),
    bind(&[C("-"), C("_")], "-", "MORE THROTTLE", Action::Slower),
    bind(&[C("s"), C("S")], "S", "SCREENSHOT PNG", Action::Screenshot),
    bind(&[C("a"), C("A")], "A", "START / STOP GIF", Action::ToggleGif),
    bind(&[C("["), C("{")], "[", "TARGET T -100 K (THERMOSTAT)", Action::Cooler),
    bind(&[C("]"), C("}")], "]", "TARGET T +100 K (THERMOSTAT)", Action::Hotter),
    bind(&[C("h"), C("H"), C("?")], "H", "THIS HELP", Action::Help),
    bind(&[C("q"), C("Q"), N(NamedKey::Escape)], "Q / ESC", "CLOSE WINDOW, STOP RUN", Action::Quit),
];

/// The action bound to a pressed key, if any.
pub fn action_for(key: &Key) -> Option<Action> {
    let pressed = |k: &KeyName| match (k, key) {
        (KeyName::Char(c), Key::Character(s)) => s.as_str() == *c,
        (KeyName::Named(n), Key::Named(m)) => n == m,
        _ => false,
    };
    BINDINGS.iter().find(|b| b.keys.iter().any(pressed)).map(|b| b.action)
}

/// The help lines, `KEY   WHAT`: mouse gestures first, then every key.
pub fn help_lines() -> Vec<String> {
    let keys = BINDINGS.iter().map(|b| (b.label, b.what));
    MOUSE.iter().copied().chain(keys).map(|(k, what)| format!("{k:<11}{what}")).collect()
}

/// The key table as the README shows it (a Markdown table, generated from [`BINDINGS`]).
pub fn markdown_table() -> String {
    let mut s = String::from("| key | action |\n|---|---|\n");
    let mouse = MOUSE.iter().map(|&(k, what)| (k.to_lowercase(), what));
    let keys = BINDINGS.iter().map(|b| (format!("`{}`", b.label.to_lowercase()), b.what));
    for (key, what) in mouse.chain(keys) {
        let mut what = format!(" {} ", what.to_lowercase());
        for (from, to) in [(" png ", " PNG "), (" gif ", " GIF "), (" ke ", " KE "), (" pe ", " PE "), (" t ", " T "), (" k ", " K "), (" a ", " Å "), (" x ", " x "), ("0.5 a", "0.5 Å")] {
            what = what.replace(from, to);
        }
        s.push_str(&format!("| {key} | {} |\n", what.trim()));
    }
    s
}

/// Throttle levels (µs of sleep after each step) that `+`/`-` move through.
pub const DELAYS_US: [u64; 10] = [
    0, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
];

/// The next throttle delay, `slower` = more delay.
pub fn next_delay(current: u64, slower: bool) -> u64 {
    let i = DELAYS_US
        .iter()
        .position(|&d| d >= current)
        .unwrap_or(DELAYS_US.len() - 1);
    if slower {
        DELAYS_US[(i + usize::from(DELAYS_US[i] <= current)).min(DELAYS_US.len() - 1)]
    } else {
        DELAYS_US[i.saturating_sub(1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_steps() {
        assert_eq!(next_delay(0, true), 1_000);
        assert_eq!(next_delay(0, false), 0);
        assert_eq!(next_delay(1_000, true), 2_000);
        assert_eq!(next_delay(3_000, true), 5_000);
        assert_eq!(next_delay(3_000, false), 2_000);
        assert_eq!(next_delay(500_000, true), 500_000);
        assert_eq!(next_delay(9_999_999, false), 200_000);
    }

    #[test]
    fn keys() {
        assert_eq!(action_for(&Key::Character("q".into())), Some(Action::Quit));
        assert_eq!(action_for(&Key::Named(NamedKey::Space)), Some(Action::TogglePause));
        assert_eq!(action_for(&Key::Character("w".into())), None);
        assert_eq!(action_for(&Key::Character("]".into())), Some(Action::Hotter));
        assert_eq!(action_for(&Key::Character("Y".into())), Some(Action::Slice(1)));
        assert_eq!(action_for(&Key::Named(NamedKey::ArrowUp)), Some(Action::WidenSlice(true)));
        assert!(help_lines().iter().all(|l| l.len() < 48), "{:?}", help_lines());
    }

    #[test]
    fn no_key_is_bound_twice() {
        let all: Vec<KeyName> = BINDINGS.iter().flat_map(|b| b.keys.iter().copied()).collect();
        for (i, k) in all.iter().enumerate() {
            assert!(!all[..i].contains(k), "{k:?} is bound twice");
        }
        let labels: Vec<&str> = BINDINGS.iter().map(|b| b.label).collect();
        for (i, l) in labels.iter().enumerate() {
            assert!(!labels[..i].contains(l), "label {l} twice");
        }
    }

    #[test]
    fn readme_shows_this_table() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
        let table = markdown_table();
        assert!(readme.contains(&table), "README.md's key table is not keys::markdown_table(); paste:\n{table}");
    }
}
