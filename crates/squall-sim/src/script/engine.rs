//! The sandboxed Rhai engine every script runs in, and the few helpers
//! scripts get: `event`, `command`, `now`, `random`, `log`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rhai::packages::{Package, StandardPackage};
use rhai::{Dynamic, Engine, EvalAltResult, INT, Map, Module, Position};
use rust_decimal::Decimal;

use super::guard;
use super::reads::{Reader, Reads};

/// How much one script call may do before it is stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Rhai operations per call: stops `loop {}` in well under a second.
    pub operations: u64,
    pub call_levels: usize,
    pub expression_depth: usize,
    pub string_size: usize,
    pub array_size: usize,
    pub map_size: usize,
    /// Bytes of `log`, `print` and `debug` lines per call: a loop that prints would
    /// otherwise fill memory with lines before it runs out of operations.
    pub log_bytes: usize,
    /// How much the process's resident memory may grow during one call (Linux). Rhai checks
    /// the size of each value it builds, but a map grown by `m[key] = value` escapes that.
    pub memory: usize,
    /// Wall-clock time per call, a last resort: the operation budget counts operations, not
    /// what each costs (copying a 1 MiB string is one).
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            operations: 1_000_000,
            call_levels: 48,
            expression_depth: 64,
            string_size: 1 << 20,
            array_size: 100_000,
            map_size: 100_000,
            log_bytes: 64 << 10,
            memory: 256 << 20,
            time: Duration::from_secs(2),
        }
    }
}

/// Whether a script built an event or a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Made {
    Event,
    Command,
}

/// What `event(name, data)` and `command(name, data)` return to a script.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub made: Made,
    pub name: String,
    pub data: Map,
}

/// What the helpers read and write during one call.
#[derive(Debug)]
pub(crate) struct CallContext {
    /// The virtual clock, as RFC 3339.
    pub now: String,
    pub rng: fastrand::Rng,
    pub logs: Vec<String>,
    pub reads: Reads,
}

/// How many script calls an engine (and its clones) made, and the time spent inside them:
/// what a profile of a run needs to tell the scripts' share from the simulator's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallStats {
    pub calls: u64,
    pub time: Duration,
}

#[derive(Debug, Default)]
struct CallCounters {
    calls: AtomicU64,
    nanos: AtomicU64,
}

/// A configured engine and the context its helpers share.
#[derive(Clone)]
pub struct ScriptEngine {
    pub(crate) engine: Arc<Engine>,
    context: Arc<Mutex<CallContext>>,
    /// Shared by clones, so calls on replay threads count too.
    counters: Arc<CallCounters>,
    limits: Limits,
    /// Rhai's standard library, built once and shared by every engine made here.
    standard: Arc<Module>,
}

impl std::fmt::Debug for ScriptEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptEngine").finish_non_exhaustive()
    }
}

impl ScriptEngine {
    pub fn new(limits: &Limits, seed: u64) -> Self {
        let context = Arc::new(Mutex::new(CallContext {
            now: "1970-01-01T00:00:00Z".to_owned(),
            rng: fastrand::Rng::with_seed(seed),
            logs: Vec::new(),
            reads: Reads::default(),
        }));
        let standard = StandardPackage::new().as_shared_module();
        let engine = configured(limits, &context, &standard, None);
        ScriptEngine {
            engine: Arc::new(engine),
            context,
            counters: Arc::default(),
            limits: limits.clone(),
            standard,
        }
    }

    /// An engine like this one in which `global::NAME` reads `constants`: a script's
    /// top-level constants, evaluated once rather than before every call.
    pub(crate) fn with_constants(&self, constants: Module) -> Arc<Engine> {
        Arc::new(configured(&self.limits, &self.context, &self.standard, Some(constants)))
    }

    /// Set the virtual time that `now()` returns.
    pub fn set_now(&self, now: &str) {
        now.clone_into(&mut lock(&self.context).now);
    }

    /// Log lines written since the last call, oldest first.
    pub fn take_logs(&self) -> Vec<String> {
        std::mem::take(&mut lock(&self.context).logs)
    }

    /// Restart the random sequence, e.g. when a session is rebuilt.
    pub fn reseed(&self, seed: u64) {
        lock(&self.context).rng = fastrand::Rng::with_seed(seed);
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Who calls `document()` in the calls that follow, if anyone may.
    pub(crate) fn set_reader(&self, reader: Option<Arc<Reader>>) {
        lock(&self.context).reads.set_reader(reader);
    }

    /// Hand over a document `document()` asked for.
    pub(crate) fn answer(&self, read_model: usize, key: String, document: Option<Dynamic>) {
        lock(&self.context).reads.answer(read_model, key, document);
    }

    /// A document changed during a step: it must be handed over again.
    pub(crate) fn forget_document(&self, read_model: usize, key: &str) {
        lock(&self.context).reads.forget(read_model, key);
    }

    /// Documents handed over are only good for one step.
    pub(crate) fn forget_documents(&self) {
        lock(&self.context).reads.forget_all();
    }

    /// Documents `document()` asked for since the last look, not handed over.
    pub(crate) fn take_misses(&self) -> Vec<(usize, String)> {
        lock(&self.context).reads.take_misses()
    }

    /// The random sequence as it stands, to repeat a call exactly.
    pub(crate) fn rng(&self) -> fastrand::Rng {
        lock(&self.context).rng.clone()
    }

    pub(crate) fn set_rng(&self, rng: fastrand::Rng) {
        lock(&self.context).rng = rng;
    }

    /// Script calls made so far by this engine and its clones, on any thread.
    pub fn call_stats(&self) -> CallStats {
        CallStats {
            calls: self.counters.calls.load(Ordering::Relaxed),
            time: Duration::from_nanos(self.counters.nanos.load(Ordering::Relaxed)),
        }
    }

    pub(crate) fn count_call(&self, took: Duration) {
        self.counters.calls.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.counters.nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// An engine with the sandbox, the limits and the helpers.
fn configured(
    limits: &Limits,
    context: &Arc<Mutex<CallContext>>,
    standard: &Arc<Module>,
    constants: Option<Module>,
) -> Engine {
    // What `Engine::new` does, with the standard library shared rather than rebuilt.
    let mut engine = Engine::new_raw();
    // No string interning: the interner is one lock shared by every thread that runs
    // scripts (a replay runs several), and interning costs more than it saves here.
    engine.set_max_strings_interned(0);
    engine.register_global_module(Arc::clone(standard));
    if let Some(constants) = constants {
        // `global::NAME` is looked up in a static module called `global` before the
        // constants a call sets up by running the script's top level.
        engine.register_static_module("global", constants.into());
    }
    engine.set_max_operations(limits.operations);
    engine.set_max_call_levels(limits.call_levels);
    engine.set_max_expr_depths(limits.expression_depth, limits.expression_depth);
    engine.set_max_string_size(limits.string_size);
    engine.set_max_array_size(limits.array_size);
    engine.set_max_map_size(limits.map_size);
    let budget = limits.clone();
    engine.on_progress(move |operations| guard::check(operations, &budget).map(Dynamic::from));
    // No `import` of other files and no `eval` of strings: a script is
    // exactly the text in its file.
    engine.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
    engine.disable_symbol("eval");
    // Rhai's standard `sleep` blocks the thread where no operation is counted, so neither
    // the operation budget nor the time limit could stop it. Functions registered here are
    // found before the standard library's.
    engine.register_fn("sleep", |_: INT| -> Result<(), Box<EvalAltResult>> {
        Err(EvalAltResult::ErrorTerminated(
            "`sleep` is not available: a script's time is the virtual clock (`now()`)".into(),
            Position::NONE,
        )
        .into())
    });

    engine.register_type_with_name::<Outgoing>("Outgoing");
    engine.register_fn("event", |name: &str, data: Map| outgoing(Made::Event, name, data));
    engine.register_fn("event", |name: &str| outgoing(Made::Event, name, Map::new()));
    engine.register_fn("command", |name: &str, data: Map| outgoing(Made::Command, name, data));
    engine.register_fn("command", |name: &str| outgoing(Made::Command, name, Map::new()));
    engine.register_fn("to_string", |o: &mut Outgoing| {
        format!("{}({})", o.name, Dynamic::from_map(o.data.clone()))
    });
    engine.register_fn("to_debug", |o: &mut Outgoing| {
        format!("{}({})", o.name, Dynamic::from_map(o.data.clone()))
    });
    engine.register_type_with_name::<crate::projection::Deletion>("delete()");
    engine.register_fn("delete", || crate::projection::Deletion);

    let ctx = Arc::clone(context);
    engine.register_fn("now", move || lock(&ctx).now.clone());
    let ctx = Arc::clone(context);
    engine.register_fn("document", move |name: &str, key: Dynamic| lock(&ctx).reads.read(name, &key));
    let ctx = Arc::clone(context);
    engine.register_fn("random", move || {
        // Nine decimal digits: plenty for a simulation, exact to print.
        Decimal::new(lock(&ctx).rng.i64(0..1_000_000_000), 9)
    });
    let ctx = Arc::clone(context);
    engine.register_fn("random", move |below: INT| -> Result<INT, Box<EvalAltResult>> {
        if below <= 0 {
            return Err(format!("random({below}): the bound must be positive").into());
        }
        Ok(lock(&ctx).rng.i64(0..below))
    });
    let ctx = Arc::clone(context);
    let budget = limits.clone();
    engine.register_fn("log", move |value: Dynamic| {
        let line = value.to_string();
        if guard::log(line.len(), &budget) {
            lock(&ctx).logs.push(line);
        }
    });
    let ctx = Arc::clone(context);
    let budget = limits.clone();
    engine.on_print(move |text| {
        if guard::log(text.len(), &budget) {
            lock(&ctx).logs.push(text.to_owned());
        }
    });
    let ctx = Arc::clone(context);
    let budget = limits.clone();
    engine.on_debug(move |text, _source, position: Position| {
        if guard::log(text.len(), &budget) {
            lock(&ctx).logs.push(format!("{text} (line {})", position.line().unwrap_or(0)));
        }
    });
    engine
}

fn outgoing(made: Made, name: &str, data: Map) -> Outgoing {
    Outgoing { made, name: name.to_owned(), data }
}

/// The context holds plain data, so a panic elsewhere cannot leave it in a
/// state worth refusing; recover it from a poisoned lock.
fn lock(context: &Mutex<CallContext>) -> MutexGuard<'_, CallContext> {
    context.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
