//! The command line and decks through the binary: bad input, workflows (decks, restarts,
//! signals, trajectories, replicas, plots), the YAML report, and the checkpoint/deck fuzzers.
mod bad_input;
mod workflow;
mod workflow_fuzz;
mod yaml_report;
