//! Calling a policy that may read read-model documents (`document()`, see
//! `script/reads.rs`): the call is repeated, from the same state and random
//! sequence, until every document it asks for has been handed over.

use std::sync::Arc;

use rhai::Dynamic;

use crate::error::SimError;
use crate::script::{Call, Reader, Script, ScriptEngine, ScriptError};

/// Distinct documents one call may read; each costs the call a repetition.
const MAX_READS: usize = 64;

/// Call `function` of a policy's `script` on `event` with the policy's
/// `state` as `this`; `reader` says what the policy may read, and `load`
/// fetches a document (read model, key) the call asked for. The outer error
/// is `load`'s, the inner one the script's.
pub(crate) fn call_policy(
    engine: &ScriptEngine,
    (script, function): (&Script, &str),
    reader: Option<&Arc<Reader>>,
    event: &Dynamic,
    state: &mut Dynamic,
    load: impl FnMut(usize, &str) -> Result<Option<Dynamic>, SimError>,
) -> Result<Result<Call, ScriptError>, SimError> {
    engine.set_reader(reader.cloned());
    let called = if reader.is_some_and(|r| !r.models.is_empty()) {
        call_reading(engine, (script, function), event, state, load)
    } else {
        // Reads nothing: called once, without keeping a copy of its state.
        Ok(script.call(engine, function, (event.clone(),), Some(state)))
    };
    // Aggregates and projections read no read models.
    engine.set_reader(None);
    called
}

fn call_reading(
    engine: &ScriptEngine,
    (script, function): (&Script, &str),
    event: &Dynamic,
    state: &mut Dynamic,
    mut load: impl FnMut(usize, &str) -> Result<Option<Dynamic>, SimError>,
) -> Result<Result<Call, ScriptError>, SimError> {
    let (state_before, rng_before) = (state.clone(), engine.rng());
    let mut fetched = 0;
    loop {
        let called = script.call(engine, function, (event.clone(),), Some(state));
        let misses = engine.take_misses();
        if misses.is_empty() {
            return Ok(called);
        }
        fetched += misses.len();
        if fetched > MAX_READS {
            return Ok(Err(ScriptError::new(
                &script.path,
                Some(function),
                format!("stopped: read more than {MAX_READS} read-model documents in one call"),
            )));
        }
        for (read_model, key) in misses {
            let document = load(read_model, &key)?;
            engine.answer(read_model, key, document);
        }
        state_before.clone_into(state);
        engine.set_rng(rng_before.clone());
        // The stopped call's lines are logged again by the repeated one.
        engine.take_logs();
    }
}
