//! Key bindings of the window, as data: one table drives both the dispatch and the help.

use winit::keyboard::{Key, NamedKey};

/// Something the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Close the window (the simulation keeps running to its end).
    Quit,
    /// Back to the initial camera.
    ResetView,
    /// Toggle orthographic / perspective projection.
    ToggleOrtho,
    /// Toggle the periodic box outline.
    ToggleBox,
    /// Next colouring (kinetic → potential → rank).
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
}

/// How much `[` and `]` change the thermostat's target, K.
pub const TARGET_STEP_K: f64 = 100.0;

/// (key label, description, action) for every binding.
pub const BINDINGS: &[(&str, &str, Action)] = &[
    ("LEFT DRAG", "ORBIT", Action::ResetView), // mouse rows: action unused
    ("WHEEL", "ZOOM", Action::ResetView),
    ("RIGHT DRAG", "PAN", Action::ResetView),
    ("R", "RESET VIEW", Action::ResetView),
    ("O", "ORTHO / PERSPECTIVE", Action::ToggleOrtho),
    ("B", "BOX ON / OFF", Action::ToggleBox),
    ("C", "COLOUR: KE / PE / RANK / STRUCTURE", Action::CycleColor),
    ("SPACE", "PAUSE / RESUME SIMULATION", Action::TogglePause),
    (".", "ONE STEP (PAUSED)", Action::Step),
    ("+ / -", "LESS / MORE THROTTLE", Action::Faster),
    ("S", "SCREENSHOT PNG", Action::Screenshot),
    ("A", "START / STOP GIF", Action::ToggleGif),
    ("[ / ]", "TARGET T -/+ 100 K (THERMOSTAT)", Action::Cooler),
    ("H", "THIS HELP", Action::Help),
    ("Q / ESC", "CLOSE WINDOW (RUN GOES ON)", Action::Quit),
];

/// The action bound to a pressed key, if any.
pub fn action_for(key: &Key) -> Option<Action> {
    match key {
        Key::Named(NamedKey::Escape) => Some(Action::Quit),
        Key::Named(NamedKey::Space) => Some(Action::TogglePause),
        Key::Character(s) => match s.as_str() {
            "q" | "Q" => Some(Action::Quit),
            "r" | "R" => Some(Action::ResetView),
            "o" | "O" => Some(Action::ToggleOrtho),
            "b" | "B" => Some(Action::ToggleBox),
            "c" | "C" => Some(Action::CycleColor),
            "." | ">" => Some(Action::Step),
            "+" | "=" => Some(Action::Faster),
            "-" | "_" => Some(Action::Slower),
            "s" | "S" => Some(Action::Screenshot),
            "a" | "A" => Some(Action::ToggleGif),
            "h" | "H" | "?" => Some(Action::Help),
            "[" => Some(Action::Cooler),
            "]" => Some(Action::Hotter),
            _ => None,
        },
        _ => None,
    }
}

/// The help lines, `KEY   WHAT`.
pub fn help_lines() -> Vec<String> {
    BINDINGS
        .iter()
        .map(|(k, what, _)| format!("{k:<11}{what}"))
        .collect()
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
        assert_eq!(
            action_for(&Key::Named(NamedKey::Space)),
            Some(Action::TogglePause)
        );
        assert_eq!(action_for(&Key::Character("z".into())), None);
        assert_eq!(action_for(&Key::Character("]".into())), Some(Action::Hotter));
        assert!(help_lines().iter().all(|l| l.len() < 48));
    }
}
