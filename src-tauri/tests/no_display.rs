//! The app on a machine without a display: a clear message, not GTK's panic.

use std::process::Command;

#[test]
fn given_no_display_when_the_app_starts_then_it_says_so_and_points_at_serve() {
    let output = Command::new(env!("CARGO_BIN_EXE_squall-desktop"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("no display to open a window on"), "stderr: {stderr}");
    assert!(stderr.contains("squall serve MODEL"), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}
