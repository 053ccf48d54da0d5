//! The `comd` binary. Its whole command line is [`comd::app::main`], which the Python
//! package's `python -m comd` calls too.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(comd::app::main(std::env::args_os()))
}
