//! `squall new`: start a model from a template.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use anyhow::{Context as _, bail};
use squall_model::{Board, Group, GroupKind, Point, Size};

use crate::Outcome;

const CREATED: Style = AnsiColor::Green.on_default().bold();

/// Create a new model and its scripts folder from a template.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Create DIR/models/NAME.ron and the scripts folder DIR/scripts/NAME/ from a template.\n\n\
        `empty` is a board with one bounded context and nothing in it; `bank-account` is the \
        complete bank-account example (commands, aggregate, events, policies, read model, \
        scenarios) with its five Rhai scripts. Existing files are never overwritten.",
    after_help = "Examples:\n  \
        squall new shop\n  \
        squall new banking --template bank-account --dir ~/boards"
)]
pub struct Args {
    /// The model's name, used as file name: letters, digits, `-` and `_`.
    #[arg(value_name = "NAME", value_parser = parse_name)]
    pub name: String,

    /// What the new board starts with.
    #[arg(long, value_enum, default_value_t = Template::Empty)]
    pub template: Template,

    /// The project folder to create `models/` and `scripts/` in.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Template {
    /// One empty bounded context.
    Empty,
    /// The bank-account example with its scripts.
    BankAccount,
}

const BANK_ACCOUNT_MODEL: &str = include_str!("../../models/bank_account.ron");
/// Where the example's scripts live, as its model file refers to them.
const BANK_ACCOUNT_SCRIPTS_DIR: &str = "../scripts/bank_account/";
const BANK_ACCOUNT_SCRIPTS: [(&str, &str); 5] = [
    ("account_overview.rhai", include_str!("../../scripts/bank_account/account_overview.rhai")),
    ("bank_account.rhai", include_str!("../../scripts/bank_account/bank_account.rhai")),
    ("ceo_bonus.rhai", include_str!("../../scripts/bank_account/ceo_bonus.rhai")),
    ("email_service.rhai", include_str!("../../scripts/bank_account/email_service.rhai")),
    ("send_thank_you_email.rhai", include_str!("../../scripts/bank_account/send_thank_you_email.rhai")),
];

/// A model name becomes a file stem and a folder name, on every platform.
fn parse_name(name: &str) -> Result<String, String> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        && !name.starts_with('-');
    if valid {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "`{name}` is not a valid model name; use 1 to 64 letters, digits, `-` and `_` \
             (not starting with `-`), e.g. `bank_account`"
        ))
    }
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let model_path = args.dir.join("models").join(format!("{}.ron", args.name));
    let scripts_dir = args.dir.join("scripts").join(&args.name);
    let (board, scripts) = match args.template {
        Template::Empty => (empty_board(&args.name), Vec::new()),
        Template::BankAccount => (bank_account_board(&args.name)?, BANK_ACCOUNT_SCRIPTS.to_vec()),
    };
    let model_text = squall_model::to_ron(&board)?;

    let mut files = vec![(model_path.clone(), model_text.as_str())];
    files.extend(scripts.iter().map(|&(file, text)| (scripts_dir.join(file), text)));
    // Look before writing anything, so a refusal leaves no half-made model.
    if let Some((existing, _)) = files.iter().find(|(path, _)| path.exists()) {
        bail!("{} already exists; not overwriting it (choose another NAME or --dir)", existing.display());
    }

    create_dir(&scripts_dir)?;
    if let Some(models_dir) = model_path.parent() {
        create_dir(models_dir)?;
    }
    let mut out = anstream::stdout().lock();
    for (path, text) in &files {
        create_file(path, text)?;
        writeln!(out, "{CREATED}created{CREATED:#} {}", path.display()).context("cannot write to stdout")?;
    }
    if scripts.is_empty() {
        writeln!(out, "{CREATED}created{CREATED:#} {}/", scripts_dir.display())
            .context("cannot write to stdout")?;
    }
    writeln!(out, "\nnext: squall check {}", model_path.display()).context("cannot write to stdout")?;
    Ok(Outcome::Fine)
}

/// A board with one empty bounded context named after the model.
fn empty_board(name: &str) -> Board {
    let mut board = Board::new(name);
    board.groups.push(Group {
        id: "ctx-main".into(),
        kind: GroupKind::BoundedContext,
        name: name.to_owned(),
        description: None,
        position: Point { x: 0.0, y: 0.0 },
        size: Size { width: 1600.0, height: 800.0 },
        colour: None,
        members: Vec::new(),
    });
    board
}

/// The bank-account example, renamed, with its scripts under `scripts/NAME/`.
pub(crate) fn bank_account_board(name: &str) -> anyhow::Result<Board> {
    let mut board = squall_model::parse(BANK_ACCOUNT_MODEL, "the bank-account template")
        .context("the built-in bank-account template does not load; this is a bug in squall")?;
    board.name = name.to_owned();
    let scripts_dir = format!("../scripts/{name}/");
    for element in &mut board.elements {
        if let Some(script) = &mut element.script
            && let Some(file) = script.strip_prefix(BANK_ACCOUNT_SCRIPTS_DIR)
        {
            *script = format!("{scripts_dir}{file}");
        }
    }
    Ok(board)
}

fn create_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create the folder", dir.display()))
}

/// Create `path` only if it does not exist yet, even if something else
/// creates it between the check above and now.
fn create_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path).with_context(|| {
        format!("{}: cannot create the file (it may already exist; not overwriting it)", path.display())
    })?;
    file.write_all(text.as_bytes()).with_context(|| format!("{}: cannot write the file", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_file_stems() {
        assert!(parse_name("bank_account-2").is_ok());
        for bad in ["", "a b", "../x", "a/b", "é", "-x", "a.ron"] {
            assert!(parse_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_script_of_the_template_is_embedded_and_rewritten() {
        let board = bank_account_board("shop").unwrap();
        let scripts: Vec<&str> = board.elements.iter().filter_map(|e| e.script.as_deref()).collect();
        assert_eq!(scripts.len(), BANK_ACCOUNT_SCRIPTS.len());
        for script in scripts {
            let file = script.strip_prefix("../scripts/shop/").unwrap();
            assert!(BANK_ACCOUNT_SCRIPTS.iter().any(|(name, _)| *name == file), "{script}");
        }
        assert_eq!(board.name, "shop");
    }
}
