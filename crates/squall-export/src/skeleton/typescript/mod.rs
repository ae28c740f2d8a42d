//! The board as a TypeScript package.

use super::Files;
use super::plan::Plan;

pub fn generate(_plan: &Plan<'_>) -> Files {
    Files::new()
}
