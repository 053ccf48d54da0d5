//! The command line and decks through the binary: bad input, workflows (decks, restarts,
//! signals, trajectories, replicas, plots), the YAML report, memory, thread and stop limits, and the
//! checkpoint/deck fuzzers.
mod bad_input;
mod limits;
mod workflow;
mod workflow_fuzz;
mod yaml_report;
