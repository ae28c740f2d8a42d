//! Who may use the server, and where its clients may reach on this machine.
//! A browser is not a shell, and with `--share` it is not even this machine:
//! every request shows the token before anything of it is read, and the
//! files a client names stay inside the model's project.

use std::path::{Component, Path};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use squall_api::{ElementPatch, ErrorBody, Op, Request as ApiRequest, Role, confine};

use super::Shared;

/// The server's secrets, one per role, and the cookie a page loaded with
/// one gets, so the files that page asks for (scripts, styles) need not
/// carry it. The link someone opens decides their role.
#[derive(Debug)]
pub struct Tokens {
    secrets: [(Role, String); 3],
    /// Named after the port: two servers on one machine would otherwise
    /// overwrite each other's cookie (cookies ignore ports).
    cookie: String,
}

impl Tokens {
    /// 32 random bytes from the operating system per role, as hex.
    pub fn new(port: u16) -> anyhow::Result<Tokens> {
        let secret = || -> anyhow::Result<String> {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes)
                .map_err(|err| anyhow::anyhow!("cannot make an access token: {err}"))?;
            Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
        };
        Ok(Tokens {
            secrets: [
                (Role::Facilitator, secret()?),
                (Role::Participant, secret()?),
                (Role::Viewer, secret()?),
            ],
            cookie: format!("squall_{port}"),
        })
    }

    pub fn secret(&self, role: Role) -> &str {
        self.secrets.iter().find(|(r, _)| *r == role).map_or("", |(_, secret)| secret.as_str())
    }

    /// The role whose secret `given` is, compared in constant time.
    fn role_of(&self, given: &str) -> Option<Role> {
        self.secrets.iter().find(|(_, secret)| same(given, secret)).map(|(role, _)| *role)
    }

    /// The role of the query's token (`?token=`) or of an `Authorization: Bearer` header.
    fn given(&self, request: &Request) -> Option<(Role, String)> {
        let in_query = request
            .uri()
            .query()
            .into_iter()
            .flat_map(|query| query.split('&'))
            .filter_map(|pair| pair.strip_prefix("token="));
        let bearer = header_text(request.headers(), header::AUTHORIZATION)
            .and_then(|value| value.strip_prefix("Bearer "));
        in_query.chain(bearer).find_map(|given| Some((self.role_of(given)?, given.to_owned())))
    }

    fn in_cookie(&self, headers: &HeaderMap) -> Option<Role> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, _)| *name == self.cookie)
            .find_map(|(_, value)| self.role_of(value))
    }

    fn set_cookie(&self, secret: &str) -> Option<HeaderValue> {
        HeaderValue::from_str(&format!("{}={secret}; HttpOnly; SameSite=Strict; Path=/", self.cookie)).ok()
    }
}

fn same(given: &str, secret: &str) -> bool {
    let expected = secret.as_bytes();
    given.len() == expected.len()
        && given.bytes().zip(expected).fold(0u8, |differ, (a, b)| differ | (a ^ b)) == 0
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// The API and the WebSocket: the token in the query or a bearer header,
/// checked before the body is read. The handlers find the role it gives in
/// the request's extensions.
pub async fn api_token(State(shared): State<Arc<Shared>>, mut request: Request, next: Next) -> Response {
    let Some((role, _)) = shared.tokens.given(&request) else {
        return unauthorized();
    };
    request.extensions_mut().insert(role);
    next.run(request).await
}

/// The UI's files: a token, or the cookie a page loaded with one was given.
pub async fn file_token(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let by_token = shared.tokens.given(&request);
    if by_token.is_none() && shared.tokens.in_cookie(request.headers()).is_none() {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Squall: open the URL `squall serve` printed; it ends in ?token=…\n",
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    if let Some((_, secret)) = by_token
        && let Some(cookie) = shared.tokens.set_cookie(&secret)
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(ErrorBody {
            error: "missing or wrong token: use the URL `squall serve` printed, or an `Authorization: Bearer` header"
                .into(),
        }),
    )
        .into_response()
}

/// Keep what a client names on this machine inside the model's project:
/// model files (opened, saved as) inside the model's folder, scripts
/// (`.rhai`) inside the folder above it, where `scripts/` sits beside
/// `models/`. Symbolic links are followed before the check, so a link inside
/// the folder cannot lead out of it.
pub fn confine(request: ApiRequest, root: &Path) -> Result<ApiRequest, squall_api::Error> {
    Ok(match request {
        ApiRequest::Open { path, discard } => ApiRequest::Open { path: model_file(&path, root)?, discard },
        ApiRequest::SaveAs { path } => ApiRequest::SaveAs { path: model_file(&path, root)? },
        ApiRequest::Edit { op } => {
            scripts_of(&op).try_for_each(|script| confine::script(script, root))?;
            ApiRequest::Edit { op }
        }
        ApiRequest::ExportCode { language, dir, force } => {
            if let Some(dir) = &dir {
                confine::folder(dir, root)?;
            }
            ApiRequest::ExportCode { language, dir, force }
        }
        other => other,
    })
}

/// The script paths an edit would set.
fn scripts_of(op: &Op) -> Box<dyn Iterator<Item = &str> + '_> {
    match op {
        Op::AddElement { patch: Some(patch), .. } | Op::UpdateElement { patch, .. } => {
            Box::new(script_of(patch).into_iter())
        }
        Op::Paste { elements, .. } => Box::new(elements.iter().filter_map(|e| e.script.as_deref())),
        // A batch's ops are checked as if sent one by one, or a script path could hide inside one.
        Op::Batch { ops } => Box::new(ops.iter().flat_map(scripts_of)),
        _ => Box::new(std::iter::empty()),
    }
}

fn script_of(patch: &ElementPatch) -> Option<&str> {
    patch.script.as_deref().filter(|s| !s.is_empty())
}

fn model_file(path: &str, root: &Path) -> Result<String, squall_api::Error> {
    let given = Path::new(path);
    // The state's own path (root/NAME.ron) comes back as it was given out.
    let relative = match given.strip_prefix(root) {
        Ok(rest) if root != Path::new(".") => rest,
        _ => given,
    };
    let plain = relative.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !plain || relative.extension().is_none_or(|ext| ext != "ron") {
        return Err(squall_api::Error::BadRequest(format!(
            "`{path}`: files are opened and saved by a relative `.ron` path inside {}",
            root.display()
        )));
    }
    let file = root.join(relative);
    if !confine::really_inside(&file, root) {
        return Err(squall_api::Error::BadRequest(format!(
            "`{path}`: a symbolic link leads out of {}; files are opened and saved inside it",
            root.display()
        )));
    }
    Ok(file.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let models = dir.path().join("models");
        std::fs::create_dir_all(&models).unwrap();
        std::fs::create_dir_all(dir.path().join("scripts/bank")).unwrap();
        (dir, models)
    }

    #[test]
    fn scripts_beside_the_models_folder_are_allowed_and_host_files_are_not() {
        let (_dir, models) = project();
        assert!(confine::script("../scripts/bank/account.rhai", &models).is_ok());
        assert!(confine::script("new/folder/later.rhai", &models).is_ok());
        for outside in
            ["/etc/shadow", "../../../../etc/shadow", "../scripts/notes.txt", "../../x.rhai", "/tmp/x.rhai"]
        {
            let err = confine::script(outside, &models).unwrap_err();
            assert!(err.to_string().contains("scripts are `.rhai` files"), "{outside}: {err}");
        }
    }

    #[test]
    fn an_export_stays_inside_the_project() {
        let (_dir, models) = project();
        let export = |dir: &str| ApiRequest::ExportCode {
            language: squall_api::CodeLanguage::Rust,
            dir: Some(dir.to_owned()),
            force: false,
        };
        assert!(confine(export("../export/bank-rust"), &models).is_ok());
        for outside in ["/tmp/out", "../../out", "../../../etc"] {
            let err = confine(export(outside), &models).unwrap_err();
            assert!(
                err.to_string().contains("exports go to a folder named relative to the model"),
                "{outside}: {err}"
            );
        }
    }

    #[test]
    fn a_script_path_inside_a_batch_is_confined_like_one_sent_alone() {
        let (_dir, models) = project();
        let patch = ElementPatch { script: Some("/etc/shadow".into()), ..ElementPatch::default() };
        let hidden = Op::Batch {
            ops: vec![Op::Batch {
                ops: vec![Op::UpdateElement { id: squall_model::Id("agg-x".into()), patch }],
            }],
        };

        let err = confine(ApiRequest::Edit { op: Box::new(hidden) }, &models).unwrap_err();

        assert!(err.to_string().contains("scripts are `.rhai` files"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_inside_the_folder_cannot_lead_a_save_out_of_it() {
        let (dir, models) = project();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), models.join("out")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path().join("x.ron"), models.join("dangling.ron")).unwrap();

        let through_link = model_file("out/board.ron", &models).unwrap_err();
        let dangling = model_file("dangling.ron", &models).unwrap_err();

        assert!(through_link.to_string().contains("a symbolic link leads out of"), "{through_link}");
        assert!(dangling.to_string().contains("a symbolic link leads out of"), "{dangling}");
        assert!(model_file("board.ron", &models).is_ok());
        drop(dir);
    }
}
