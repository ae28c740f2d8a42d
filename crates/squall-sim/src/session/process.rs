//! One step: take the next queued command, let its aggregate or external
//! system decide, evolve state, project, let policies react — then commit
//! all of it in one store transaction.

use std::collections::HashMap;

use rhai::{Dynamic, Map};
use serde_json::Value;
use squall_model::Kind;
use squall_store::{Command, CommandMetadata, EventMetadata, NewEvent, Step};

use super::{Instance, Session};
use crate::contract;
use crate::error::SimError;
use crate::model::{Handler, Sticky};
use crate::script::{Call, Made, Outgoing, ScriptError};
use crate::trace::{
    self, DocumentChange, IssuedCommand, LogLine, Origin, StickyRef, Trace, TracedCommand, TracedEvent,
};
use crate::value;

/// External systems may answer events with events; this bounds how deep
/// such an exchange goes within one step.
const MAX_EXTERNAL_DEPTH: usize = 8;

/// A step in the making: nothing here touches the store or the caches
/// until the store has committed it.
struct Work {
    command: Command,
    events: Vec<Pending>,
    documents: HashMap<(Sticky, String), Option<Value>>,
    /// Documents as stored before the step, for the trace. Kept apart from
    /// `documents`: any string is a valid key, so no prefix can mark these.
    stored: HashMap<(Sticky, String), Option<Value>>,
    document_order: Vec<(Sticky, String, Option<Value>)>,
    issued: Vec<(Command, IssuedCommand)>,
    policy_states: HashMap<Sticky, Dynamic>,
    instance: Option<(String, Instance)>,
    stream_versions: HashMap<String, u64>,
    logs: Vec<LogLine>,
    state_before: Option<Value>,
    state_after: Option<Value>,
    handled_by: Option<StickyRef>,
    stream_id: Option<String>,
}

struct Pending {
    new: NewEvent,
    name: String,
    emitted_by: Sticky,
}

/// Why a command was refused: the domain said no, or a script broke.
enum Refusal {
    Rejected(String),
    Failed(String),
}

impl From<ScriptError> for Refusal {
    fn from(error: ScriptError) -> Self {
        Refusal::Failed(error.to_string())
    }
}

impl Session {
    /// Process exactly one queued command; `None` when the queue is empty.
    pub fn step(&mut self) -> Result<Option<Trace>, SimError> {
        let Some(queued) = self.store.next_pending(&self.branch)? else {
            return Ok(None);
        };
        self.clock.tick();
        self.engine.set_now(&self.clock.now());
        self.engine.take_logs();

        let mut work = Work {
            command: queued.command,
            events: Vec::new(),
            documents: HashMap::new(),
            stored: HashMap::new(),
            document_order: Vec::new(),
            issued: Vec::new(),
            policy_states: HashMap::new(),
            instance: None,
            stream_versions: HashMap::new(),
            logs: Vec::new(),
            state_before: None,
            state_after: None,
            handled_by: None,
            stream_id: None,
        };
        let decided = self.decide(&mut work).and_then(|()| self.follow(&mut work));
        let (outcome, errors) = match decided {
            Ok(()) => (trace::Outcome::Accepted, Vec::new()),
            Err(Refusal::Rejected(reason)) => (trace::Outcome::Rejected { reason }, Vec::new()),
            Err(Refusal::Failed(error)) => (trace::Outcome::Rejected { reason: error.clone() }, vec![error]),
        };
        let accepted = outcome == trace::Outcome::Accepted;

        let now = self.clock.now();
        let mut step = match &outcome {
            trace::Outcome::Accepted => Step::accepted(work.command.clone(), now),
            trace::Outcome::Rejected { reason } => Step::rejected(work.command.clone(), reason.clone(), now),
        };
        step.from_queue = true;
        if accepted {
            step.events = work.events.iter().map(|p| p.new.clone()).collect();
            step.documents = work
                .document_order
                .iter()
                .map(|(rm, key, doc)| {
                    let read_model = self.model.elements[*rm].name.clone();
                    match doc {
                        Some(document) => squall_store::DocumentChange::Upsert {
                            read_model,
                            key: key.clone(),
                            document: document.clone(),
                        },
                        None => squall_store::DocumentChange::Delete { read_model, key: key.clone() },
                    }
                })
                .collect();
            step.checkpoints = self.model.scripted(Kind::ReadModel).map(|(_, e)| e.name.clone()).collect();
            step.enqueue = work.issued.iter().map(|(c, _)| c.clone()).collect();
        }
        let receipt = match self.store.commit_step(&self.branch, &step) {
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
            for (slot, document) in work.documents.drain() {
                self.cache.documents.insert(slot, document);
            }
            self.cache.versions.extend(work.stream_versions.drain());
            self.policy_states.extend(work.policy_states.drain());
        }
        Ok(Some(self.trace(work, outcome, errors, &receipt.positions, accepted)))
    }

    fn trace(
        &self,
        work: Work,
        outcome: trace::Outcome,
        errors: Vec<String>,
        positions: &[u64],
        accepted: bool,
    ) -> Trace {
        let command = &work.command;
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
                Origin::Policy { policy, event_id: event_id.clone() }
            }
            (Some(actor), _) if actor.starts_with("scenario:") => {
                Origin::Scenario { name: actor["scenario:".len()..].to_owned() }
            }
            _ => Origin::User,
        };
        let events = if accepted {
            work.events
                .iter()
                .zip(positions)
                .map(|(pending, &position)| TracedEvent {
                    position,
                    event_id: pending.new.metadata.event_id.clone(),
                    stream_id: pending.new.stream_id.clone(),
                    stream_version: pending.new.expected_version + 1,
                    name: pending.name.clone(),
                    sticky: self
                        .model
                        .event(&pending.name)
                        .map(|spec| self.sticky_ref(spec.element))
                        .unwrap_or_else(|| StickyRef { id: String::new(), name: pending.name.clone() }),
                    emitted_by: self.sticky_ref(pending.emitted_by),
                    data: pending.new.payload.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let (documents, issued) = if accepted {
            let documents = work
                .document_order
                .iter()
                .map(|(rm, key, after)| DocumentChange {
                    read_model: self.sticky_ref(*rm),
                    key: key.clone(),
                    before: work.stored.get(&(*rm, key.clone())).cloned().flatten(),
                    after: after.clone(),
                })
                .collect();
            (documents, work.issued.into_iter().map(|(_, issued)| issued).collect())
        } else {
            (Vec::new(), Vec::new())
        };
        Trace {
            branch: self.branch.clone(),
            at: self.clock.now(),
            command: TracedCommand {
                id: command.id.clone(),
                name: command.command_type.clone(),
                sticky,
                data: command.payload.clone(),
                origin,
                correlation_id: command.metadata.correlation_id.clone(),
                causation_id: command.metadata.causation_id.clone(),
            },
            handled_by: work.handled_by,
            stream_id: work.stream_id,
            state_before: work.state_before,
            state_after: if accepted { work.state_after } else { None },
            outcome,
            events,
            documents,
            issued,
            logs: work.logs,
            errors,
        }
    }

    pub(crate) fn sticky_ref(&self, sticky: Sticky) -> StickyRef {
        let element = &self.model.elements[sticky];
        StickyRef { id: element.id.to_string(), name: element.name.clone() }
    }

    /// Let the command's handler decide which events follow.
    fn decide(&mut self, work: &mut Work) -> Result<(), Refusal> {
        let name = work.command.command_type.clone();
        let spec = self.model.command(&name).map_err(|e| Refusal::Failed(e.to_string()))?.clone();
        let command_element = &self.model.elements[spec.element];
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
                self.decide_in_aggregate(work, aggregate, &name, &spec.handler_fn, payload)
            }
            Some(Handler::External(external)) => {
                work.handled_by = Some(self.sticky_ref(external));
                let produced = self.call_reaction(external, &spec.reaction_fn, payload, work)?;
                let stream = contract::identifier(&self.model.elements[external].name);
                let causation = work.command.id.clone();
                self.append(work, external, &stream, produced, &causation)
            }
        }
    }

    fn decide_in_aggregate(
        &mut self,
        work: &mut Work,
        aggregate: Sticky,
        name: &str,
        handler: &str,
        payload: Dynamic,
    ) -> Result<(), Refusal> {
        let element = &self.model.elements[aggregate];
        let aggregate_name = element.name.clone();
        work.handled_by = Some(self.sticky_ref(aggregate));
        let key_field = element.key.as_deref().unwrap_or("id");
        let key = match work.command.payload.get(key_field) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => {
                return Err(Refusal::Failed(format!(
                    "command `{name}` has no field `{key_field}`, which aggregate `{aggregate_name}` uses as its id"
                )));
            }
        };
        let stream = format!("{}-{key}", contract::identifier(&aggregate_name));
        work.stream_id = Some(stream.clone());
        let mut instance = self.instance(aggregate, &stream).map_err(|e| Refusal::Failed(e.to_string()))?;
        if self.options.detailed_traces {
            work.state_before = Some(self.json(&instance.state)?);
        }

        let script = self.script(aggregate)?;
        if !script.has(handler) {
            return Err(Refusal::Failed(format!(
                "{}: aggregate `{aggregate_name}` has no function `{handler}(state, command)` for command `{name}`",
                script.path
            )));
        }
        let returned = match script.call(&self.engine, handler, (instance.state.clone(), payload), None)? {
            Call::Thrown(reason) => return Err(Refusal::Rejected(reason)),
            Call::Returned(value) => value,
        };
        self.collect_logs(aggregate, work);
        let produced = self.outgoing_list(aggregate, handler, returned, Made::Event)?;

        let events_before = work.events.len();
        let causation = work.command.id.clone();
        self.append_with_versions(work, aggregate, &stream, produced, &causation, Some(instance.version))?;
        // Evolve: fold the new events into the state.
        for pending in &work.events[events_before..] {
            // The stream grows by every event, applied or not.
            instance.version += 1;
            let Some(applier) = self.model.event(&pending.name).map(|spec| spec.applier_fn.as_str()) else {
                continue;
            };
            if !script.has(applier) {
                continue;
            }
            let event = self.event_value(&pending.name, &pending.new.payload);
            match script.call(&self.engine, applier, (instance.state.clone(), event), None)? {
                Call::Returned(state) => instance.state = state,
                Call::Thrown(reason) => {
                    return Err(Refusal::Failed(format!("{}: `{applier}` threw: {reason}", script.path)));
                }
            }
        }
        self.collect_logs(aggregate, work);
        if self.options.detailed_traces {
            work.state_after = Some(self.json(&instance.state)?);
        }
        work.instance = Some((stream, instance));
        Ok(())
    }

    /// Project the step's events, let policies and external systems react.
    /// New events from external systems join the end of the list.
    fn follow(&mut self, work: &mut Work) -> Result<(), Refusal> {
        let mut index = 0;
        let mut depth = vec![0usize; work.events.len()];
        while index < work.events.len() {
            let name = work.events[index].name.clone();
            let payload = work.events[index].new.payload.clone();
            let event_id = work.events[index].new.metadata.event_id.clone();
            let Some(spec) = self.model.event(&name).cloned() else {
                index += 1;
                continue;
            };
            for &read_model in &spec.read_models {
                self.project(work, read_model, &name, &payload)?;
            }
            for &policy in &spec.policies {
                self.react(work, policy, &name, &payload, &event_id)?;
            }
            for &external in &spec.externals {
                if depth[index] >= MAX_EXTERNAL_DEPTH {
                    return Err(Refusal::Failed(format!(
                        "external systems kept answering events with events more than {MAX_EXTERNAL_DEPTH} times in one step"
                    )));
                }
                let event = self.event_value(&name, &payload);
                let produced = self.call_reaction(external, &spec.reaction_fn, event, work)?;
                let stream = contract::identifier(&self.model.elements[external].name);
                let before = work.events.len();
                self.append(work, external, &stream, produced, &event_id)?;
                depth.resize(work.events.len(), depth[index] + 1);
                debug_assert!(work.events.len() >= before);
            }
            index += 1;
        }
        Ok(())
    }

    fn project(
        &mut self,
        work: &mut Work,
        read_model: Sticky,
        event: &str,
        payload: &Value,
    ) -> Result<(), Refusal> {
        let script = self.script(read_model)?;
        let Some(function) = self.model.event(event).map(|spec| spec.projection_fn.clone()) else {
            return Ok(());
        };
        if !script.has(&function) {
            return Ok(());
        }
        let element = &self.model.elements[read_model];
        let Some(key) = document_key(element, payload) else {
            return Err(Refusal::Failed(format!(
                "event `{event}` has no field `{}`, which read model `{}` uses as its key",
                element.key.as_deref().unwrap_or_default(),
                element.name
            )));
        };
        let slot = (read_model, key.clone());
        let before = match work.documents.get(&slot) {
            Some(doc) => doc.clone(),
            None => {
                let stored = match self.cache.documents.get(&slot) {
                    Some(doc) => doc.clone(),
                    None => self
                        .store
                        .document(&self.branch, &element.name, &key)
                        .map_err(|e| Refusal::Failed(e.to_string()))?,
                };
                work.stored.insert((read_model, key.clone()), stored.clone());
                stored
            }
        };
        let doc = before.as_ref().map_or(Dynamic::UNIT, |d| value::to_rhai(d, None));
        let event_value = self.event_value(event, payload);
        let after = match script.call(&self.engine, &function, (doc, event_value), None)? {
            Call::Returned(doc) if doc.is_unit() => None,
            Call::Returned(doc) => Some(self.json(&doc)?),
            Call::Thrown(reason) => {
                return Err(Refusal::Failed(format!("{}: `{function}` threw: {reason}", script.path)));
            }
        };
        self.collect_logs(read_model, work);
        work.documents.insert(slot, after.clone());
        if let Some(entry) = work.document_order.iter_mut().find(|(rm, k, _)| *rm == read_model && *k == key)
        {
            entry.2 = after;
        } else {
            work.document_order.push((read_model, key, after));
        }
        Ok(())
    }

    fn react(
        &mut self,
        work: &mut Work,
        policy: Sticky,
        event: &str,
        payload: &Value,
        event_id: &str,
    ) -> Result<(), Refusal> {
        let script = self.script(policy)?;
        let Some(function) = self.model.event(event).map(|spec| spec.reaction_fn.clone()) else {
            return Ok(());
        };
        if !script.has(&function) {
            return Ok(());
        }
        let mut state = match work.policy_states.get(&policy) {
            Some(state) => state.clone(),
            None => self.policy_states.get(&policy).cloned().unwrap_or_else(|| Dynamic::from_map(Map::new())),
        };
        let event_value = self.event_value(event, payload);
        let returned = match script.call(&self.engine, &function, (event_value,), Some(&mut state))? {
            Call::Returned(value) => value,
            Call::Thrown(reason) => {
                return Err(Refusal::Failed(format!("{}: `{function}` threw: {reason}", script.path)));
            }
        };
        self.collect_logs(policy, work);
        work.policy_states.insert(policy, state);
        let commands = self.outgoing_list(policy, &function, returned, Made::Command)?;
        for outgoing in commands {
            let spec = self.model.command(&outgoing.name).map_err(|e| Refusal::Failed(e.to_string()))?;
            let element = self.model.elements[spec.element].clone();
            let data = self.checked_payload(policy, &function, &outgoing, &element.fields)?;
            let id = self.fresh_command_id();
            let policy_element = &self.model.elements[policy];
            let command = Command {
                id: id.clone(),
                command_type: outgoing.name.clone(),
                payload: data.clone(),
                metadata: CommandMetadata {
                    correlation_id: work.command.metadata.correlation_id.clone(),
                    causation_id: Some(event_id.to_owned()),
                    sticky_id: Some(element.id.to_string()),
                    actor: Some(format!("policy:{}", policy_element.id)),
                    script_hash: Some(script.hash.clone()),
                    ..CommandMetadata::default()
                },
            };
            let issued = IssuedCommand {
                id,
                name: outgoing.name.clone(),
                data,
                policy: self.sticky_ref(policy),
                event_id: event_id.to_owned(),
            };
            work.issued.push((command, issued));
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
        self.outgoing_list(sticky, function, returned, Made::Event)
    }

    fn append(
        &mut self,
        work: &mut Work,
        by: Sticky,
        stream: &str,
        produced: Vec<Outgoing>,
        causation: &str,
    ) -> Result<(), Refusal> {
        self.append_with_versions(work, by, stream, produced, causation, None)
    }

    /// Check produced events against the board and queue them for the
    /// store with their expected stream versions.
    fn append_with_versions(
        &mut self,
        work: &mut Work,
        by: Sticky,
        stream: &str,
        produced: Vec<Outgoing>,
        causation: &str,
        known_version: Option<u64>,
    ) -> Result<(), Refusal> {
        let script = self.script(by)?;
        for outgoing in produced {
            let Some(spec) = self.model.event(&outgoing.name) else {
                return Err(Refusal::Failed(format!(
                    "{}: {} emitted `{}`, which is not an event on the board",
                    script.path,
                    self.model.elements[by].describe(),
                    outgoing.name
                )));
            };
            let element = &self.model.elements[spec.element];
            let data = self.checked_payload(by, "", &outgoing, &element.fields)?;
            let version = match work.stream_versions.get(stream).or(self.cache.versions.get(stream)) {
                Some(&v) => v,
                None => match known_version {
                    Some(v) => v,
                    None => self
                        .store
                        .stream_version(&self.branch, stream)
                        .map_err(|e| Refusal::Failed(e.to_string()))?,
                },
            };
            work.stream_versions.insert(stream.to_owned(), version + 1);
            let event_id = format!("{}.{}", work.command.id, work.events.len() + 1);
            work.events.push(Pending {
                name: outgoing.name.clone(),
                emitted_by: by,
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
                        sticky_id: Some(self.model.elements[by].id.to_string()),
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
        by: Sticky,
        function: &str,
        returned: Dynamic,
        expected: Made,
    ) -> Result<Vec<Outgoing>, Refusal> {
        let script = self.script(by)?;
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
        let allowed = self.model.may_produce.get(&by);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let type_name = item.type_name().to_owned();
            let Some(outgoing) = item.try_cast::<Outgoing>() else {
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
            let on_board = match expected {
                Made::Event => self.model.event(&outgoing.name).is_some(),
                Made::Command => self.model.commands.contains_key(&outgoing.name),
            };
            if !on_board {
                return Err(Refusal::Failed(format!(
                    "{}: `{function}` produced {what} `{}`, which is not on the board",
                    script.path, outgoing.name
                )));
            }
            if !allowed.is_some_and(|names| names.contains(&outgoing.name)) {
                return Err(Refusal::Failed(format!(
                    "{}: `{function}` produced {what} `{}`, but {} has no arrow to it on the board",
                    script.path,
                    outgoing.name,
                    element.describe()
                )));
            }
            out.push(outgoing);
        }
        Ok(out)
    }

    fn checked_payload(
        &self,
        by: Sticky,
        function: &str,
        outgoing: &Outgoing,
        fields: &[squall_model::Field],
    ) -> Result<Value, Refusal> {
        let script_path = self.scripts.get(by).map(|s| s.path.clone()).unwrap_or_default();
        let data = value::to_json(&Dynamic::from_map(outgoing.data.clone()))
            .map_err(|e| Refusal::Failed(format!("{script_path}: `{}`: {e}", outgoing.name)))?;
        value::check_json(fields, &data).map_err(|errors| {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            let sticky = self
                .model
                .event(&outgoing.name)
                .map(|s| s.element)
                .or_else(|| self.model.commands.get(&outgoing.name).map(|s| s.element))
                .map(|s| self.model.elements[s].id.to_string())
                .unwrap_or_default();
            let place = if function.is_empty() { String::new() } else { format!(" in `{function}`") };
            Refusal::Failed(format!(
                "{script_path}{place}: `{}` ({sticky}) does not match the board: {}",
                outgoing.name,
                list.join("; ")
            ))
        })?;
        Ok(data)
    }

    fn script(&self, sticky: Sticky) -> Result<crate::script::Script, Refusal> {
        self.scripts.get(sticky).cloned().ok_or_else(|| {
            Refusal::Failed(format!("{} has no script", self.model.elements[sticky].describe()))
        })
    }

    fn json(&self, value: &Dynamic) -> Result<Value, Refusal> {
        value::to_json(value).map_err(|e| Refusal::Failed(e.to_string()))
    }

    pub(crate) fn event_value(&self, event: &str, payload: &Value) -> Dynamic {
        let fields = self.model.event(event).map(|spec| self.model.fields(spec.element)).unwrap_or_default();
        Dynamic::from_map(value::payload_to_rhai(fields, payload))
    }

    fn collect_logs(&self, sticky: Sticky, work: &mut Work) {
        for text in self.engine.take_logs() {
            work.logs.push(LogLine { sticky: self.sticky_ref(sticky), text });
        }
    }

    /// An aggregate instance: from the cache, or rebuilt from its stream.
    pub(crate) fn instance(&mut self, aggregate: Sticky, stream: &str) -> Result<Instance, SimError> {
        if let Some(instance) = self.cache.instances.get(stream) {
            return Ok(instance.clone());
        }
        let script = self
            .scripts
            .get(aggregate)
            .cloned()
            .ok_or_else(|| SimError::NoScript { element: self.model.elements[aggregate].describe() })?;
        let mut state = self.initial_state(&script)?;
        let mut version = 0;
        let mut failure = None;
        self.store.for_each_stream_event(&self.branch, stream, 0, |event| {
            version = event.stream_version;
            let applier = contract::applier(event.event_type);
            if failure.is_some() || !script.has(&applier) {
                return Ok::<(), SimError>(());
            }
            let payload: Value = serde_json::from_str(event.payload).unwrap_or(Value::Null);
            let event_value = self.event_value(event.event_type, &payload);
            match script.call(&self.engine, &applier, (state.clone(), event_value), None) {
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
        let instance = Instance { state, version };
        self.cache.instances.insert(stream.to_owned(), instance.clone());
        Ok(instance)
    }
}

/// The key a read model files an event's document under: the value of its
/// `key` field in the event, or `all` for a read model without a key.
pub(crate) fn document_key(read_model: &squall_model::Element, payload: &Value) -> Option<String> {
    match &read_model.key {
        None => Some("all".to_owned()),
        Some(field) => match payload.get(field)? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        },
    }
}
