//! A script compiled once, with the functions it defines and a hash of its
//! text, so the store can record which version of a script decided what.
//! Its top level (the `const`s functions read as `global::NAME`) runs once,
//! when it is compiled, not before every call.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use rhai::{AST, CallFnOptions, Dynamic, Engine, EvalAltResult, Module, Scope};
use sha2::{Digest, Sha256};

use super::engine::ScriptEngine;
use super::error::ScriptError;

/// A compiled script; cheap to clone.
#[derive(Clone, Debug)]
pub struct Script(Arc<Compiled>);

#[derive(Debug)]
pub struct Compiled {
    /// The path as the board names it, used in every message.
    pub path: String,
    /// First 16 hex digits of the SHA-256 of the text.
    pub hash: String,
    /// The functions only: the top level has run already.
    ast: AST,
    /// Set when the top level defines constants: an engine that has them as `global::`.
    engine: Option<Arc<Engine>>,
    /// Each function and its numbers of parameters: Rhai tells overloads apart by them.
    functions: HashMap<String, Vec<usize>>,
    /// Where each function is defined: the line named when an error (an
    /// exhausted operation budget) carries no position of its own.
    definitions: HashMap<String, usize>,
    /// The text calls `random(`: its results depend on the order of calls
    /// across scripts, so it must not run alongside other calls.
    uses_random: bool,
}

/// How a script call ended when it did not fail.
#[derive(Clone, Debug)]
pub enum Call {
    Returned(Dynamic),
    /// The script threw a value on purpose: for a command handler, the
    /// command is refused with this message.
    Thrown(String),
}

impl std::ops::Deref for Script {
    type Target = Compiled;

    fn deref(&self) -> &Compiled {
        &self.0
    }
}

impl Script {
    pub fn compile(engine: &ScriptEngine, path: &str, text: &str) -> Result<Script, ScriptError> {
        let mut ast = engine.engine().compile(text).map_err(|e| ScriptError::from_parse(path, &e))?;
        ast.set_source(path);
        let mut functions: HashMap<String, Vec<usize>> = HashMap::new();
        for function in ast.iter_functions() {
            functions.entry(function.name.to_owned()).or_default().push(function.params.len());
        }
        let digest = Sha256::digest(text.as_bytes());
        let hash = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let definitions = definitions(text);
        let own_engine =
            top_level_constants(engine, path, &ast)?.map(|constants| engine.with_constants(constants));
        let ast = ast.clone_functions_only();
        let uses_random = calls(text, "random");
        Ok(Script(Arc::new(Compiled {
            path: path.to_owned(),
            hash,
            ast,
            engine: own_engine,
            functions,
            definitions,
            uses_random,
        })))
    }

    /// Whether calls of this script may run on several threads at once with
    /// the same results: only `random()` shares state that changes.
    pub fn runs_alone(&self) -> bool {
        self.uses_random
    }

    pub fn has(&self, function: &str) -> bool {
        self.0.functions.contains_key(function)
    }

    /// Whether the script defines `function` with `params` parameters.
    pub fn has_with(&self, function: &str, params: usize) -> bool {
        self.0.functions.get(function).is_some_and(|arities| arities.contains(&params))
    }

    /// Call `function` with `args`, binding `this` when given. Errors name
    /// the script, the innermost function and the line.
    pub fn call(
        &self,
        engine: &ScriptEngine,
        function: &str,
        args: impl rhai::FuncArgs,
        this: Option<&mut Dynamic>,
    ) -> Result<Call, ScriptError> {
        let mut scope = Scope::new();
        let mut options = CallFnOptions::new().eval_ast(false);
        if let Some(this) = this {
            options = options.bind_this_ptr(this);
        }
        let rhai = self.engine.as_deref().unwrap_or_else(|| engine.engine());
        let started = Instant::now();
        let result = rhai.call_fn_with_options::<Dynamic>(options, &mut scope, &self.ast, function, args);
        engine.count_call(started.elapsed());
        match result {
            Ok(value) => Ok(Call::Returned(value)),
            Err(error) => match innermost(&error) {
                EvalAltResult::ErrorRuntime(value, _) => Ok(Call::Thrown(value.to_string())),
                _ => {
                    let mut error = ScriptError::from_eval(&self.path, function, &error);
                    if error.line.is_none() {
                        let name = error.function.as_deref().unwrap_or(function);
                        error.line = self.definitions.get(name).copied();
                    }
                    Err(error)
                }
            },
        }
    }
}

/// Run the script's top level once and keep the constants it defines, for
/// `global::NAME` in functions; `None` when it defines none. Anything the top
/// level logs is dropped: it belongs to no step.
fn top_level_constants(engine: &ScriptEngine, path: &str, ast: &AST) -> Result<Option<Module>, ScriptError> {
    let mut scope = Scope::new();
    let ran = engine.engine().run_ast_with_scope(&mut scope, &ast.clone_statements_only());
    engine.take_logs();
    ran.map_err(|error| {
        let mut error = ScriptError::from_eval(path, "", &error);
        error.function = None;
        error
    })?;
    let mut constants = Module::new();
    let mut any = false;
    for (name, constant, value) in scope.iter() {
        if constant {
            constants.set_var(name, value);
            any = true;
        }
    }
    Ok(any.then_some(constants))
}

fn innermost(error: &EvalAltResult) -> &EvalAltResult {
    match error {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => innermost(inner),
        other => other,
    }
}

/// Whether the text calls `name(` anywhere (comments included: erring on
/// the safe side).
fn calls(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].trim_start().chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && after == Some('(')
    })
}

/// Line numbers of `fn name(` definitions in the text.
fn definitions(text: &str) -> HashMap<String, usize> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.trim_start();
            let rest = line.strip_prefix("private ").unwrap_or(line).strip_prefix("fn ")?;
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            (!name.is_empty()).then_some((name, i + 1))
        })
        .collect()
}
