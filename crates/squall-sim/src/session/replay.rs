//! Replaying read models: every event of a branch through the projections,
//! documents kept in memory (as scripts see them) until the end. Events no
//! read model projects are skipped before their payload is parsed. When the
//! machine has several cores and no projection calls `random()`, documents
//! are spread over worker threads by key: each document still sees its
//! events in order, so the result is the one a single thread gets.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use rhai::{Dynamic, Map};
use serde_json::Value;
use squall_model::Field;

use super::Session;
use crate::error::SimError;
use crate::model::{RunModel, Sticky};
use crate::projection::{self, Projected};
use crate::script::{Call, Script, ScriptEngine};
use crate::scripts::Scripts;
use crate::value;

/// Documents by read model (indexed like `RunModel::elements`), then key. Hashed with
/// foldhash: a replay looks a document up for every event, and SipHash showed in its profile.
pub(crate) type Documents = Vec<foldhash::HashMap<String, Dynamic>>;

/// One read model's documents as of a position, and the document the event
/// there changed with what it was before (see `Session::project_until`).
pub(crate) type ProjectedUntil = (HashMap<String, Dynamic>, Option<(String, Option<Dynamic>)>);

/// Workers at most: more would only wait for the thread reading the events.
const MAX_WORKERS: usize = 4;
/// Projections are handed to a worker in chunks of this many.
const CHUNK: usize = 256;
/// Chunks waiting per worker: bounds the memory a replay holds, whatever its size.
const CHUNKS_IN_FLIGHT: usize = 8;

/// One projection a replay runs for an event type.
struct Run<'m> {
    read_model: Sticky,
    script: Script,
    function: String,
    /// Whether `function` takes the document's key as a third parameter.
    with_key: bool,
    /// `keys_<Event>`, when the script lists the documents an event updates.
    keys: Option<String>,
    /// The read model's name, for errors.
    name: &'m str,
    /// The event's fields.
    fields: &'m [Field],
}

/// Which projections each event type sets off, and the event's fields:
/// worked out once per replay rather than per event.
struct Plan<'m> {
    runs: Vec<Run<'m>>,
    by_event: HashMap<&'m str, (&'m [Field], Vec<usize>)>,
}

impl<'m> Plan<'m> {
    fn new(model: &'m RunModel, scripts: &Scripts) -> Self {
        let mut runs = Vec::new();
        let mut by_event = HashMap::new();
        for (name, spec) in &model.events {
            let mut indices = Vec::new();
            for &read_model in &spec.read_models {
                let Some(script) = scripts.get(read_model) else { continue };
                if script.has(&spec.projection_fn) {
                    indices.push(runs.len());
                    runs.push(Run {
                        read_model,
                        script: script.clone(),
                        function: spec.projection_fn.clone(),
                        with_key: script.has_with(&spec.projection_fn, 3),
                        keys: script.has(&spec.keys_fn).then(|| spec.keys_fn.clone()),
                        name: &model.elements[read_model].name,
                        fields: model.fields(spec.element),
                    });
                }
            }
            if !indices.is_empty() {
                by_event.insert(name.as_str(), (model.fields(spec.element), indices));
            }
        }
        Plan { runs, by_event }
    }

    /// Whether the projections may run on several threads: none calls `random()`.
    fn parallel(&self) -> bool {
        !self.runs.iter().any(|run| run.script.runs_alone())
    }
}

/// One projection of one event into one document. The payload is parsed
/// by whoever runs the projection: a worker, not the thread reading events.
struct Job {
    run: usize,
    key: String,
    payload: Payload,
    position: u64,
}

enum Payload {
    Parsed(Map),
    Text(String),
}

/// What a worker ends with: its documents, or the first projection that
/// failed, with its event's position.
type Outcome = Result<Documents, Box<(u64, SimError)>>;

impl Session {
    /// Every read model of the current branch, computed from all its events.
    /// Returns how many events were read, and the documents.
    pub(crate) fn project_all(&self) -> Result<(u64, Documents), SimError> {
        let plan = Plan::new(&self.model, &self.scripts);
        let workers = std::thread::available_parallelism().map_or(1, usize::from).min(MAX_WORKERS);
        let projected = if workers > 1 && plan.parallel() {
            self.project_in_parallel(&plan, workers)
        } else {
            self.project_in_order(&plan)
        };
        self.engine.take_logs();
        projected
    }

    /// One read model's documents as of position `up_to` of the current
    /// branch, computed from its events in memory (the store is not
    /// touched), and the document the event at `up_to` changed: its key and
    /// what it was before (none when that event created it).
    pub(crate) fn project_until(&self, read_model: Sticky, up_to: u64) -> Result<ProjectedUntil, SimError> {
        let mut plan = Plan::new(&self.model, &self.scripts);
        // Only this read model's projections: the others cost time and change nothing here.
        let keep: Vec<bool> = plan.runs.iter().map(|run| run.read_model == read_model).collect();
        plan.by_event.retain(|_, (_, runs)| {
            runs.retain(|&run| keep[run]);
            !runs.is_empty()
        });
        let mut docs: HashMap<String, Dynamic> = HashMap::new();
        let mut touched = None;
        let mut failure = None;
        self.store.for_each_event(&self.branch, 0, Some(up_to), |event| {
            if failure.is_some() {
                return Ok::<(), SimError>(());
            }
            let last = event.position == up_to;
            let engine = &self.engine;
            for_each_job(
                engine,
                &self.model,
                &plan,
                event.event_type,
                event.payload,
                event.position,
                true,
                |job| {
                    if last && touched.is_none() {
                        touched = Some((job.key.clone(), docs.get(&job.key).cloned()));
                    }
                    if let Err(error) = project(&self.engine, &plan.runs[job.run], &mut docs, job) {
                        failure = Some(error);
                        return false;
                    }
                    true
                },
            )
        })?;
        self.engine.take_logs();
        match failure {
            Some(error) => Err(error),
            None => Ok((docs, touched)),
        }
    }

    fn project_in_order(&self, plan: &Plan<'_>) -> Result<(u64, Documents), SimError> {
        let mut docs: Documents = vec![foldhash::HashMap::default(); self.model.elements.len()];
        let mut failure = None;
        let count = self.store.for_each_event(&self.branch, 0, None, |event| {
            if failure.is_some() {
                return Ok::<(), SimError>(());
            }
            let engine = &self.engine;
            for_each_job(
                engine,
                &self.model,
                plan,
                event.event_type,
                event.payload,
                event.position,
                true,
                |job| {
                    let run = &plan.runs[job.run];
                    if let Err(error) = project(engine, run, &mut docs[run.read_model], job) {
                        failure = Some(error);
                        return false;
                    }
                    true
                },
            )
        })?;
        match failure {
            Some(error) => Err(error),
            None => Ok((count, docs)),
        }
    }

    fn project_in_parallel(&self, plan: &Plan<'_>, workers: usize) -> Result<(u64, Documents), SimError> {
        let failed = AtomicBool::new(false);
        let hasher = foldhash::fast::RandomState::default();
        let elements = self.model.elements.len();
        std::thread::scope(|scope| {
            let mut senders: Vec<SyncSender<Vec<Job>>> = Vec::with_capacity(workers);
            let mut handles = Vec::with_capacity(workers);
            for _ in 0..workers {
                let (sender, jobs) = sync_channel::<Vec<Job>>(CHUNKS_IN_FLIGHT);
                senders.push(sender);
                let (engine, failed) = (&self.engine, &failed);
                handles.push(scope.spawn(move || work(engine, plan, &jobs, elements, failed)));
            }
            let mut chunks: Vec<Vec<Job>> = (0..workers).map(|_| Vec::with_capacity(CHUNK)).collect();
            let read = self.store.for_each_event(&self.branch, 0, None, |event| {
                if failed.load(Ordering::Relaxed) {
                    return Ok::<(), SimError>(());
                }
                for_each_job(
                    &self.engine,
                    &self.model,
                    plan,
                    event.event_type,
                    event.payload,
                    event.position,
                    false,
                    |job| {
                        // A document's events all go to the same worker, in order.
                        let worker =
                            (hasher.hash_one((plan.runs[job.run].read_model, &job.key)) as usize) % workers;
                        chunks[worker].push(job);
                        if chunks[worker].len() >= CHUNK {
                            let chunk = std::mem::replace(&mut chunks[worker], Vec::with_capacity(CHUNK));
                            // A worker that stopped has failed; the failure is collected below.
                            let _ = senders[worker].send(chunk);
                        }
                        true
                    },
                )
            });
            for (sender, chunk) in senders.iter().zip(chunks) {
                let _ = sender.send(chunk);
            }
            drop(senders);
            let mut docs: Documents = vec![foldhash::HashMap::default(); elements];
            let mut first_failure: Option<(u64, SimError)> = None;
            for handle in handles {
                match handle.join() {
                    Ok(Ok(found)) => {
                        for (mine, theirs) in docs.iter_mut().zip(found) {
                            mine.extend(theirs);
                        }
                    }
                    // The one a single thread would have met first.
                    Ok(Err(failure)) => {
                        let (position, error) = *failure;
                        if first_failure.as_ref().is_none_or(|(first, _)| position < *first) {
                            first_failure = Some((position, error));
                        }
                    }
                    Err(_) => {
                        let error = SimError::Rebuild("a replay worker stopped unexpectedly".to_owned());
                        first_failure.get_or_insert((0, error));
                    }
                }
            }
            let count = read?;
            match first_failure {
                Some((_, error)) => Err(error),
                None => Ok((count, docs)),
            }
        })
    }
}

/// Some read models' documents, projected one stored event at a time: what
/// a policy reading them saw at each event, when its state is rebuilt.
pub(crate) struct Projector<'m> {
    model: &'m RunModel,
    plan: Plan<'m>,
    documents: Documents,
}

impl<'m> Projector<'m> {
    /// A projector of the read models in `only`.
    pub(crate) fn new(model: &'m RunModel, scripts: &Scripts, only: &[Sticky]) -> Self {
        let mut plan = Plan::new(model, scripts);
        let keep: Vec<bool> = plan.runs.iter().map(|run| only.contains(&run.read_model)).collect();
        plan.by_event.retain(|_, (_, runs)| {
            runs.retain(|&run| keep[run]);
            !runs.is_empty()
        });
        Projector { model, plan, documents: vec![foldhash::HashMap::default(); model.elements.len()] }
    }

    /// Project one stored event.
    pub(crate) fn event(
        &mut self,
        engine: &ScriptEngine,
        event_type: &str,
        payload: &str,
        position: u64,
    ) -> Result<(), SimError> {
        let (plan, documents) = (&self.plan, &mut self.documents);
        let mut failure = None;
        for_each_job(engine, self.model, plan, event_type, payload, position, true, |job| {
            let run = &plan.runs[job.run];
            match project(engine, run, &mut documents[run.read_model], job) {
                Ok(()) => true,
                Err(error) => {
                    failure = Some(error);
                    false
                }
            }
        })?;
        failure.map_or(Ok(()), Err)
    }

    pub(crate) fn document(&self, read_model: Sticky, key: &str) -> Option<Dynamic> {
        self.documents[read_model].get(key).cloned()
    }
}

/// A worker: projects the chunks it is sent into its own documents until
/// the channel closes, or until a projection fails.
fn work(
    engine: &ScriptEngine,
    plan: &Plan<'_>,
    jobs: &Receiver<Vec<Job>>,
    elements: usize,
    failed: &AtomicBool,
) -> Outcome {
    let mut docs: Documents = vec![foldhash::HashMap::default(); elements];
    let mut failure = None;
    for chunk in jobs {
        if failure.is_some() {
            // Keep taking chunks so the reader is never blocked on this worker.
            continue;
        }
        for job in chunk {
            let run = &plan.runs[job.run];
            let position = job.position;
            if let Err(error) = project(engine, run, &mut docs[run.read_model], job) {
                failure = Some((position, error));
                failed.store(true, Ordering::Relaxed);
                break;
            }
        }
    }
    match failure {
        Some(failure) => Err(Box::new(failure)),
        None => Ok(docs),
    }
}

/// The projections one stored event sets off, each with its document key;
/// `each` returns false to stop. The payload is parsed here when `parse`, or
/// when a `keys_<Event>` function must read it, and otherwise only scanned
/// for the keys.
#[allow(clippy::too_many_arguments)]
fn for_each_job(
    engine: &ScriptEngine,
    model: &RunModel,
    plan: &Plan<'_>,
    event_type: &str,
    payload: &str,
    position: u64,
    parse: bool,
    mut each: impl FnMut(Job) -> bool,
) -> Result<(), SimError> {
    let Some((fields, runs)) = plan.by_event.get(event_type) else { return Ok(()) };
    let listed = runs.iter().any(|&run| plan.runs[run].keys.is_some());
    let event = (parse || listed).then(|| value::payload_from_json(fields, payload).unwrap_or_default());
    for &run in runs {
        let element = &model.elements[plan.runs[run].read_model];
        let keys = match (&plan.runs[run].keys, &event) {
            (Some(function), Some(event)) => keys_of(engine, &plan.runs[run], function, event)?,
            (_, Some(event)) => document_key_of(element, event, payload).into_iter().collect(),
            (_, None) => document_key_in(element, payload).into_iter().collect(),
        };
        for key in keys {
            let payload = match &event {
                Some(event) => Payload::Parsed(event.clone()),
                None => Payload::Text(payload.to_owned()),
            };
            if !each(Job { run, key, payload, position }) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The documents `keys_<Event>` lists for an event.
fn keys_of(
    engine: &ScriptEngine,
    run: &Run<'_>,
    function: &str,
    event: &Map,
) -> Result<Vec<String>, SimError> {
    let event = Dynamic::from_map(event.clone());
    match run.script.call(engine, function, (event,), None)? {
        Call::Returned(returned) => projection::keys(returned, function)
            .map_err(|e| SimError::Rebuild(format!("{}: {e}", run.script.path))),
        Call::Thrown(reason) => {
            Err(SimError::Rebuild(format!("{}: `{function}` threw: {reason}", run.script.path)))
        }
    }
}

/// Runs one projection on its document.
fn project<S: BuildHasher>(
    engine: &ScriptEngine,
    run: &Run<'_>,
    documents: &mut HashMap<String, Dynamic, S>,
    job: Job,
) -> Result<(), SimError> {
    let event = match job.payload {
        Payload::Parsed(event) => event,
        Payload::Text(text) => value::payload_from_json(run.fields, &text).unwrap_or_default(),
    };
    let (key, doc) = documents.remove_entry(&job.key).unwrap_or((job.key, Dynamic::UNIT));
    let existed = !doc.is_unit();
    let event = Dynamic::from_map(event);
    let called = if run.with_key {
        run.script.call(engine, &run.function, (doc, event, Dynamic::from(key.clone())), None)?
    } else {
        run.script.call(engine, &run.function, (doc, event), None)?
    };
    match called {
        Call::Returned(returned) => {
            let read = projection::read(returned, existed, &run.function, run.name, &key)
                .map_err(|e| SimError::Rebuild(format!("{}: {e}", run.script.path)))?;
            if let Projected::Keep(mut after) = read {
                value::to_stored(&mut after, None)
                    .map_err(|e| SimError::Rebuild(format!("{}: {e}", run.script.path)))?;
                documents.insert(key, after);
            }
            Ok(())
        }
        Call::Thrown(reason) => {
            Err(SimError::Rebuild(format!("{}: `{}` threw: {reason}", run.script.path, run.function)))
        }
    }
}

/// The document key in a stored payload, found without parsing the rest of
/// it; as [`super::process::document_key`] gives it.
fn document_key_in(read_model: &squall_model::Element, text: &str) -> Option<String> {
    let Some(field) = &read_model.key else { return Some("all".to_owned()) };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match serde::de::Deserializer::deserialize_map(&mut deserializer, KeyScan(field)) {
        Ok(KeyFound::String(key)) => Some(key),
        Ok(KeyFound::Missing) => None,
        // Not a string (or not JSON): the general rule, on the parsed payload.
        Ok(KeyFound::Other) | Err(_) => {
            let json: Value = serde_json::from_str(text).ok()?;
            super::process::document_key(read_model, &json)
        }
    }
}

enum KeyFound {
    String(String),
    Missing,
    Other,
}

/// Finds one field of a JSON object, skipping the others without building them.
struct KeyScan<'a>(&'a str);

impl<'de> serde::de::Visitor<'de> for KeyScan<'_> {
    type Value = KeyFound;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a payload")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<KeyFound, A::Error> {
        // The last one counts, as when the payload is parsed whole.
        let mut found = KeyFound::Missing;
        while let Some(name) = access.next_key::<std::borrow::Cow<'de, str>>()? {
            if name == self.0 {
                found = match access.next_value::<Value>()? {
                    Value::String(key) => KeyFound::String(key),
                    _ => KeyFound::Other,
                };
            } else {
                access.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// [`super::process::document_key`] for a payload already parsed for
/// scripts; `text` is only parsed again for a key that is not a string.
fn document_key_of(read_model: &squall_model::Element, payload: &Map, text: &str) -> Option<String> {
    let Some(field) = &read_model.key else { return Some("all".to_owned()) };
    let value = payload.get(field.as_str())?;
    if let Some(key) = value.read_lock::<rhai::ImmutableString>() {
        return Some(key.to_string());
    }
    let json: Value = serde_json::from_str(text).ok()?;
    super::process::document_key(read_model, &json)
}

#[cfg(test)]
mod tests {
    use squall_model::{Element, Kind, Point};

    use super::*;

    #[test]
    fn a_key_found_by_scanning_is_the_key_found_in_the_parsed_payload() {
        let mut read_model = Element::new("rm", Kind::ReadModel, "Overview", Point { x: 0.0, y: 0.0 });
        read_model.key = Some("account_id".to_owned());
        for text in [
            r#"{"amount": 5, "account_id": "acc-1"}"#,
            r#"{"account_id": "a\"b\u00e9"}"#,
            r#"{"account_id": 42}"#,
            r#"{"account_id": 1.50}"#,
            r#"{"account_id": null}"#,
            r#"{"account_id": {"x": [1, 2]}}"#,
            r#"{"account_id": "first", "account_id": "second"}"#,
            r#"{"amount": 5}"#,
            "[1, 2]",
            "not json",
        ] {
            let parsed = serde_json::from_str(text)
                .ok()
                .and_then(|json| super::super::process::document_key(&read_model, &json));
            assert_eq!(document_key_in(&read_model, text), parsed, "{text}");
        }
        read_model.key = None;
        assert_eq!(document_key_in(&read_model, "{}").as_deref(), Some("all"));
    }
}
