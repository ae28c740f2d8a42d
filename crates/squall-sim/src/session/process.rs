//! One step: take the next queued command, let its aggregate or external
//! system decide, evolve state, project, let policies react — then commit
//! all of it in one store transaction.

use std::sync::Arc;

use rhai::{Dynamic, Map};
use serde_json::Value;
use squall_store::{Command, CommandMetadata, EventMetadata, NewEvent, Step};

use super::{Instance, Session, reading};
use crate::error::SimError;
use crate::model::{EventSpec, Handler, Sticky};
use crate::projection::{self, Projected};
use crate::script::{Call, Made, Outgoing, Script, ScriptError};
use crate::trace::{
    self, DocumentChange, IssuedCommand, LogLine, Origin, StickyRef, Trace, TracedCommand, TracedEvent,
};
use crate::value;
use squall_model::naming::Unresolved;

/// External systems may answer events with events; this bounds how deep
/// such an exchange goes within one step.
const MAX_EXTERNAL_DEPTH: usize = 8;

/// A processed command: what the cascade guard needs, and the trace when
/// one was asked for.
pub(crate) struct Processed {
    pub(crate) id: String,
    pub(crate) correlation_id: String,
    pub(crate) trace: Option<Trace>,
    /// The step queued commands (policies issued some).
    pub(crate) queued: bool,
}

/// A step in the making: nothing here touches the store or the caches
/// until the store has committed it. Steps are small, so the few entries
/// of each kind are kept in vectors rather than maps.
struct Work {
    command: Command,
    /// Build a trace: keep what only a trace needs (logs, documents before).
    traced: bool,
    events: Vec<Pending>,
    /// Documents changed by the step, in the order first touched.
    documents: Vec<Document>,
    /// Commands issued by policies, and which policy issued each.
    issued: Vec<(Command, Sticky)>,
    policy_states: Vec<(Sticky, Dynamic)>,
    instance: Option<(String, Instance)>,
    stream_versions: Vec<(String, u64)>,
    logs: Vec<LogLine>,
    state_before: Option<Value>,
    state_after: Option<Value>,
    handled_by: Option<Sticky>,
    stream_id: Option<String>,
    /// An instance or a document was taken out of the cache; should the step not commit, the
    /// cache no longer holds all the branch has (see `Cache::complete`).
    took: bool,
}

struct Pending {
    new: NewEvent,
    emitted_by: Sticky,
    /// The payload as scripts see it: read back from its JSON, converted
    /// once for the applier, the projections and the policies.
    value: Dynamic,
}

struct Document {
    read_model: Sticky,
    key: String,
    /// As stored before the step; only kept for a trace.
    before: Option<Value>,
    /// After the step, as JSON for the store and as scripts will read it
    /// back for the cache. `None` deletes the document.
    after: Option<(Value, Dynamic)>,
}

/// Why a command was refused: the domain said no, or a script broke.
enum Refusal {
    Rejected(String),
    Failed(String),
}

impl From<ScriptError> for Refusal {
    fn from(error: ScriptError) -> Self {
        Refusal::Failed(crate::explain::in_plain_words(error).to_string())
    }
}

impl Session {
    /// Process exactly one queued command; `None` when the queue is empty.
    pub fn step(&mut self) -> Result<Option<Trace>, SimError> {
        Ok(self.process(true)?.and_then(|processed| processed.trace))
    }

    pub(crate) fn process(&mut self, traced: bool) -> Result<Option<Processed>, SimError> {
        let Some(queued) = self.store.next_pending(&self.branch)? else {
            return Ok(None);
        };
        self.process_command(queued.command, true, traced).map(Some)
    }

    /// Process `command`: taken from the queue, or handed over directly and
    /// never queued (a submission whose first step commits with it).
    pub(crate) fn process_command(
        &mut self,
        command: Command,
        from_queue: bool,
        traced: bool,
    ) -> Result<Processed, SimError> {
        self.clock.tick();
        let now = self.clock.now();
        self.engine.set_now(&now);
        self.engine.take_logs();
        // Documents handed to policies in an earlier step may have changed since.
        self.engine.forget_documents();

        let mut work = Work {
            command,
            traced,
            events: Vec::new(),
            documents: Vec::new(),
            issued: Vec::new(),
            policy_states: Vec::new(),
            instance: None,
            stream_versions: Vec::new(),
            logs: Vec::new(),
            state_before: None,
            state_after: None,
            handled_by: None,
            stream_id: None,
            took: false,
        };
        let decided = self.decide(&mut work).and_then(|()| self.follow(&mut work));
        let (outcome, errors) = match decided {
            Ok(()) => (trace::Outcome::Accepted, Vec::new()),
            Err(Refusal::Rejected(reason)) => (trace::Outcome::Rejected { reason }, Vec::new()),
            Err(Refusal::Failed(error)) => (trace::Outcome::Rejected { reason: error.clone() }, vec![error]),
        };
        let accepted = outcome == trace::Outcome::Accepted;
        if !accepted && work.took {
            // What was taken is gone from the cache; the store still has it.
            self.cache.complete = Some(false);
        }
        let correlation_id = work.command.metadata.correlation_id.clone();
        let id = work.command.id.clone();

        let Work { command, events, documents, issued, .. } = &mut work;
        let command = std::mem::replace(command, empty_command());
        let mut step = match &outcome {
            trace::Outcome::Accepted => Step::accepted(command, now.clone()),
            trace::Outcome::Rejected { reason } => Step::rejected(command, reason.clone(), now.clone()),
        };
        step.from_queue = from_queue;
        let mut emitted = Vec::new();
        let mut issued_by = Vec::new();
        let queued = accepted && !issued.is_empty();
        if accepted {
            for pending in events.drain(..) {
                step.events.push(pending.new);
                emitted.push(pending.emitted_by);
            }
            step.documents = documents
                .iter_mut()
                .map(|doc| {
                    let read_model = self.model.key(doc.read_model).to_owned();
                    let key = doc.key.clone();
                    match &mut doc.after {
                        Some((json, _)) => {
                            // The trace shows it too; otherwise the store gets the only copy.
                            let document = if traced { json.clone() } else { std::mem::take(json) };
                            squall_store::DocumentChange::Upsert { read_model, key, document }
                        }
                        None => squall_store::DocumentChange::Delete { read_model, key },
                    }
                })
                .collect();
            step.checkpoints.clone_from(&self.model.read_model_names);
            for (command, policy) in issued.drain(..) {
                step.enqueue.push(command);
                issued_by.push(policy);
            }
        }
        // The trace reads the step afterwards; otherwise the store takes it.
        let (committed, step) = if traced {
            (self.store.commit_step(&self.branch, &step), Some(step))
        } else {
            (self.store.commit_owned_step(&self.branch, step), None)
        };
        let receipt = match committed {
            Ok(receipt) => receipt,
            Err(error) => {
                // The caches may have run ahead of the store; start afresh.
                self.cache.clear();
                self.rebuild_policies()?;
                return Err(error.into());
            }
        };

        if accepted {
            if let Some((stream, instance)) = work.instance.take() {
                self.cache.instances.insert(stream, instance);
            }
            for doc in work.documents.iter_mut() {
                let cached = doc.after.as_mut().map(|(_, value)| std::mem::take(value));
                self.cache.documents.insert((doc.read_model, std::mem::take(&mut doc.key)), cached);
            }
            self.cache.versions.extend(work.stream_versions.drain(..));
            self.policy_states.extend(work.policy_states.drain(..));
        }
        let cause = self.cache.causes.remove(&id);
        if let Some(step) = &step {
            self.remember_causes(step, &receipt.positions);
        }
        let trace = step.map(|step| {
            let positions = (&receipt.positions[..], cause);
            self.trace(step, work, outcome, errors, positions, (&emitted, &issued_by), &now)
        });
        Ok(Processed { id, correlation_id, trace, queued })
    }

    /// Where the events that caused the commands this step queued are, for the traces of the
    /// steps that take them: asking the store would wait for the writer thread.
    fn remember_causes(&mut self, step: &Step, positions: &[u64]) {
        for command in &step.enqueue {
            let position = command.metadata.causation_id.as_deref().and_then(|cause| {
                step.events.iter().zip(positions).find(|(e, _)| e.metadata.event_id == cause).map(|(_, &p)| p)
            });
            if let Some(position) = position {
                self.cache.causes.insert(command.id.clone(), position);
            }
        }
    }

    /// `positions`: the step's events', and the one of the event that caused its command, if
    /// known.
    #[allow(clippy::too_many_arguments)]
    fn trace(
        &self,
        step: Step,
        work: Work,
        outcome: trace::Outcome,
        errors: Vec<String>,
        (positions, cause): (&[u64], Option<u64>),
        (emitted, issued_by): (&[Sticky], &[Sticky]),
        now: &str,
    ) -> Trace {
        let accepted = outcome == trace::Outcome::Accepted;
        let command = step.command;
        let sticky = self
            .model
            .commands
            .get(&command.command_type)
            .map(|spec| self.sticky_ref(spec.element))
            .unwrap_or_else(|| StickyRef { id: String::new(), name: command.command_type.clone() });
        let origin = match (&command.metadata.actor, &command.metadata.causation_id) {
            (Some(actor), Some(event_id)) if actor.starts_with("policy:") => {
                let policy_id = &actor["policy:".len()..];
                let policy = self
                    .model
                    .elements
                    .iter()
                    .position(|e| e.id.as_str() == policy_id)
                    .map(|i| self.sticky_ref(i))
                    .unwrap_or_else(|| StickyRef { id: policy_id.to_owned(), name: policy_id.to_owned() });
                // Traces are for people, who know events by position.
                let event_position = cause.or_else(|| {
                    self.store
                        .event_position(&self.branch, &command.metadata.correlation_id, event_id, None)
                        .ok()
                        .flatten()
                });
                Origin::Policy { policy, event_id: event_id.clone(), event_position }
            }
            (Some(actor), _) if actor.starts_with("scenario:") => {
                Origin::Scenario { name: actor["scenario:".len()..].to_owned() }
            }
            _ => Origin::User,
        };
        let step_events_empty = step.events.is_empty();
        let command_name = command.command_type.clone();
        let position_of = |event_id: &str| {
            step.events.iter().zip(positions).find(|(e, _)| e.metadata.event_id == event_id).map(|(_, &p)| p)
        };
        let issued_positions: Vec<Option<u64>> =
            step.enqueue.iter().map(|c| c.metadata.causation_id.as_deref().and_then(position_of)).collect();
        let events = step
            .events
            .into_iter()
            .zip(positions)
            .zip(emitted)
            .map(|((new, &position), &emitted_by)| TracedEvent {
                position,
                event_id: new.metadata.event_id,
                stream_id: new.stream_id,
                stream_version: new.expected_version + 1,
                sticky: self
                    .model
                    .event(&new.event_type)
                    .map(|spec| self.sticky_ref(spec.element))
                    .unwrap_or_else(|| StickyRef { id: String::new(), name: new.event_type.clone() }),
                name: new.event_type,
                emitted_by: self.sticky_ref(emitted_by),
                data: new.payload,
            })
            .collect();
        let (documents, issued) = if accepted {
            let documents = work
                .documents
                .into_iter()
                .zip(step.documents)
                .map(|(doc, change)| {
                    // The key itself went to the cache.
                    let (key, after) = match change {
                        squall_store::DocumentChange::Upsert { key, document, .. } => (key, Some(document)),
                        squall_store::DocumentChange::Delete { key, .. } => (key, None),
                    };
                    DocumentChange {
                        read_model: self.sticky_ref(doc.read_model),
                        key,
                        before: doc.before,
                        after,
                    }
                })
                .collect();
            let issued = step
                .enqueue
                .into_iter()
                .zip(issued_by)
                .zip(issued_positions)
                .map(|((command, &policy), event_position)| IssuedCommand {
                    id: command.id,
                    name: command.command_type,
                    data: command.payload,
                    policy: self.sticky_ref(policy),
                    event_id: command.metadata.causation_id.unwrap_or_default(),
                    event_position,
                })
                .collect();
            (documents, issued)
        } else {
            (Vec::new(), Vec::new())
        };
        let mut logs = work.logs;
        if accepted
            && step_events_empty
            && let Some(by) = work.handled_by
        {
            // A starter script, or a rule that decided nothing should happen:
            // either way the person running the board should not have to guess.
            logs.push(LogLine {
                sticky: self.sticky_ref(by),
                text: format!(
                    "squall: {} produced no events for {}: the command is accepted and changes nothing",
                    self.model.elements[by].describe(),
                    command_name
                ),
            });
        }
        Trace {
            branch: self.branch.clone(),
            at: now.to_owned(),
            command: TracedCommand {
                id: command.id,
                name: command.command_type,
                sticky,
                data: command.payload,
                origin,
                correlation_id: command.metadata.correlation_id,
                causation_id: command.metadata.causation_id,
            },
            handled_by: work.handled_by.map(|sticky| self.sticky_ref(sticky)),
            stream_id: work.stream_id,
            state_before: work.state_before,
            state_after: if accepted { work.state_after } else { None },
            outcome,
            events,
            documents,
            issued,
            logs,
            errors,
        }
    }

    pub(crate) fn sticky_ref(&self, sticky: Sticky) -> StickyRef {
        let element = &self.model.elements[sticky];
        StickyRef { id: element.id.to_string(), name: element.name.clone() }
    }

    /// Let the command's handler decide which events follow.
    fn decide(&mut self, work: &mut Work) -> Result<(), Refusal> {
        let model = Arc::clone(&self.model);
        let name = work.command.command_type.as_str();
        let spec = model.command(name).map_err(|e| Refusal::Failed(e.to_string()))?;
        let command_element = &model.elements[spec.element];
        // Commands are checked when they are submitted or issued, but the queue
        // may hold commands from before the board changed.
        value::check_json(&command_element.fields, &work.command.payload).map_err(|errors| {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            Refusal::Failed(format!("command `{name}` ({}): {}", command_element.id, list.join("; ")))
        })?;
        let payload =
            Dynamic::from_map(value::payload_to_rhai(&command_element.fields, &work.command.payload));

        match spec.handler {
            None => Err(Refusal::Rejected(format!(
                "no aggregate or external system handles `{name}`; draw an arrow from the command to its handler"
            ))),
            Some(Handler::Aggregate(aggregate)) => {
                self.decide_in_aggregate(work, aggregate, &spec.handler_fn, payload)
            }
            Some(Handler::External(external)) => {
                work.handled_by = Some(external);
                let produced = self.call_reaction(external, &spec.reaction_fn, payload, work)?;
                let stream = model.stream(external);
                let causation = work.command.id.clone();
                self.append(work, external, stream, produced, &causation, None)
            }
        }
    }

    fn decide_in_aggregate(
        &mut self,
        work: &mut Work,
        aggregate: Sticky,
        handler: &str,
        payload: Dynamic,
    ) -> Result<(), Refusal> {
        let model = Arc::clone(&self.model);
        let name = work.command.command_type.as_str();
        let element = &model.elements[aggregate];
        work.handled_by = Some(aggregate);
        let key_field = element.key.as_deref().unwrap_or("id");
        let key = match work.command.payload.get(key_field) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => {
                return Err(Refusal::Failed(format!(
                    "command `{name}` has no field `{key_field}`, which aggregate `{}` uses as its id",
                    element.name
                )));
            }
        };
        let stream = format!("{}-{key}", model.stream(aggregate));
        work.stream_id = Some(stream.clone());
        let script = self.script(aggregate)?;
        if !script.has(handler) {
            return Err(Refusal::Failed(format!(
                "{}: aggregate `{}` has no function `{handler}(state, command)` for command `{name}`",
                script.path, element.name
            )));
        }
        let (state, version) = {
            let instance =
                self.cached_instance(aggregate, &stream).map_err(|e| Refusal::Failed(e.to_string()))?;
            (instance.state.clone(), instance.version)
        };
        if self.options.detailed_traces {
            work.state_before = Some(json(&state)?);
        }

        // The handler gets a copy: only appliers' results are kept.
        let returned = match script.call(&self.engine, handler, (state, payload), None)? {
            Call::Thrown(reason) => return Err(Refusal::Rejected(reason)),
            Call::Returned(value) => value,
        };
        self.collect_logs(aggregate, work);
        let produced = self.outgoing_list(&script, aggregate, handler, returned, Made::Event)?;
        if produced.is_empty() {
            if self.options.detailed_traces {
                work.state_after = work.state_before.clone();
            }
            return Ok(());
        }

        let events_before = work.events.len();
        let causation = work.command.id.clone();
        self.append(work, aggregate, &stream, produced, &causation, Some(version))?;
        // Evolve: fold the new events into the state, taken from the cache rather than
        // copied. Should the step not be committed, the stream is read again next time.
        work.took = true;
        let mut instance = Instance {
            state: self.cache.instances.remove(&stream).map(|i| i.state).unwrap_or_default(),
            version,
        };
        for pending in &work.events[events_before..] {
            // The stream grows by every event, applied or not.
            instance.version += 1;
            let Some(applier) = model.event(&pending.new.event_type).map(|spec| spec.applier_fn.as_str())
            else {
                continue;
            };
            if !script.has(applier) {
                continue;
            }
            let state = std::mem::take(&mut instance.state);
            match script.call(&self.engine, applier, (state, pending.value.clone()), None)? {
                Call::Returned(state) => instance.state = state,
                Call::Thrown(reason) => {
                    return Err(Refusal::Failed(format!("{}: `{applier}` threw: {reason}", script.path)));
                }
            }
        }
        self.collect_logs(aggregate, work);
        if self.options.detailed_traces {
            work.state_after = Some(json(&instance.state)?);
        }
        work.instance = Some((stream, instance));
        Ok(())
    }

    /// Project the step's events, let policies and external systems react.
    /// New events from external systems join the end of the list.
    fn follow(&mut self, work: &mut Work) -> Result<(), Refusal> {
        let model = Arc::clone(&self.model);
        let mut index = 0;
        let mut depth = vec![0usize; work.events.len()];
        while index < work.events.len() {
            let Some(spec) = model.event(&work.events[index].new.event_type) else {
                index += 1;
                continue;
            };
            for &read_model in &spec.read_models {
                self.project(work, read_model, spec, index)?;
            }
            for &policy in &spec.policies {
                self.react(work, policy, spec, index)?;
            }
            for &external in &spec.externals {
                if depth[index] >= MAX_EXTERNAL_DEPTH {
                    return Err(Refusal::Failed(format!(
                        "external systems kept answering events with events more than {MAX_EXTERNAL_DEPTH} times in one step"
                    )));
                }
                let event = work.events[index].value.clone();
                let produced = self.call_reaction(external, &spec.reaction_fn, event, work)?;
                let stream = model.stream(external);
                let causation = work.events[index].new.metadata.event_id.clone();
                self.append(work, external, stream, produced, &causation, None)?;
                depth.resize(work.events.len(), depth[index] + 1);
            }
            index += 1;
        }
        Ok(())
    }

    /// Project one event into the documents of one read model: the one its
    /// key field names, or those `keys_<Event>` lists.
    fn project(
        &mut self,
        work: &mut Work,
        read_model: Sticky,
        spec: &EventSpec,
        index: usize,
    ) -> Result<(), Refusal> {
        let script = self.script(read_model)?;
        let function = spec.projection_fn.as_str();
        if !script.has(function) {
            return Ok(());
        }
        let element = &self.model.elements[read_model];
        let keys = if script.has(&spec.keys_fn) {
            let event = work.events[index].value.clone();
            let returned = match script.call(&self.engine, &spec.keys_fn, (event,), None)? {
                Call::Returned(returned) => returned,
                Call::Thrown(reason) => {
                    return Err(Refusal::Failed(format!(
                        "{}: `{}` threw: {reason}",
                        script.path, spec.keys_fn
                    )));
                }
            };
            projection::keys(returned, &spec.keys_fn)
                .map_err(|e| Refusal::Failed(format!("{}: {e}", script.path)))?
        } else {
            let event = &work.events[index];
            let Some(key) = document_key(element, &event.new.payload) else {
                let field = element.key.as_deref().unwrap_or_default();
                return Err(Refusal::Failed(format!(
                    "read model `{}` ({}) files its documents by the key `{field}`, but event `{}` has no \
                     `{field}`; this is the read model's configuration, not the command: set the read \
                     model's key to a field every event it projects carries, or define `{}(event)`",
                    element.name, element.id, event.new.event_type, spec.keys_fn,
                )));
            };
            vec![key]
        };
        let with_key = script.has_with(function, 3);
        for key in keys {
            self.project_document(work, read_model, &script, function, with_key, index, key)?;
        }
        Ok(())
    }

    /// Project the step's event `index` into the document `key` of `read_model`.
    #[allow(clippy::too_many_arguments)]
    fn project_document(
        &mut self,
        work: &mut Work,
        read_model: Sticky,
        script: &Script,
        function: &str,
        with_key: bool,
        index: usize,
        key: String,
    ) -> Result<(), Refusal> {
        // The document is taken, not copied: from what this step made of it so far (its JSON
        // stays there), or from the cache, which gets it back once the step is committed and
        // reads it again from the store otherwise.
        let touched = work.documents.iter().position(|d| d.read_model == read_model && d.key == key);
        let doc = match touched {
            Some(i) => {
                work.documents[i].after.as_mut().map_or(Dynamic::UNIT, |(_, value)| std::mem::take(value))
            }
            None => {
                work.took = true;
                self.taken_document(read_model, &key).map_err(|e| Refusal::Failed(e.to_string()))?
            }
        };
        let before = match touched {
            None if work.traced => Some(if doc.is_unit() { None } else { Some(json(&doc)?) }),
            _ => None,
        };
        let event_value = work.events[index].value.clone();
        let existed = !doc.is_unit();
        let called = if with_key {
            script.call(&self.engine, function, (doc, event_value, Dynamic::from(key.clone())), None)?
        } else {
            script.call(&self.engine, function, (doc, event_value), None)?
        };
        let returned = match called {
            Call::Returned(returned) => returned,
            Call::Thrown(reason) => {
                return Err(Refusal::Failed(format!("{}: `{function}` threw: {reason}", script.path)));
            }
        };
        self.collect_logs(read_model, work);
        let name = &self.model.elements[read_model].name;
        let after = match projection::read(returned, existed, function, name, &key)
            .map_err(|e| Refusal::Failed(format!("{}: {e}", script.path)))?
        {
            Projected::Keep(mut doc) => {
                let stored = json(&doc)?;
                value::to_stored(&mut doc, None).map_err(|e| Refusal::Failed(e.to_string()))?;
                Some((stored, doc))
            }
            Projected::Delete => None,
            // No document before and none after: nothing changed, and the cache knows it again.
            Projected::Absent if touched.is_none() => {
                self.cache.documents.insert((read_model, key), None);
                return Ok(());
            }
            Projected::Absent => None,
        };
        self.engine.forget_document(read_model, &key);
        match touched {
            Some(i) => work.documents[i].after = after,
            None => work.documents.push(Document { read_model, key, before: before.flatten(), after }),
        }
        Ok(())
    }

    fn react(
        &mut self,
        work: &mut Work,
        policy: Sticky,
        spec: &EventSpec,
        index: usize,
    ) -> Result<(), Refusal> {
        let script = self.script(policy)?;
        let function = spec.reaction_fn.as_str();
        if !script.has(function) {
            return Ok(());
        }
        let slot = work.policy_states.iter().position(|(p, _)| *p == policy);
        let mut state = match slot {
            Some(i) => std::mem::take(&mut work.policy_states[i].1),
            None => self.policy_states.get(&policy).cloned().unwrap_or_else(|| Dynamic::from_map(Map::new())),
        };
        let event_value = work.events[index].value.clone();
        let documents = &work.documents;
        let complete = self.cache.complete == Some(true);
        let load = |read_model: Sticky, key: &str| {
            // What this step has projected so far, then what the store holds.
            if let Some(doc) = documents.iter().find(|d| d.read_model == read_model && d.key == key) {
                return Ok(doc.after.as_ref().map(|(_, value)| value.clone()));
            }
            if let Some(cached) = self.cache.documents.get(&(read_model, key.to_owned())) {
                return Ok(cached.clone());
            }
            if complete {
                return Ok(None);
            }
            let stored = self.store.document(&self.branch, self.model.key(read_model), key)?;
            Ok(stored.map(|json| value::to_rhai(&json, None)))
        };
        let called = reading::call_policy(
            &self.engine,
            (&script, function),
            self.model.readers.get(&policy),
            &event_value,
            &mut state,
            load,
        )
        .map_err(|e| Refusal::Failed(e.to_string()))?;
        match slot {
            Some(i) => work.policy_states[i].1 = state,
            None => work.policy_states.push((policy, state)),
        }
        let returned = match called? {
            Call::Returned(value) => value,
            Call::Thrown(reason) => {
                return Err(Refusal::Failed(format!("{}: `{function}` threw: {reason}", script.path)));
            }
        };
        self.collect_logs(policy, work);
        let commands = self.outgoing_list(&script, policy, function, returned, Made::Command)?;
        let model = Arc::clone(&self.model);
        for outgoing in commands {
            let spec = model.command(&outgoing.name).map_err(|e| Refusal::Failed(e.to_string()))?;
            let element = &model.elements[spec.element];
            let (data, _) = self.checked_payload(
                &script,
                function,
                outgoing.name.as_str(),
                outgoing.data,
                &element.fields,
            )?;
            let id = self.fresh_command_id();
            let command = Command {
                id,
                command_type: outgoing.name,
                payload: data,
                metadata: CommandMetadata {
                    correlation_id: work.command.metadata.correlation_id.clone(),
                    causation_id: Some(work.events[index].new.metadata.event_id.clone()),
                    sticky_id: Some(element.id.to_string()),
                    actor: Some(format!("policy:{}", model.elements[policy].id)),
                    script_hash: Some(script.hash.clone()),
                    ..CommandMetadata::default()
                },
            };
            work.issued.push((command, policy));
        }
        Ok(())
    }

    fn call_reaction(
        &mut self,
        sticky: Sticky,
        function: &str,
        message: Dynamic,
        work: &mut Work,
    ) -> Result<Vec<Outgoing>, Refusal> {
        // An external system without a script, or without this function,
        // absorbs the message: flows that leave the system can still run.
        let Some(script) = self.scripts.get(sticky).cloned() else { return Ok(Vec::new()) };
        if !script.has(function) {
            return Ok(Vec::new());
        }
        let returned = match script.call(&self.engine, function, (message,), None)? {
            Call::Returned(value) => value,
            Call::Thrown(reason) => return Err(Refusal::Rejected(reason)),
        };
        self.collect_logs(sticky, work);
        self.outgoing_list(&script, sticky, function, returned, Made::Event)
    }

    /// Check produced events against the board and queue them for the
    /// store with their expected stream versions.
    fn append(
        &mut self,
        work: &mut Work,
        by: Sticky,
        stream: &str,
        produced: Vec<Outgoing>,
        causation: &str,
        known_version: Option<u64>,
    ) -> Result<(), Refusal> {
        // An external system without a script absorbs what it is sent: it
        // produced nothing, and has no script to name in errors.
        if produced.is_empty() {
            return Ok(());
        }
        let script = self.script(by)?;
        let model = Arc::clone(&self.model);
        for outgoing in produced {
            let Some(spec) = model.event(&outgoing.name) else {
                return Err(Refusal::Failed(format!(
                    "{}: {} emitted `{}`, which is not an event on the board",
                    script.path,
                    model.elements[by].describe(),
                    outgoing.name
                )));
            };
            let fields = &model.elements[spec.element].fields;
            let (data, value) = self.checked_payload(&script, "", &outgoing.name, outgoing.data, fields)?;
            let in_step = work.stream_versions.iter().find(|(s, _)| s == stream).map(|(_, v)| *v);
            // An aggregate's version is known from its instance; the cache is for the others.
            let known = in_step.or(known_version).or_else(|| self.cache.versions.get(stream).copied());
            let version = match known {
                Some(v) => v,
                None if self.cache_is_complete().map_err(|e| Refusal::Failed(e.to_string()))? => 0,
                None => self
                    .store
                    .stream_version(&self.branch, stream)
                    .map_err(|e| Refusal::Failed(e.to_string()))?,
            };
            match work.stream_versions.iter_mut().find(|(s, _)| s == stream) {
                Some(entry) => entry.1 = version + 1,
                None => work.stream_versions.push((stream.to_owned(), version + 1)),
            }
            let event_id = format!("{}.{}", work.command.id, work.events.len() + 1);
            work.events.push(Pending {
                emitted_by: by,
                value,
                new: NewEvent {
                    stream_id: stream.to_owned(),
                    expected_version: version,
                    event_type: outgoing.name,
                    payload: data,
                    metadata: EventMetadata {
                        event_id,
                        command_id: work.command.id.clone(),
                        causation_id: causation.to_owned(),
                        correlation_id: work.command.metadata.correlation_id.clone(),
                        sticky_id: Some(model.elements[by].id.to_string()),
                        script_hash: Some(script.hash.clone()),
                        actor: work.command.metadata.actor.clone(),
                        ..EventMetadata::default()
                    },
                },
            });
        }
        Ok(())
    }

    /// The board is the truth: a script may only produce what its sticky
    /// has an arrow to, with the declared fields.
    fn outgoing_list(
        &self,
        script: &Script,
        by: Sticky,
        function: &str,
        returned: Dynamic,
        expected: Made,
    ) -> Result<Vec<Outgoing>, Refusal> {
        let element = &self.model.elements[by];
        let what = match expected {
            Made::Event => "event",
            Made::Command => "command",
        };
        let items = if returned.is_unit() {
            Vec::new()
        } else if returned.is_array() {
            returned.into_array().unwrap_or_default()
        } else {
            vec![returned]
        };
        let allowed = self.model.may_produce.get(&by).map_or(&[][..], Vec::as_slice);
        let kind = match expected {
            Made::Event => squall_model::Kind::Event,
            Made::Command => squall_model::Kind::Command,
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let type_name = item.type_name().to_owned();
            let Some(mut outgoing) = item.try_cast::<Outgoing>() else {
                return Err(Refusal::Failed(format!(
                    "{}: `{function}` returned a {type_name} at index {i}; return a list of {what}(\"Name\", #{{ ... }})",
                    script.path
                )));
            };
            if outgoing.made != expected {
                return Err(Refusal::Failed(format!(
                    "{}: `{function}` returned a {} `{}`; {} produces {what}s",
                    script.path,
                    if expected == Made::Event { "command" } else { "event" },
                    outgoing.name,
                    element.describe()
                )));
            }
            match self.model.resolve_among(allowed, kind, &outgoing.name) {
                // From here on the message goes by its key, as the store knows it.
                Ok(target) => self.model.key(target).clone_into(&mut outgoing.name),
                Err(ambiguous @ Unresolved::Ambiguous { .. }) => {
                    return Err(Refusal::Failed(format!("{}: `{function}`: {ambiguous}", script.path)));
                }
                Err(Unresolved::Unknown { .. }) => {
                    let on_board = match expected {
                        Made::Event => self.model.event(&outgoing.name).is_some(),
                        Made::Command => self.model.command(&outgoing.name).is_ok(),
                    };
                    let why = if on_board {
                        format!("but {} has no arrow to it on the board", element.describe())
                    } else {
                        "which is not on the board".to_owned()
                    };
                    return Err(Refusal::Failed(format!(
                        "{}: `{function}` produced {what} `{}`, {why}",
                        script.path, outgoing.name
                    )));
                }
            }
            out.push(outgoing);
        }
        Ok(out)
    }

    /// A produced payload as JSON, checked against the board's fields, and
    /// as scripts will read it back.
    fn checked_payload(
        &self,
        script: &Script,
        function: &str,
        name: &str,
        data: Map,
        fields: &[squall_model::Field],
    ) -> Result<(Value, Dynamic), Refusal> {
        let mut value = Dynamic::from_map(data);
        let json =
            value::to_json(&value).map_err(|e| Refusal::Failed(format!("{}: `{name}`: {e}", script.path)))?;
        value::check_json(fields, &json).map_err(|errors| {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            let sticky = self
                .model
                .event(name)
                .map(|s| s.element)
                .or_else(|| self.model.commands.get(name).map(|s| s.element))
                .map(|s| self.model.elements[s].id.to_string())
                .unwrap_or_default();
            let place = if function.is_empty() { String::new() } else { format!(" in `{function}`") };
            Refusal::Failed(format!(
                "{}{place}: `{name}` ({sticky}) does not match the board: {}",
                script.path,
                list.join("; ")
            ))
        })?;
        if let Some(mut map) = value.write_lock::<Map>() {
            value::payload_to_stored(fields, &mut map)
                .map_err(|e| Refusal::Failed(format!("{}: `{name}`: {e}", script.path)))?;
        }
        Ok((json, value))
    }

    fn script(&self, sticky: Sticky) -> Result<Script, Refusal> {
        self.scripts.get(sticky).cloned().ok_or_else(|| {
            Refusal::Failed(format!("{} has no script", self.model.elements[sticky].describe()))
        })
    }

    fn collect_logs(&self, sticky: Sticky, work: &mut Work) {
        if !work.traced {
            // Nobody reads them; the next step starts by clearing them.
            return;
        }
        for text in self.engine.take_logs() {
            work.logs.push(LogLine { sticky: self.sticky_ref(sticky), text });
        }
    }

    /// A read model's document as scripts see it (`()` when there is none),
    /// taken out of the cache, or read from the store.
    fn taken_document(&mut self, read_model: Sticky, key: &str) -> Result<Dynamic, SimError> {
        let slot = (read_model, key.to_owned());
        if let Some(doc) = self.cache.documents.remove(&slot) {
            return Ok(doc.unwrap_or(Dynamic::UNIT));
        }
        if self.cache_is_complete()? {
            return Ok(Dynamic::UNIT);
        }
        let stored = self.store.document(&self.branch, self.model.key(read_model), key)?;
        Ok(stored.map_or(Dynamic::UNIT, |json| value::to_rhai(&json, None)))
    }

    /// An aggregate instance: from the cache, or rebuilt from its stream
    /// and cached.
    pub(crate) fn cached_instance(&mut self, aggregate: Sticky, stream: &str) -> Result<&Instance, SimError> {
        if !self.cache.instances.contains_key(stream) {
            let instance = self.rebuild_instance(aggregate, stream)?;
            self.cache.instances.insert(stream.to_owned(), instance);
        }
        // Present: inserted just above when it was missing.
        self.cache.instances.get(stream).ok_or_else(|| SimError::Rebuild(format!("{stream} was not cached")))
    }

    fn rebuild_instance(&mut self, aggregate: Sticky, stream: &str) -> Result<Instance, SimError> {
        let script = self
            .scripts
            .get(aggregate)
            .cloned()
            .ok_or_else(|| SimError::NoScript { element: self.model.elements[aggregate].describe() })?;
        let mut state = self.initial_state(&script)?;
        if self.cache_is_complete()? {
            // A stream the cache does not know has no event yet.
            return Ok(Instance { state, version: 0 });
        }
        let mut version = 0;
        let mut failure = None;
        self.store.for_each_stream_event(&self.branch, stream, 0, |event| {
            version = event.stream_version;
            let Some(applier) = self.model.event(event.event_type).map(|spec| spec.applier_fn.as_str())
            else {
                return Ok::<(), SimError>(());
            };
            if failure.is_some() || !script.has(applier) {
                return Ok(());
            }
            let fields = self.model.event(event.event_type).map(|spec| self.model.fields(spec.element));
            let payload =
                value::payload_from_json(fields.unwrap_or_default(), event.payload).unwrap_or_default();
            let event_value = Dynamic::from_map(payload);
            match script.call(&self.engine, applier, (std::mem::take(&mut state), event_value), None) {
                Ok(Call::Returned(next)) => state = next,
                Ok(Call::Thrown(reason)) => {
                    failure =
                        Some(SimError::Rebuild(format!("{}: `{applier}` threw: {reason}", script.path)));
                }
                Err(error) => failure = Some(error.into()),
            }
            Ok(())
        })?;
        if let Some(error) = failure {
            return Err(error);
        }
        self.engine.take_logs();
        Ok(Instance { state, version })
    }
}

fn json(value: &Dynamic) -> Result<Value, Refusal> {
    value::to_json(value).map_err(|e| Refusal::Failed(e.to_string()))
}

/// Stands in for a command moved into its step.
fn empty_command() -> Command {
    Command {
        id: String::new(),
        command_type: String::new(),
        payload: Value::Null,
        metadata: CommandMetadata::default(),
    }
}

/// The key a read model files an event's document under: the value of its
/// `key` field in the event, or `all` for a read model without a key.
pub(crate) fn document_key(read_model: &squall_model::Element, payload: &Value) -> Option<String> {
    match &read_model.key {
        None => Some("all".to_owned()),
        Some(field) => match payload.get(field)? {
            Value::String(s) => Some(s.clone()),
            // An optional field left empty: no key, rather than a document called "null".
            Value::Null => None,
            other => Some(other.to_string()),
        },
    }
}
