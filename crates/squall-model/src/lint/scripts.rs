//! Behaviour lives in Rhai scripts; a sticky that needs one should have it.

use super::{Code, Options, Sink, quoted};
use crate::Board;
use crate::Kind::{Aggregate, ExternalSystem, Policy, ReadModel};

pub(super) fn check(board: &Board, options: &Options, sink: &mut Sink) {
    for element in &board.elements {
        if !element.kind.has_script() {
            continue;
        }
        let kind = element.kind.label().to_lowercase();
        match &element.script {
            // An external system without a script simply absorbs what it is sent.
            None if element.kind == ExternalSystem => {}
            None => {
                debug_assert!(matches!(element.kind, Aggregate | Policy | ReadModel));
                sink.report(
                    Code::MissingScript,
                    format!("{kind} {} has no script; its behaviour cannot be simulated", quoted(element)),
                    &[element],
                );
            }
            Some(path) => {
                let Some(dir) = &options.model_dir else { continue };
                let resolved = dir.join(path);
                if !resolved.is_file() {
                    sink.report(
                        Code::MissingScript,
                        format!(
                            "{kind} {}: script `{path}` not found (looked for {})",
                            quoted(element),
                            resolved.display()
                        ),
                        &[element],
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_boards::board;
    use crate::Kind::*;
    use crate::lint::{Code, Options, lint};

    #[test]
    fn scripts_resolve_against_the_model_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rhai"), "").unwrap();
        let b = board(&[("a", Aggregate, "Account"), ("p", Policy, "Greet")], &[]);
        let options = Options { model_dir: Some(dir.path().to_owned()) };
        let missing: Vec<_> = lint(&b, &options)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == Code::MissingScript)
            .map(|d| d.elements[0].0.clone())
            .collect();
        assert_eq!(missing, vec!["p"]);
    }

    #[test]
    fn an_unset_script_is_reported_even_for_an_unsaved_board() {
        let mut b = board(&[("r", ReadModel, "Overview")], &[]);
        b.elements[0].script = None;
        let report = lint(&b, &Options::default());
        assert!(report.diagnostics.iter().any(|d| d.code == Code::MissingScript));
    }
}
