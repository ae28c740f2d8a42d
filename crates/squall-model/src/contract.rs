//! The script contract's names: which function a script defines for which
//! message, derived from the names on the board. The simulator calls these
//! functions and the app's starter scripts define them, so both take the
//! names from here. See docs/scripting.md.

/// The Rhai identifier for a command or event name: its words in
/// PascalCase, so `Send thank-you email` becomes `SendThankYouEmail`. A
/// qualified name keeps its context apart: `Sales/PlaceOrder` becomes
/// `Sales_PlaceOrder` (see [`crate::naming`]).
pub fn identifier(name: &str) -> String {
    let parts: Vec<String> = name.split(crate::naming::SEPARATOR).map(words).collect();
    parts.join("_")
}

fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if upper_next {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper_next = false;
        } else {
            upper_next = true;
        }
    }
    out
}

/// An aggregate's initial state, and a policy's.
pub const INITIAL: &str = "initial";

/// Aggregate: decide on a command — `handle_<Command>(state, command)`.
pub fn handler(command: &str) -> String {
    format!("handle_{}", identifier(command))
}

/// Aggregate: evolve on an event — `apply_<Event>(state, event)`.
pub fn applier(event: &str) -> String {
    format!("apply_{}", identifier(event))
}

/// Policy: react to an event, external system: answer a command —
/// `on_<Message>(message)`.
pub fn reaction(message: &str) -> String {
    format!("on_{}", identifier(message))
}

/// Read model: project an event — `project_<Event>(doc, event)`.
pub fn projection(event: &str) -> String {
    format!("project_{}", identifier(event))
}

/// Read model: the keys of the documents an event updates —
/// `keys_<Event>(event)`, returning a list; each is then projected with
/// `project_<Event>(doc, event, key)`.
pub fn keys(event: &str) -> String {
    format!("keys_{}", identifier(event))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_pascal_case_identifiers() {
        assert_eq!(identifier("DepositMoney"), "DepositMoney");
        assert_eq!(identifier("Send thank-you email"), "SendThankYouEmail");
        assert_eq!(handler("money deposited"), "handle_MoneyDeposited");
        assert_eq!(handler("Sales/Place order"), "handle_Sales_PlaceOrder");
    }
}
