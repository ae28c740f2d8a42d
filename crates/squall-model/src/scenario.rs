//! Given / when / then scenarios, stored on the board and run by the simulator.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A specification by example: given these past events, when this command
/// arrives, then this outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Events already in the store, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<Message>,
    /// The command under test.
    pub when: Message,
    pub then: Outcome,
}

/// A command or event by its sticky's name, with its payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// The name of the command or event sticky, e.g. `DepositMoney`.
    pub name: String,
    /// The payload, a map from field names to values.
    #[serde(default = "empty_object")]
    pub data: Value,
}

impl Message {
    pub fn new(name: impl Into<String>, data: Value) -> Self {
        Message { name: name.into(), data }
    }
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

/// What a scenario expects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Outcome {
    /// Exactly these events, in order, appended by the command and the
    /// policies it sets off.
    Events(Vec<Message>),
    /// Exactly these events, in any order: for policies whose order does
    /// not matter to the domain, so moving their stickies on the board
    /// (which orders reactions) does not break the scenario.
    EventsInAnyOrder(Vec<Message>),
    /// The command is refused with this message.
    Rejected(String),
    /// After the command, this read model holds this document under this key.
    ReadModel { name: String, key: String, document: Value },
    /// A command the cascade issued (a policy's, or the `when` command itself) named `name`
    /// is refused with this reason.
    CommandRejected { name: String, reason: String },
    /// Every one of these holds; a failure names each that does not.
    All(Vec<Outcome>),
}
