//! What the shell tells the web UI without being asked, as Tauri events.
//! The payloads are JSON, like everything crossing to the UI.

use serde::Serialize;

/// A [`squall_api::Push`], exactly as `squall serve` sends it over its
/// WebSocket: `{"type": "changed", "state": …}`, `{"type": "file_changed",
/// "path": …}`, `{"type": "lint_updated", "lint": …}`, `{"type": "run",
/// "status": …, "traces": […]}`.
pub const PUSH: &str = "squall:push";

/// A View menu action for the board canvas, which only the UI can carry
/// out: `"zoom_in"`, `"zoom_out"` or `"fit"`.
pub const VIEW: &str = "squall:view";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewAction {
    ZoomIn,
    ZoomOut,
    Fit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_actions_cross_as_the_strings_the_ui_matches_on() {
        let json: Vec<String> = [ViewAction::ZoomIn, ViewAction::ZoomOut, ViewAction::Fit]
            .iter()
            .map(|action| serde_json::to_string(action).unwrap())
            .collect();

        assert_eq!(json, ["\"zoom_in\"", "\"zoom_out\"", "\"fit\""]);
    }
}
