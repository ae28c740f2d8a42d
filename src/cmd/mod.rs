//! One module per subcommand. Each exposes its clap `Args` and a `run`
//! that returns what the process should report.

pub mod bench;
pub mod branch;
pub mod check;
pub mod events;
pub mod export;
pub mod fmt;
pub mod graph;
pub mod new;
mod open;
pub mod query;
pub mod read_model;
pub mod run;
pub mod serve;
pub mod sim;
pub mod state;
pub mod test;
