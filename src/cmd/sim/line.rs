//! What one line typed into `squall sim` asks for.

use serde_json::{Map, Value};
use squall_model::{Board, FieldType, Kind};

/// A parsed REPL line.
#[derive(Debug, PartialEq)]
pub enum Input {
    Nothing,
    /// `run`: go on until quiet; otherwise only queue it, for `step`.
    Submit {
        name: String,
        data: Value,
        run: bool,
    },
    Step,
    Run,
    Rewind(u64),
    Events(Option<String>),
    View {
        name: String,
        key: Option<String>,
    },
    State {
        aggregate: String,
        id: String,
    },
    Branch {
        name: String,
        at: Option<u64>,
    },
    Switch(String),
    Branches,
    Diff {
        left: Option<String>,
        right: String,
    },
    Advance(String),
    Replay,
    SaveScenario {
        name: String,
        command_id: Option<String>,
    },
    Help,
    Quit,
}

pub const HELP: &str = "\
Commands:
  <Command> {json}              submit a command, e.g. DepositMoney {\"account_id\":\"a1\",\"amount\":5},
  <Command> key=value ...       or DepositMoney account_id=a1 amount=5; then run until quiet
  queue <Command> ...           only queue it, to go through its cascade with `step`
  step                          process one queued command (one message of a cascade)
  run                           process queued commands until none is left
  events [STREAM]               the events the current branch sees
  view NAME [KEY]               read-model documents
  state AGGREGATE ID            an aggregate instance's state
  rewind POSITION               go back: fork the current branch there and continue in the fork
  branch NAME [POSITION]        fork a what-if branch (at the head by default) and switch to it
  switch NAME                   continue in another branch
  branches                      list the branches; * marks the current one
  diff [A] B                    compare two branches (A defaults to the current one)
  advance DURATION              move the virtual clock, e.g. advance 1h or advance 2 days
  replay                        rebuild the read models from the events (after a script edit)
  save-scenario NAME [COMMAND]  add the command (the last one you submitted by default) and what
                                followed as a scenario to the model file; quote a NAME with spaces
  help                          this list
  quit                          leave (or Ctrl-D)";

const QUEUE_USAGE: &str = "usage: queue <Command> {json} or queue <Command> key=value ...";

/// Parse a line; `board` gives the field types that `key=value` pairs
/// are read as.
pub fn parse(line: &str, board: &Board) -> Result<Input, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
        return Ok(Input::Nothing);
    }
    let (first, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let words = || split_words(rest);
    let input = match first {
        "step" => no_arguments(rest, Input::Step)?,
        "run" => no_arguments(rest, Input::Run)?,
        "branches" => no_arguments(rest, Input::Branches)?,
        "replay" => no_arguments(rest, Input::Replay)?,
        "help" | "?" => Input::Help,
        "quit" | "exit" => no_arguments(rest, Input::Quit)?,
        "rewind" => match words()?.as_slice() {
            [position] => Input::Rewind(number(position)?),
            _ => return Err("usage: rewind POSITION".to_owned()),
        },
        "events" => match words()?.as_slice() {
            [] => Input::Events(None),
            [stream] => Input::Events(Some(stream.clone())),
            _ => return Err("usage: events [STREAM]".to_owned()),
        },
        "view" => match words()?.as_slice() {
            [name] => Input::View { name: name.clone(), key: None },
            [name, key] => Input::View { name: name.clone(), key: Some(key.clone()) },
            _ => return Err("usage: view NAME [KEY]".to_owned()),
        },
        "state" => match words()?.as_slice() {
            [aggregate, id] => Input::State { aggregate: aggregate.clone(), id: id.clone() },
            _ => return Err("usage: state AGGREGATE ID".to_owned()),
        },
        "branch" => match words()?.as_slice() {
            [name] => Input::Branch { name: name.clone(), at: None },
            [name, at] => Input::Branch { name: name.clone(), at: Some(number(at)?) },
            _ => return Err("usage: branch NAME [POSITION]".to_owned()),
        },
        "switch" => match words()?.as_slice() {
            [name] => Input::Switch(name.clone()),
            _ => return Err("usage: switch NAME".to_owned()),
        },
        "diff" => match words()?.as_slice() {
            [right] => Input::Diff { left: None, right: right.clone() },
            [left, right] => Input::Diff { left: Some(left.clone()), right: right.clone() },
            _ => return Err("usage: diff [A] B".to_owned()),
        },
        "advance" if !rest.is_empty() => Input::Advance(rest.to_owned()),
        "advance" => return Err("usage: advance DURATION, e.g. advance 1h".to_owned()),
        "save-scenario" => match words()?.as_slice() {
            [name] => Input::SaveScenario { name: name.clone(), command_id: None },
            [name, id] => Input::SaveScenario { name: name.clone(), command_id: Some(id.clone()) },
            _ => return Err("usage: save-scenario NAME [COMMAND_ID] (quote a name with spaces)".to_owned()),
        },
        "queue" if rest.is_empty() => return Err(QUEUE_USAGE.to_owned()),
        "queue" => match submission(rest, board)? {
            Input::Submit { name, data, .. } => Input::Submit { name, data, run: false },
            _ => return Err(QUEUE_USAGE.to_owned()),
        },
        _ => submission(line, board)?,
    };
    Ok(input)
}

fn no_arguments(rest: &str, input: Input) -> Result<Input, String> {
    if rest.is_empty() { Ok(input) } else { Err(format!("`{}` takes no arguments", word_of(&input))) }
}

fn word_of(input: &Input) -> &'static str {
    match input {
        Input::Step => "step",
        Input::Run => "run",
        Input::Branches => "branches",
        Input::Replay => "replay",
        _ => "quit",
    }
}

fn number(text: &str) -> Result<u64, String> {
    text.parse().map_err(|_| format!("`{text}` is not a position (a whole number like 3)"))
}

/// `Name {json}` or `Name key=value ...`. The name may have spaces, as
/// sticky names may.
fn submission(line: &str, board: &Board) -> Result<Input, String> {
    if let Some(brace) = line.find('{') {
        let name = line[..brace].trim();
        if name.is_empty() {
            return Err("name the command before its data: Name {json}".to_owned());
        }
        let data =
            serde_json::from_str(&line[brace..]).map_err(|e| format!("the data is not valid JSON: {e}"))?;
        return Ok(Input::Submit { name: name.to_owned(), data, run: true });
    }
    let words = split_words(line)?;
    let split = words.iter().position(|w| w.contains('=')).unwrap_or(words.len());
    let (name_words, pairs) = words.split_at(split);
    if name_words.is_empty() {
        return Err("name the command before its fields: Name key=value ...".to_owned());
    }
    let name = name_words.join(" ");
    let fields = board.element_named(Kind::Command, &name).map(|e| e.fields.as_slice()).unwrap_or_default();
    let mut data = Map::new();
    for pair in pairs {
        let Some((key, text)) = pair.split_once('=') else {
            return Err(format!("`{pair}` is not key=value; the fields follow the command's name"));
        };
        let ty = fields.iter().find(|f| f.name == key).map(|f| &f.ty);
        data.insert(key.to_owned(), typed(text, ty));
    }
    Ok(Input::Submit { name, data: Value::Object(data), run: true })
}

/// A `key=value` value as JSON: text for text fields, otherwise JSON when
/// it parses (numbers, true, lists), so the simulator can name a mistyped
/// value instead of seeing a string.
fn typed(text: &str, ty: Option<&FieldType>) -> Value {
    let textual = |ty: &FieldType| matches!(ty, FieldType::String | FieldType::Id | FieldType::Timestamp);
    match ty {
        Some(FieldType::Optional(_)) if text == "null" => Value::Null,
        Some(FieldType::Optional(inner)) => typed(text, Some(inner)),
        Some(ty) if textual(ty) => Value::String(text.to_owned()),
        _ => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())),
    }
}

/// Words separated by whitespace; double or single quotes keep spaces in a
/// word (`owner="Ada Lovelace"`), a backslash escapes the next character.
fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, quote) {
            ('\\', _) => {
                word.extend(chars.next());
                in_word = true;
            }
            (c, Some(q)) if c == q => quote = None,
            (_, Some(_)) => word.push(c),
            ('"' | '\'', None) => {
                quote = Some(c);
                in_word = true;
            }
            (c, None) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (c, None) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if let Some(q) = quote {
        return Err(format!("a {q} quote is not closed"));
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn bank() -> Board {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/bank_account.ron");
        squall_model::load(&path).unwrap()
    }

    #[test]
    fn a_command_with_json_data_is_submitted_as_is() {
        let input = parse(r#"DepositMoney {"account_id": "a1", "amount": 5}"#, &bank()).unwrap();
        assert_eq!(
            input,
            Input::Submit {
                name: "DepositMoney".into(),
                data: json!({"account_id": "a1", "amount": 5}),
                run: true
            }
        );
    }

    #[test]
    fn key_value_pairs_take_the_types_the_board_declares() {
        let input = parse(r#"OpenAccount account_id=42 owner="Ada Lovelace""#, &bank()).unwrap();
        assert_eq!(
            input,
            Input::Submit {
                name: "OpenAccount".into(),
                data: json!({"account_id": "42", "owner": "Ada Lovelace"}),
                run: true
            }
        );
        let input = parse("DepositMoney account_id=a1 amount=12.5", &bank()).unwrap();
        assert_eq!(
            input,
            Input::Submit {
                name: "DepositMoney".into(),
                data: json!({"account_id": "a1", "amount": 12.5}),
                run: true
            }
        );
    }

    #[test]
    fn queue_only_queues_the_command_for_step() {
        let input = parse("queue DepositMoney account_id=a1 amount=5", &bank()).unwrap();
        assert_eq!(
            input,
            Input::Submit {
                name: "DepositMoney".into(),
                data: json!({"account_id": "a1", "amount": 5}),
                run: false
            }
        );
        assert_eq!(parse("queue", &bank()).unwrap_err(), QUEUE_USAGE);
    }

    #[test]
    fn a_command_name_may_have_spaces() {
        let input = parse("Send thank-you email account_id=a1", &bank()).unwrap();
        assert_eq!(
            input,
            Input::Submit {
                name: "Send thank-you email".into(),
                data: json!({"account_id": "a1"}),
                run: true
            }
        );
    }

    #[test]
    fn builtins_parse_their_arguments() {
        let board = bank();
        assert_eq!(parse("rewind 3", &board).unwrap(), Input::Rewind(3));
        assert_eq!(parse("  ", &board).unwrap(), Input::Nothing);
        assert_eq!(
            parse("view AccountOverview a1", &board).unwrap(),
            Input::View { name: "AccountOverview".into(), key: Some("a1".into()) }
        );
        assert_eq!(
            parse("diff what-if", &board).unwrap(),
            Input::Diff { left: None, right: "what-if".into() }
        );
        assert_eq!(parse("advance 2 days", &board).unwrap(), Input::Advance("2 days".into()));
        assert_eq!(
            parse(r#"save-scenario "A deposit" c3"#, &board).unwrap(),
            Input::SaveScenario { name: "A deposit".into(), command_id: Some("c3".into()) }
        );
    }

    #[test]
    fn wrong_arguments_say_how_to_use_the_command() {
        let board = bank();
        assert!(parse("rewind", &board).unwrap_err().contains("usage: rewind POSITION"));
        assert!(parse("rewind x", &board).unwrap_err().contains("not a position"));
        assert!(parse("step 3", &board).unwrap_err().contains("`step` takes no arguments"));
        assert!(parse("OpenAccount owner=\"Ada", &board).unwrap_err().contains("not closed"));
        assert!(parse("OpenAccount {nope", &board).unwrap_err().contains("not valid JSON"));
        assert!(parse("OpenAccount a=1 stray", &board).unwrap_err().contains("`stray` is not key=value"));
    }
}
