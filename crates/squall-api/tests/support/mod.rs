//! Shared fixtures: the bank-account example, opened from a private copy.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use squall_api::{Op, Options, Request, Response, State, Workspace};
use squall_model::Board;

pub const BANK_ACCOUNT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/bank_account.ron");

/// A copy of the bank-account model in a fresh folder, and the workspace on it.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub workspace: Workspace,
}

pub fn bank_account() -> Fixture {
    bank_account_with(Options::default())
}

pub fn bank_account_with(options: Options) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank_account.ron");
    std::fs::copy(BANK_ACCOUNT, &path).unwrap();
    let workspace = Workspace::open(&path, options).unwrap();
    Fixture { dir, path, workspace }
}

impl Fixture {
    pub fn edit(&mut self, op: Op) -> Result<(State, Vec<squall_model::Id>), squall_api::Error> {
        match self.workspace.handle(Request::Edit { op: Box::new(op) })? {
            Response::Edited { state, created } => Ok((state, created)),
            other => panic!("an edit answered {other:?}"),
        }
    }

    pub fn request(&mut self, request: Request) -> Result<State, squall_api::Error> {
        match self.workspace.handle(request)? {
            Response::State { state } => Ok(state),
            other => panic!("expected a state, got {other:?}"),
        }
    }

    pub fn undo(&mut self) -> State {
        self.request(Request::Undo).unwrap()
    }

    pub fn redo(&mut self) -> State {
        self.request(Request::Redo).unwrap()
    }

    pub fn board(&self) -> Board {
        self.workspace.board().clone()
    }

    pub fn on_disk(&self) -> String {
        std::fs::read_to_string(&self.path).unwrap()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

pub fn id(text: &str) -> squall_model::Id {
    squall_model::Id::from(text)
}

/// `models/bank_account.ron` and `scripts/bank_account/` copied into a fresh
/// folder, laid out as `squall new` does, so the board runs; the folder and the model's path.
pub fn runnable_bank_account() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let scripts = dir.path().join("scripts/bank_account");
    std::fs::create_dir_all(dir.path().join("models")).unwrap();
    std::fs::create_dir_all(&scripts).unwrap();
    let model = dir.path().join("models/bank_account.ron");
    std::fs::copy(root.join("models/bank_account.ron"), &model).unwrap();
    for entry in std::fs::read_dir(root.join("scripts/bank_account")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, scripts.join(path.file_name().unwrap())).unwrap();
    }
    (dir, model)
}
