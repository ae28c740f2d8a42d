//! The board taken out of Squall: a code skeleton to start the real system
//! from (`skeleton`: a Cargo crate or a TypeScript package), and pictures any
//! tool opens (`picture`: SVG and PNG).
//!
//! This crate knows nothing of Tauri, HTTP or the terminal: it turns a
//! `squall_model::Board` into files.

pub mod picture;
pub mod skeleton;
