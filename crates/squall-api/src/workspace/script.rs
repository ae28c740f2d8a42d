//! The script editor's requests: read a sticky's script, check a text as it
//! is typed, write it.

use squall_model::Id;

use super::Workspace;
use crate::{Error, Response};

impl Workspace {
    /// The sticky's script with its diagnostics; with `text`, the
    /// diagnostics of that text instead of the file's.
    pub(super) fn read_script(&mut self, id: &Id, text: Option<String>) -> Result<Response, Error> {
        let _ = (id, text);
        Err(Error::Refused("not built yet".to_owned()))
    }

    pub(super) fn write_script(&mut self, id: Id, text: &str) -> Result<Response, Error> {
        let _ = (id, text);
        Err(Error::Refused("not built yet".to_owned()))
    }
}
