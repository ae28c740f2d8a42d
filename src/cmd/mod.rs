//! One module per subcommand. Each exposes its clap `Args` and a `run`
//! that returns what the process should report.

pub mod bench;
pub mod check;
pub mod fmt;
pub mod graph;
pub mod new;
