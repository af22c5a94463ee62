//! `agentnet`: the agent without a window, for people, scripts and tests.

use clap::{Parser, Subcommand};

mod nlu;

/// agentnet: your personal agent, on the command line.
#[derive(Debug, Parser)]
#[command(name = "agentnet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print what this build is and speaks.
    Info,
    /// Interpret a command offline and print the intent and time as JSON.
    Nlu(nlu::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Info => {
            println!(
                "{} {} (wire v{}, {:?})",
                agentnet_core::PRODUCT,
                env!("CARGO_PKG_VERSION"),
                agentnet_core::WIRE_VERSION,
                agentnet_platform::target()
            );
        }
        Command::Nlu(args) => nlu::run(args)?,
    }
    Ok(())
}
