//! Hotspots mark open questions; they are worth a reminder until resolved.

use super::{Code, Sink};
use crate::{Board, Kind};

pub(super) fn check(board: &Board, sink: &mut Sink) {
    for element in board.elements.iter().filter(|e| e.kind == Kind::Hotspot && !e.resolved) {
        sink.report(Code::OpenHotspot, format!("open hotspot: {}", element.name.trim()), &[element]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_boards::board;
    use crate::Kind::*;
    use crate::lint::{Code, Options, lint};

    #[test]
    fn hotspots_stay_open_until_resolved() {
        let mut b = board(&[("h", Hotspot, "Overdraft?")], &[]);
        let open = |b: &crate::Board| {
            lint(b, &Options::default()).diagnostics.iter().any(|d| d.code == Code::OpenHotspot)
        };
        assert!(open(&b));
        b.elements[0].resolved = true;
        assert!(!open(&b));
    }
}
