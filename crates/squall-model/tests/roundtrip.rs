//! The file format round-trips: what Squall writes it reads back as the same
//! board, and writing that again gives the same bytes, so saving an
//! unchanged board never shows up in a diff.

#![allow(clippy::unwrap_used, reason = "test helpers; clippy exempts only #[test] functions")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Number, Value};
use squall_model::lint::Code;
use squall_model::{
    Board, Connection, Element, Field, FieldType, Group, GroupKind, Id, Kind, Message, Outcome, Point,
    Scenario, Size, parse, to_ron,
};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `.ron` files of the example models and the lint fixtures.
fn canonical_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["models", "tests/fixtures/lint"] {
        for entry in std::fs::read_dir(workspace().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "ron") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn given_a_model_or_lint_fixture_when_loaded_and_written_then_the_bytes_are_unchanged() {
    let files = canonical_files();
    // The bank account plus one fixture per lint code.
    assert!(files.len() > Code::ALL.len(), "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let board = squall_model::load(&path).unwrap_or_else(|err| panic!("{err}"));
        let written = to_ron(&board).unwrap();
        assert!(
            written == text,
            "{} is not in canonical form; `squall fmt` would write:\n{written}",
            path.display()
        );
    }
}

#[test]
fn saving_fills_in_default_sizes_and_whole_positions() {
    let mut board = Board::new("b");
    let mut element = Element::new("evt-1", Kind::Event, "Opened", Point { x: 10.4, y: -3.6 });
    element.size = Size::default();
    board.elements.push(element);
    let back = parse(&to_ron(&board).unwrap(), "b.ron").unwrap();
    assert_eq!(back.elements[0].size, Kind::Event.default_size());
    assert_eq!(back.elements[0].position, Point { x: 10.0, y: -4.0 });
}

// ---- random boards ----

/// Text that stresses RON's string escapes: quotes, backslashes, newlines,
/// control characters, non-ASCII and RON punctuation, besides plain words.
fn text() -> impl Strategy<Value = String> {
    let tricky = prop_oneof![
        4 => any::<char>(),
        1 => prop::sample::select(vec![
            '"', '\'', '\\', '\n', '\r', '\t', '\0', '\u{7f}', '\u{85}', '\u{2028}', '\u{301}', '\u{feff}',
            'é', 'ß', '→', '漢', '😀', '#', '!', '[', ']', '(', ')', '{', '}', ',', ':', '/', '*', 'r',
        ]),
    ];
    prop_oneof![
        2 => "[A-Za-z][A-Za-z ]{0,12}",
        3 => prop::collection::vec(tricky, 0..12).prop_map(String::from_iter),
    ]
}

/// Ids are restricted to characters that need no escaping (the loader
/// refuses anything else); the index keeps them unique.
fn id_suffix() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.:-]{0,6}"
}

/// Finite floats of every magnitude, subnormals and signed zero included.
fn finite() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO,
        -5000.0..5000.0f64,
        (-5000i32..5000).prop_map(f64::from),
    ]
}

fn point() -> impl Strategy<Value = Point> {
    (finite(), finite()).prop_map(|(x, y)| Point { x, y })
}

fn size() -> impl Strategy<Value = Size> {
    (finite(), finite()).prop_map(|(width, height)| Size { width, height })
}

fn field_type() -> impl Strategy<Value = FieldType> {
    let leaf = prop_oneof![
        Just(FieldType::String),
        Just(FieldType::Int),
        Just(FieldType::Decimal),
        Just(FieldType::Bool),
        Just(FieldType::Timestamp),
        Just(FieldType::Id),
        Just(FieldType::Map),
    ];
    leaf.prop_recursive(3, 8, 1, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| FieldType::List(Box::new(t))),
            inner.prop_map(|t| FieldType::Optional(Box::new(t))),
        ]
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        text().prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        finite().prop_map(|f| Value::Number(Number::from_f64(f).unwrap())),
        any::<bool>().prop_map(Value::Bool),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..4)
                .prop_map(|entries| Value::Object(Map::from_iter(entries))),
        ]
    })
}

/// A payload: a JSON object, as scenarios hold them.
fn data() -> impl Strategy<Value = Value> {
    prop::collection::vec((text(), json_value()), 0..4)
        .prop_map(|entries| Value::Object(Map::from_iter(entries)))
}

fn message() -> impl Strategy<Value = Message> {
    (text(), data()).prop_map(|(name, data)| Message { name, data })
}

fn outcome() -> impl Strategy<Value = Outcome> {
    let single = one_outcome();
    prop_oneof![
        3 => one_outcome(),
        1 => prop::collection::vec(single, 0..3).prop_map(Outcome::All),
    ]
}

fn one_outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        (text(), text()).prop_map(|(name, reason)| Outcome::CommandRejected { name, reason }),
        prop::collection::vec(message(), 0..3).prop_map(Outcome::Events),
        prop::collection::vec(message(), 0..3).prop_map(Outcome::EventsInAnyOrder),
        text().prop_map(Outcome::Rejected),
        (text(), text(), json_value()).prop_map(|(name, key, document)| Outcome::ReadModel {
            name,
            key,
            document
        }),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (text(), proptest::option::of(text()), prop::collection::vec(message(), 0..3), message(), outcome())
        .prop_map(|(name, description, given, when, then)| Scenario { name, description, given, when, then })
}

fn kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(Kind::ALL.to_vec())
}

/// The parts of an element that every kind may have, and those that only
/// some kinds may; `element` keeps only what the element's kind allows, so
/// that the board loads.
#[derive(Debug, Clone)]
struct ElementParts {
    kind: Kind,
    suffix: String,
    name: String,
    description: Option<String>,
    position: Point,
    size: Size,
    colour: Option<String>,
    tags: Vec<String>,
    fields: Vec<(String, FieldType)>,
    script: Option<String>,
    key: Option<String>,
    resolved: bool,
    allow: BTreeMap<String, String>,
}

fn element_parts() -> impl Strategy<Value = ElementParts> {
    let codes: Vec<&'static str> = Code::names();
    (
        (kind(), id_suffix(), text(), proptest::option::of(text()), point(), size()),
        (
            proptest::option::of(text()),
            prop::collection::vec(text(), 0..4),
            prop::collection::vec((text(), field_type()), 0..4),
            proptest::option::of(text()),
            proptest::option::of(text()),
            any::<bool>(),
            prop::collection::btree_map(prop::sample::select(codes), text(), 0..3),
        ),
    )
        .prop_map(
            |(
                (kind, suffix, name, description, position, size),
                (colour, tags, fields, script, key, resolved, allow),
            )| ElementParts {
                kind,
                suffix,
                name,
                description,
                position,
                size,
                colour,
                tags,
                fields,
                script,
                key,
                resolved,
                allow: allow.into_iter().map(|(code, reason)| (code.to_owned(), reason)).collect(),
            },
        )
}

fn element(index: usize, parts: ElementParts) -> Element {
    let kind = parts.kind;
    Element {
        id: Id(format!("{}-{index}{}", kind.id_prefix(), parts.suffix)),
        kind,
        name: parts.name,
        description: parts.description,
        position: parts.position,
        size: parts.size,
        colour: parts.colour,
        tags: parts.tags,
        // Field names must be non-blank and distinct; the index prefix makes
        // them so without taming the rest of the name.
        fields: if kind.has_fields() {
            parts
                .fields
                .into_iter()
                .enumerate()
                .map(|(i, (name, ty))| Field { name: format!("{i}:{name}"), ty })
                .collect()
        } else {
            Vec::new()
        },
        script: parts.script.filter(|_| kind.has_script()),
        key: parts.key.filter(|_| matches!(kind, Kind::Aggregate | Kind::ReadModel)),
        resolved: parts.resolved && kind == Kind::Hotspot,
        allow: parts.allow,
    }
}

type GroupParts = (GroupKind, String, Option<String>, Point, Size, Option<String>, Vec<Index>);

fn group_parts() -> impl Strategy<Value = GroupParts> {
    (
        prop_oneof![Just(GroupKind::BoundedContext), Just(GroupKind::Swimlane)],
        text(),
        proptest::option::of(text()),
        point(),
        size(),
        proptest::option::of(text()),
        prop::collection::vec(any::<Index>(), 0..5),
    )
}

/// A random board that loads: well-formed unique ids, connections and
/// members between existing elements, kind-specific data only where it
/// belongs. Drawn in random order, unlike the canonical form.
fn board() -> impl Strategy<Value = Board> {
    (
        (text(), proptest::option::of(text())),
        prop::collection::vec(element_parts(), 0..8),
        prop::collection::vec((any::<Index>(), any::<Index>(), proptest::option::of(text())), 0..10),
        prop::collection::vec(group_parts(), 0..3),
        prop::collection::vec(scenario(), 0..3),
    )
        .prop_map(|((name, description), parts, arrows, groups, scenarios)| {
            let elements: Vec<Element> =
                parts.into_iter().enumerate().map(|(i, parts)| element(i, parts)).collect();
            let pick = |index: &Index| elements[index.index(elements.len())].id.clone();
            let connections = if elements.is_empty() {
                Vec::new()
            } else {
                arrows
                    .iter()
                    .map(|(from, to, label)| Connection {
                        from: pick(from),
                        to: pick(to),
                        label: label.clone(),
                    })
                    .collect()
            };
            let groups = groups
                .into_iter()
                .enumerate()
                .map(|(i, (kind, name, description, position, size, colour, members))| Group {
                    id: Id(format!("ctx-{i}")),
                    kind,
                    name,
                    description,
                    position,
                    size,
                    colour,
                    members: if elements.is_empty() {
                        Vec::new()
                    } else {
                        members.iter().map(pick).collect()
                    },
                })
                .collect();
            Board {
                format_version: squall_model::FORMAT_VERSION,
                name,
                description,
                elements,
                connections,
                groups,
                scenarios,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_written_board_reads_back_as_its_canonical_self_and_writes_the_same_text(board in board()) {
        let text = to_ron(&board).unwrap();
        let parsed = match parse(&text, "random.ron") {
            Ok(parsed) => parsed,
            Err(err) => return Err(TestCaseError::fail(format!("{err}\n--- written:\n{text}"))),
        };
        let mut canonical = board;
        canonical.canonicalize();
        prop_assert_eq!(&parsed, &canonical, "written:\n{}", text);
        prop_assert_eq!(to_ron(&parsed).unwrap(), text);
    }
}
