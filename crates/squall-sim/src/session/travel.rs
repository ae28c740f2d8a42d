//! Time travel and what-if branches: rewind, fork, switch, diff, replay.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rhai::Dynamic;
use serde::Serialize;
use serde_json::Value;
use squall_model::Kind;
use squall_store::{Branch, Checkpoint, DocumentChange};

use super::Session;
use super::replay::Projector;
use crate::error::SimError;
use crate::model::Sticky;
use crate::value;

/// Documents of one read model that differ, keyed by document key.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocumentDiff {
    pub read_model: String,
    pub key: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// How two branches differ.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BranchDiff {
    pub left: String,
    pub right: String,
    /// Positions of events only the left branch sees, and only the right.
    pub only_left: Vec<EventSummary>,
    pub only_right: Vec<EventSummary>,
    /// `before` is the left branch's document, `after` the right's.
    pub documents: Vec<DocumentDiff>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EventSummary {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub position: u64,
    pub stream_id: String,
    pub name: String,
    pub data: Value,
}

/// What a replay of the read models changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReplayReport {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    pub changed: Vec<DocumentDiff>,
}

impl Session {
    pub fn branches(&self) -> Result<Vec<Branch>, SimError> {
        Ok(self.store.branches()?)
    }

    /// Go back to `position`: a new branch forks there and becomes current,
    /// with aggregates and read models as of that position. The branch left
    /// behind keeps everything after it. Returns the new branch's name.
    pub fn rewind(&mut self, position: u64) -> Result<String, SimError> {
        let existing: BTreeSet<String> = self.store.branches()?.into_iter().map(|b| b.name).collect();
        let base = format!("{}@{position}", self.branch);
        let name = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}.{n}")))
            .find(|candidate| !existing.contains(candidate))
            .unwrap_or(base);
        self.fork(&name, Some(position))?;
        Ok(name)
    }

    /// Fork the current branch at `at` (default: its head) into a named
    /// what-if branch, and continue there.
    pub fn fork(&mut self, name: &str, at: Option<u64>) -> Result<(), SimError> {
        let at = match at {
            Some(at) => at,
            None => self.store.head(&self.branch)?,
        };
        self.store.create_branch(name, &self.branch, at, &self.clock.now())?;
        self.switch(name)?;
        self.rebuild_read_models()?;
        Ok(())
    }

    /// Make another branch current.
    pub fn switch(&mut self, name: &str) -> Result<(), SimError> {
        self.store.head(name)?;
        name.clone_into(&mut self.branch);
        self.cache.clear();
        self.rebuild_policies()
    }

    /// Rebuild every read model of the current branch from its events (for
    /// example after a script edit) and report what changed.
    pub fn replay(&mut self) -> Result<ReplayReport, SimError> {
        self.reload_scripts()?;
        self.rebuild_read_models()
    }

    /// Compare two branches: the events each sees that the other does not,
    /// and the read-model documents that differ.
    pub fn diff(&self, left: &str, right: &str) -> Result<BranchDiff, SimError> {
        let events = |branch: &str| -> Result<BTreeMap<u64, EventSummary>, SimError> {
            let mut out = BTreeMap::new();
            self.store.for_each_event(branch, 0, None, |event| {
                out.insert(
                    event.position,
                    EventSummary {
                        position: event.position,
                        stream_id: event.stream_id.to_owned(),
                        name: event.event_type.to_owned(),
                        data: serde_json::from_str(event.payload).unwrap_or(Value::Null),
                    },
                );
                Ok::<(), SimError>(())
            })?;
            Ok(out)
        };
        let (l, r) = (events(left)?, events(right)?);
        let only = |a: &BTreeMap<u64, EventSummary>, b: &BTreeMap<u64, EventSummary>| {
            a.iter().filter(|(p, _)| !b.contains_key(p)).map(|(_, e)| e.clone()).collect()
        };
        let mut documents = Vec::new();
        for (sticky, _) in self.model.scripted(Kind::ReadModel) {
            let name = self.model.key(sticky);
            let docs = |branch: &str| -> Result<BTreeMap<String, Value>, SimError> {
                Ok(self.store.documents(branch, name)?.into_iter().map(|d| (d.key, d.document)).collect())
            };
            let (a, b) = (docs(left)?, docs(right)?);
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                if a.get(key) != b.get(key) {
                    documents.push(DocumentDiff {
                        read_model: name.to_owned(),
                        key: key.clone(),
                        before: a.get(key).cloned(),
                        after: b.get(key).cloned(),
                    });
                }
            }
        }
        Ok(BranchDiff {
            left: left.to_owned(),
            right: right.to_owned(),
            only_left: only(&l, &r),
            only_right: only(&r, &l),
            documents,
        })
    }

    /// Recompute the current branch's read models from all its events
    /// (see `replay.rs`), write the difference in one transaction, and
    /// report it.
    pub(crate) fn rebuild_read_models(&mut self) -> Result<ReplayReport, SimError> {
        self.cache.clear_documents();
        let model = Arc::clone(&self.model);
        let read_models: Vec<Sticky> = model
            .scripted(Kind::ReadModel)
            .map(|(i, _)| i)
            .filter(|i| self.scripts.get(*i).is_some())
            .collect();
        let (count, mut docs) = self.project_all()?;
        let branch = self.branch.clone();

        let head = self.store.head(&branch)?;
        let mut changes = Vec::new();
        let mut changed = Vec::new();
        let mut checkpoints = Vec::new();
        for &rm in &read_models {
            let name = model.key(rm);
            let stored: BTreeMap<String, Value> =
                self.store.documents(&branch, name)?.into_iter().map(|d| (d.key, d.document)).collect();
            let mut fresh: BTreeMap<String, Value> = BTreeMap::new();
            for (key, doc) in docs[rm].drain() {
                // Checked when it was stored above.
                let json = value::to_json(&doc).map_err(|e| SimError::Rebuild(e.to_string()))?;
                fresh.insert(key, json);
            }
            let keys: BTreeSet<&String> = stored.keys().chain(fresh.keys()).collect();
            for key in keys {
                let (before, after) = (stored.get(key), fresh.get(key));
                if before == after {
                    continue;
                }
                changes.push(match after {
                    Some(document) => DocumentChange::Upsert {
                        read_model: name.to_owned(),
                        key: key.clone(),
                        document: document.clone(),
                    },
                    None => DocumentChange::Delete { read_model: name.to_owned(), key: key.clone() },
                });
                changed.push(DocumentDiff {
                    read_model: name.to_owned(),
                    key: key.clone(),
                    before: before.cloned(),
                    after: after.cloned(),
                });
            }
            checkpoints.push(Checkpoint { projection: name.to_owned(), position: head });
        }
        self.store.update_read_models(&branch, &changes, &checkpoints)?;
        Ok(ReplayReport { events: count, changed })
    }

    /// Policies keep state in `this`; bring it up to date with the current
    /// branch by replaying its events through them (their commands were
    /// already issued and are dropped here).
    pub(crate) fn rebuild_policies(&mut self) -> Result<(), SimError> {
        self.policy_states.clear();
        let policies: Vec<usize> = self.model.scripted(Kind::Policy).map(|(i, _)| i).collect();
        let mut states: HashMap<usize, Dynamic> = HashMap::new();
        for &policy in &policies {
            let Some(script) = self.scripts.get(policy) else { continue };
            let state = self.initial_state(script)?;
            states.insert(policy, state);
        }
        // Policies that read read models see each document as it was at each event:
        // those read models are projected along the way.
        let read: Vec<usize> =
            self.model.readers.values().flat_map(|r| r.models.iter().map(|m| m.sticky)).collect();
        let mut projector = (!read.is_empty()).then(|| Projector::new(&self.model, &self.scripts, &read));
        let mut failure = None;
        let branch = self.branch.clone();
        self.store.for_each_event(&branch, 0, None, |event| {
            if failure.is_some() {
                return Ok::<(), SimError>(());
            }
            if let Some(projector) = &mut projector {
                projector.event(&self.engine, event.event_type, event.payload, event.position)?;
                // What was handed over for the last event may have changed with this one.
                self.engine.forget_documents();
            }
            let Some(spec) = self.model.event(event.event_type) else { return Ok(()) };
            if spec.policies.is_empty() {
                return Ok(());
            }
            let fields = self.model.fields(spec.element);
            let payload = value::payload_from_json(fields, event.payload).unwrap_or_default();
            for &policy in &spec.policies {
                let (Some(script), Some(state)) = (self.scripts.get(policy), states.get_mut(&policy)) else {
                    continue;
                };
                if !script.has(&spec.reaction_fn) {
                    continue;
                }
                let event_value = Dynamic::from_map(payload.clone());
                let load = |read_model: usize, key: &str| {
                    Ok(projector.as_ref().and_then(|p| p.document(read_model, key)))
                };
                let called = super::reading::call_policy(
                    &self.engine,
                    (script, &spec.reaction_fn),
                    self.model.readers.get(&policy),
                    &event_value,
                    state,
                    load,
                );
                match called {
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => failure = Some(SimError::from(error)),
                    Err(error) => failure = Some(error),
                }
            }
            Ok(())
        })?;
        self.engine.take_logs();
        self.engine.forget_documents();
        if let Some(error) = failure {
            return Err(error);
        }
        self.policy_states = states;
        Ok(())
    }
}
