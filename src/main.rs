//! The `carepath` command: thin glue between the command line and the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if !error.is::<cli::console::PipeClosed>() {
                cli::console::error_line(&cli::describe(&error));
            }
            ExitCode::from(cli::exit_code(&error))
        }
    }
}
