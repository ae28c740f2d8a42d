//! The sandbox and the script errors users see.

use rhai::Dynamic;
use squall_sim::script::{Call, Limits, Made, Outgoing, Script, ScriptEngine};

fn engine() -> ScriptEngine {
    ScriptEngine::new(&Limits::default(), 7)
}

#[test]
fn given_an_endless_loop_when_called_then_it_is_stopped_naming_script_function_and_line() {
    let engine = engine();
    let script =
        Script::compile(&engine, "scripts/spin.rhai", "fn handle_Spin(state, c) {\n    loop {}\n}\n")
            .unwrap();
    let error = script.call(&engine, "handle_Spin", (Dynamic::UNIT, Dynamic::UNIT), None).unwrap_err();
    assert_eq!(error.function.as_deref(), Some("handle_Spin"));
    // An exhausted budget has no position of its own: the function's line.
    assert_eq!(error.line, Some(1));
    assert!(error.to_string().starts_with("scripts/spin.rhai:1: in `handle_Spin`: stopped"), "{error}");
    assert!(error.message.contains("too many operations"), "{error}");
    // The engine is still usable afterwards.
    let ok = Script::compile(&engine, "ok.rhai", "fn f() { 1 }").unwrap();
    assert!(matches!(ok.call(&engine, "f", (), None), Ok(Call::Returned(_))));
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let error = Script::compile(&engine(), "scripts/bad.rhai", "fn f() {\n  let x = ;\n}").unwrap_err();
    assert_eq!((error.line, error.column), (Some(2), Some(11)));
    assert!(error.to_string().starts_with("scripts/bad.rhai:2:11: "), "{error}");
}

#[test]
fn an_error_in_a_helper_function_names_the_helper() {
    let engine = engine();
    let text = "fn helper(x) {\n  x.nope()\n}\nfn handle_A(s, c) { helper(1) }";
    let script = Script::compile(&engine, "a.rhai", text).unwrap();
    let error = script.call(&engine, "handle_A", (Dynamic::UNIT, Dynamic::UNIT), None).unwrap_err();
    assert_eq!(error.function.as_deref(), Some("helper"));
    assert_eq!(error.line, Some(2));
}

#[test]
fn a_throw_is_a_refusal_not_an_error() {
    let engine = engine();
    let script =
        Script::compile(&engine, "a.rhai", "fn handle_A(s, c) { throw \"insufficient funds\"; }").unwrap();
    match script.call(&engine, "handle_A", (Dynamic::UNIT, Dynamic::UNIT), None).unwrap() {
        Call::Thrown(message) => assert_eq!(message, "insufficient funds"),
        other => panic!("expected a throw, got {other:?}"),
    }
}

#[test]
fn scripts_build_events_see_constants_and_keep_state_in_this() {
    let engine = engine();
    let text = r#"
const CAP = 2;
fn initial() { #{ seen: 0 } }
fn on_Tick(e) {
    this.seen += 1;
    if this.seen > global::CAP { return []; }
    [command("Tock", #{ n: this.seen })]
}
"#;
    let script = Script::compile(&engine, "p.rhai", text).unwrap();
    let Call::Returned(mut state) = script.call(&engine, "initial", (), None).unwrap() else { panic!() };
    let mut made = Vec::new();
    for _ in 0..3 {
        let Call::Returned(out) =
            script.call(&engine, "on_Tick", (Dynamic::UNIT,), Some(&mut state)).unwrap()
        else {
            panic!()
        };
        made.extend(out.into_array().unwrap().into_iter().map(|d| d.cast::<Outgoing>()));
    }
    assert_eq!(made.len(), 2);
    assert!(made.iter().all(|o| o.made == Made::Command && o.name == "Tock"));
}

#[test]
fn there_is_no_way_out_of_the_sandbox() {
    let engine = engine();
    for text in ["fn f() { eval(\"1\") }", "import \"x\" as x; fn f() { 1 }"] {
        let outcome = Script::compile(&engine, "x.rhai", text).and_then(|s| s.call(&engine, "f", (), None));
        assert!(outcome.is_err(), "{text} should fail");
    }
}

#[test]
fn now_random_and_log_are_the_only_helpers_and_they_are_deterministic() {
    let run = || {
        let engine = engine();
        engine.set_now("2026-01-02T03:04:05Z");
        let script =
            Script::compile(&engine, "h.rhai", "fn f() { log(\"hi\"); [now(), random(), random(100)] }")
                .unwrap();
        let Call::Returned(out) = script.call(&engine, "f", (), None).unwrap() else { panic!() };
        (out.to_string(), engine.take_logs())
    };
    let (first, logs) = run();
    assert_eq!(first, run().0);
    assert!(first.starts_with("[\"2026-01-02T03:04:05Z\", "), "{first}");
    assert_eq!(logs, ["hi"]);
}

#[test]
fn given_two_scripts_with_a_constant_of_the_same_name_then_each_reads_its_own_and_its_top_level_runs_once() {
    let engine = engine();
    let a = Script::compile(
        &engine,
        "a.rhai",
        "const LIMIT = 2 * 21;\nlog(\"loaded\");\nfn f() { global::LIMIT }",
    )
    .unwrap();
    let b = Script::compile(&engine, "b.rhai", "const LIMIT = \"b\";\nfn f() { global::LIMIT }").unwrap();

    let read = |script: &Script| match script.call(&engine, "f", (), None).unwrap() {
        Call::Returned(value) => value.to_string(),
        Call::Thrown(reason) => panic!("{reason}"),
    };

    assert_eq!([read(&a), read(&b), read(&a)], ["42", "b", "42"]);
    assert!(engine.take_logs().is_empty(), "the top level ran again");
}

#[test]
fn given_a_top_level_that_fails_when_compiled_then_the_error_names_the_script_and_line() {
    let error =
        Script::compile(&engine(), "scripts/t.rhai", "fn f() { 1 }\nthrow \"not ready\";").unwrap_err();
    assert_eq!(error.line, Some(2));
    assert!(error.to_string().starts_with("scripts/t.rhai:2"), "{error}");
    assert!(error.message.contains("not ready"), "{error}");
}
