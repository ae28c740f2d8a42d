//! The constants at the top of a board's scripts (`const BONUS_ACCOUNT =
//! "ceo-bonus";`), so people can find the values a model relies on before
//! they run it. Read without a session: a board that cannot run yet still
//! shows them, and a script that does not compile simply shows none.

use std::path::Path;

use rhai::Scope;
use serde_json::Value;
use squall_model::Board;

use crate::script::{Limits, ScriptEngine};
use crate::value;

/// One top-level constant of one sticky's script.
#[derive(Clone, Debug, PartialEq)]
pub struct Constant {
    /// The sticky whose script declares it.
    pub sticky: String,
    pub sticky_name: String,
    pub name: String,
    pub value: Value,
}

/// Every top-level constant of the board's scripts (resolved against
/// `model_dir`), in board order, then in the order each script declares them.
pub fn of_board(board: &Board, model_dir: &Path) -> Vec<Constant> {
    // The same sandbox as a session's: a top level that loops is stopped.
    let engine = ScriptEngine::new(&Limits::default(), 0);
    let mut found = Vec::new();
    for element in &board.elements {
        let Some(script) = &element.script else { continue };
        let Ok(text) = std::fs::read_to_string(model_dir.join(script)) else { continue };
        let Ok(ast) = engine.engine().compile(&text) else { continue };
        let mut scope = Scope::new();
        let ran = engine.engine().run_ast_with_scope(&mut scope, &ast.clone_statements_only());
        engine.take_logs();
        if ran.is_err() {
            continue;
        }
        for (name, constant, value) in scope.iter() {
            if !constant {
                continue;
            }
            let Ok(value) = value::to_json(&value) else { continue };
            found.push(Constant {
                sticky: element.id.to_string(),
                sticky_name: element.name.clone(),
                name: name.to_owned(),
                value,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceo_bonus_account_is_found_among_the_bank_accounts_constants() {
        let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
        let board = squall_model::load(&models.join("bank_account.ron")).unwrap();

        let constants = of_board(&board, &models);

        let bonus = constants.iter().find(|c| c.name == "BONUS_ACCOUNT").unwrap();
        assert_eq!((bonus.sticky.as_str(), bonus.sticky_name.as_str()), ("pol-ceo-bonus", "CEO bonus"));
        assert_eq!(bonus.value, Value::from("ceo-bonus"));
        assert!(constants.iter().any(|c| c.name == "RECENT" && c.sticky == "rm-account-overview"));
    }
}
