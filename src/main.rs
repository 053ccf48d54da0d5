//! The `comd` binary: parse the command line, build the run, map errors to exit statuses.

use clap::Parser;
use comd::cli::Cli;
use comd::config::RunConfig;
use comd::error::{exit_status, usage};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid command line");
            say_error(&format!("comd: {}", first.trim_start_matches("error: ")));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            say_error(&format!("comd: error: {err:#}"));
            ExitCode::from(exit_status(&err))
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let cfg = RunConfig::from_cli(&cli)?;
    for w in &cfg.warnings {
        eprintln!("comd: {w}");
    }
    if let Some(t) = cfg.threads {
        rayon::ThreadPoolBuilder::new().num_threads(t).build_global().map_err(|e| usage(format!("--threads: {e}")))?;
    }
    let mut comm = comd::comm::init()?;
    let (pot, pot_dir) = comd::forces::build(&cfg, comm.as_mut())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    comd::simulation::run(&cfg, pot, &pot_dir, comm.as_mut(), Default::default(), &mut out)?;
    Ok(())
}

/// Writes one line to stderr in a single write, so lines of different MPI ranks never mix.
fn say_error(line: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(format!("{line}\n").as_bytes());
}
