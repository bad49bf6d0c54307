//! `citedex serve`: the library behind an HTTP API and a web page, on axum and tokio.
//!
//! - The API answers with the CLI's JSON (the same functions of [`crate::render::json`]):
//!   `/api/search`, `/api/passages/{id}`, `/api/works`, `/api/works/{key}` (also `.bib`,
//!   `.json` for CSL-JSON, `.txt?style=apa`), `/api/stats`, `/api/documents`. Errors are JSON
//!   `{"error": "…", "status": N}` with a status that fits (400 bad request, 404 unknown id).
//! - The page (`/`, `/p/{id}`, `/w/{key}`) is three files embedded in the binary
//!   ([`assets`]): no network, no build step.
//! - It is read-only: ids and keys are only looked up in the index, never joined to a path.
//! - The index stays current: a background thread checks the corpus every
//!   [`CHECK_EVERY`] as `search` does, re-indexes what changed, and swaps the new commit in;
//!   requests keep the commit they started with.

mod assets;

use crate::commands::{Paths, write_options};
use crate::index::CitedexIndex;
use crate::index::writer;
use crate::render;
use crate::search::{self, SearchError, works::Work};
use axum::extract::{Path as UrlPath, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

/// How often the corpus is checked for changes.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);
/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1000;
/// Most hits a page of results may ask for.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset a page may start at.
pub const MAX_OFFSET: usize = 10_000;
/// Longest id or work key accepted, in bytes.
const MAX_ID_BYTES: usize = 512;
/// Passages of the section shown on each side of a passage in the reading view.
const READING_AROUND: usize = 40;

/// What `citedex serve` is given.
#[derive(Clone, Debug)]
pub struct Options {
    pub paths: Paths,
    pub addr: SocketAddr,
    /// The origin allowed to call the API from another site (`--cors`); none by default.
    pub cors: Option<String>,
}

/// Every work of the index, and its export key by work id.
type Works = (Vec<Work>, HashMap<String, String>);

/// One commit of the index, with what is computed from it once.
struct Loaded {
    ci: CitedexIndex,
    /// Every work, with its export key, made on first use.
    works: OnceLock<Result<Works, String>>,
}

impl Loaded {
    fn open(paths: &Paths) -> anyhow::Result<Loaded> {
        let mut ci = CitedexIndex::open(&paths.index)?;
        ci.load_catalog()?;
        Ok(Loaded { ci, works: OnceLock::new() })
    }

    fn works(&self) -> Result<&Works, ApiError> {
        let made = self.works.get_or_init(|| {
            // Every entry's stored record is read: its pages let go as `cite` does.
            let _releaser = crate::index::directory::PageReleaser::start(&self.ci.directory);
            let works = search::works::find(&self.ci, None).map_err(|e| failed(&self.ci, e).message)?;
            let keys = render::bibtex::keys(works.iter().map(|w| (w.id.as_str(), &w.reference)));
            Ok((works, keys))
        });
        made.as_ref().map_err(|e| ApiError::internal(e.clone()))
    }
}

struct Shared {
    paths: Paths,
    current: RwLock<Arc<Loaded>>,
    cors: Option<HeaderValue>,
}

impl Shared {
    fn loaded(&self) -> Arc<Loaded> {
        Arc::clone(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }
}

type AppState = Arc<Shared>;

/// An error answered as JSON.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn bad(message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::BAD_REQUEST, message: message.into() }
    }
    fn not_found(message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::NOT_FOUND, message: message.into() }
    }
    fn internal(message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::INTERNAL_SERVER_ERROR, message: message.into() }
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> ApiError {
        let message = match std::error::Error::source(&e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        };
        match e {
            SearchError::Query(_) => ApiError::bad(message),
            _ => ApiError::internal(message),
        }
    }
}

/// A search's failure, with damaged index files said as `citedex search` says them.
fn failed(ci: &crate::index::CitedexIndex, e: SearchError) -> ApiError {
    match e {
        SearchError::Query(_) => e.into(),
        other => ApiError::internal(format!("{:#}", ci.explain(other))),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.message, "status": self.status.as_u16()});
        (self.status, Json(body)).into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

/// Runs the server until Ctrl-C (or SIGTERM); requests in flight finish first. Prints the URL
/// on `out` once listening.
pub fn run(opts: &Options, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> anyhow::Result<()> {
    // Builds the index first when there is none, and brings it up to date.
    drop(crate::commands::ready(&opts.paths, true, err)?);
    let cors = match &opts.cors {
        Some(origin) => Some(HeaderValue::from_str(origin).map_err(|_| {
            anyhow::anyhow!("--cors {origin}: not a valid origin; give one like http://localhost:3000")
        })?),
        None => None,
    };
    let shared = Arc::new(Shared {
        paths: opts.paths.clone(),
        current: RwLock::new(Arc::new(Loaded::open(&opts.paths)?)),
        cors,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}; pick another with --addr", opts.addr))?;
        let addr = listener.local_addr()?;
        writeln!(out, "citedex: serving {} at http://{addr}/ (Ctrl-C stops)", opts.paths.corpus.display())?;
        out.flush()?;
        spawn_watcher(Arc::clone(&shared));
        axum::serve(listener, router(shared)).with_graceful_shutdown(shutdown()).await?;
        anyhow::Ok(())
    })?;
    writeln!(err, "citedex: stopped")?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Checks the corpus every [`CHECK_EVERY`]; after a change (made here, or by a `citedex index`
/// run beside the server) the new commit replaces the old one for the requests that follow.
fn spawn_watcher(shared: AppState) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(CHECK_EVERY);
            let loaded = shared.loaded();
            let paths = &shared.paths;
            if paths.corpus.is_dir() && writer::is_stale(&paths.corpus, &paths.globs, &loaded.ci.meta) {
                // Another run holding the lock is fine: its commit is picked up below.
                let _ = writer::update(&write_options(paths, false), |_, _| {});
            }
            if is_newer(&loaded, paths)
                && let Ok(fresh) = Loaded::open(paths)
            {
                *shared.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh);
            }
        }
    });
}

/// Whether the index on disk holds another commit than the one loaded.
fn is_newer(loaded: &Loaded, paths: &Paths) -> bool {
    match CitedexIndex::open(&paths.index) {
        Ok(ci) => {
            ci.meta.updated != loaded.ci.meta.updated || ci.meta.fingerprint != loaded.ci.meta.fingerprint
        }
        Err(_) => false,
    }
}

fn router(shared: AppState) -> Router {
    Router::new()
        .route("/", get(assets::page))
        .route("/p/{*id}", get(assets::page))
        .route("/w/{*key}", get(assets::page))
        .route("/assets/{name}", get(assets::asset))
        .route("/api/search", get(api_search))
        .route("/api/passages/{*id}", get(api_passage))
        .route("/api/works", get(api_works))
        .route("/api/works/{*key}", get(api_work))
        .route("/api/stats", get(api_stats))
        .route("/api/documents", get(api_documents))
        .route("/api/{*rest}", get(api_unknown))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&shared), headers))
        .with_state(shared)
}

/// Headers of every answer: no sniffing of types, and CORS only for the origin `--cors` names.
async fn headers(State(shared): State<AppState>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let (true, Some(origin)) = (api, &shared.cors) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such page")
}

async fn api_unknown(UrlPath(rest): UrlPath<String>) -> ApiError {
    ApiError::not_found(format!(
        "no API endpoint /api/{rest}: the endpoints are /api/search, /api/passages/ID, /api/works, \
         /api/works/KEY, /api/stats and /api/documents"
    ))
}

/// Runs index work off the async threads, on the commit current when the request came.
async fn blocking(shared: AppState, work: impl FnOnce(&Loaded) -> ApiResult + Send + 'static) -> ApiResult {
    let loaded = shared.loaded();
    match tokio::task::spawn_blocking(move || work(&loaded)).await {
        Ok(answer) => answer,
        Err(_) => Err(ApiError::internal("internal error while answering; please report it")),
    }
}

#[derive(Deserialize)]
struct SearchParams {
    q: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    kind: Option<String>,
}

/// A number parameter within `0..=max`.
fn number(name: &str, given: Option<&str>, default: usize, max: usize) -> Result<usize, ApiError> {
    let Some(s) = given else { return Ok(default) };
    match s.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(ApiError::bad(format!("`{name}` must be a whole number from 0 to {max}, not `{s}`"))),
    }
}

/// A query from a parameter: present, not blank, not too long.
fn query_text(q: Option<&str>, what: &str) -> Result<String, ApiError> {
    let q = q.map(str::trim).unwrap_or_default();
    if q.is_empty() {
        return Err(ApiError::bad(format!("give a query: {what}?q=Witte")));
    }
    if q.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad(format!(
            "the query is too long ({} bytes; at most {MAX_QUERY_BYTES})",
            q.len()
        )));
    }
    Ok(q.to_string())
}

async fn api_search(State(shared): State<AppState>, Query(p): Query<SearchParams>) -> ApiResult {
    let mut q = query_text(p.q.as_deref(), "/api/search")?;
    let limit = number("limit", p.limit.as_deref(), 10, MAX_LIMIT)?.max(1);
    let offset = number("offset", p.offset.as_deref(), 0, MAX_OFFSET)?;
    if let Some(kind) = p.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        if !kind.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(ApiError::bad(format!(
                "unknown kind `{kind}`: body, caption, reference, link or note"
            )));
        }
        q = format!("{q} kind:{kind}");
    }
    blocking(shared, move |loaded| {
        let opts = search::Options { limit, offset, ..search::Options::default() };
        let results = search::run(&loaded.ci, &q, &opts).map_err(|e| failed(&loaded.ci, e))?;
        Ok(Json(render::json::results_value(&results)).into_response())
    })
    .await
}

/// An id or key as given in a URL: looked up in the index only, but refused when it could
/// not be one (too long, `..`, an absolute path, control characters).
fn checked_id(id: &str) -> Result<&str, ApiError> {
    let bad = id.is_empty()
        || id.len() > MAX_ID_BYTES
        || id.starts_with('/')
        || id.contains('\\')
        || id.split('/').any(|part| part == ".." || part == ".")
        || id.chars().any(char::is_control);
    if bad {
        Err(ApiError::bad(format!("`{}` is not an id of this index", id.escape_debug())))
    } else {
        Ok(id)
    }
}

async fn api_passage(State(shared): State<AppState>, UrlPath(id): UrlPath<String>) -> ApiResult {
    let id = checked_id(&id)?.to_string();
    blocking(shared, move |loaded| {
        let ci = &loaded.ci;
        // A cut paragraph's number alone names its first piece, as in `citedex show`.
        let found = match ci.passage(&id).map_err(|e| failed(ci, e))? {
            None if !id.rsplit('/').next().unwrap_or_default().contains('.') => {
                ci.passage(&format!("{id}.1")).map_err(|e| failed(ci, e))?
            }
            found => found,
        };
        let Some(found) = found else {
            return Err(ApiError::not_found(format!("no passage with id `{}`", id.escape_debug())));
        };
        let mut v = render::json::shown(&found);
        if let Some(reading) = ci.reading(&found.passage.id, READING_AROUND).map_err(|e| failed(ci, e))? {
            let context: Vec<Value> =
                reading.section.iter().map(|p| Value::Object(render::json::passage(p))).collect();
            v["context"] = Value::Array(context);
        }
        // The works its references stand for, to link to their pages.
        if let Some(r) = &found.passage.reference {
            let (works, _) = loaded.works()?;
            let key = crate::cite::link::work_key(r);
            if let Some(w) =
                works.iter().find(|w| w.listed.iter().any(|l| l.id == found.passage.id) || w.id == key)
            {
                v["work"] = json!(w.id);
            }
        }
        Ok(Json(v).into_response())
    })
    .await
}

#[derive(Deserialize)]
struct WorksParams {
    q: Option<String>,
}

async fn api_works(State(shared): State<AppState>, Query(p): Query<WorksParams>) -> ApiResult {
    let q = match p.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Some(query_text(Some(q), "/api/works")?),
        None => None,
    };
    blocking(shared, move |loaded| {
        let found;
        let works: &[Work] = match &q {
            Some(q) => {
                found = search::works::find(&loaded.ci, Some(q)).map_err(|e| failed(&loaded.ci, e))?;
                &found
            }
            None => &loaded.works()?.0,
        };
        let items: Vec<Value> = works.iter().map(render::json::work).collect();
        Ok(Json(json!({"query": q, "references": items})).into_response())
    })
    .await
}

#[derive(Deserialize)]
struct WorkParams {
    style: Option<String>,
}

async fn api_work(
    State(shared): State<AppState>,
    UrlPath(key): UrlPath<String>,
    Query(p): Query<WorkParams>,
) -> ApiResult {
    let key = checked_id(&key)?.to_string();
    blocking(shared, move |loaded| {
        let (works, keys) = loaded.works()?;
        let find = |k: &str| works.iter().find(|w| w.id == k);
        // `KEY.bib`, `KEY.json`, `KEY.txt`, unless the key itself ends so.
        let (work, format) = match find(&key) {
            Some(w) => (w, ""),
            None => {
                let (stem, ext) = key.rsplit_once('.').unwrap_or((&key, ""));
                match find(stem) {
                    Some(w) if matches!(ext, "bib" | "json" | "txt") => (w, ext),
                    _ => return Err(ApiError::not_found(format!("no work `{}`", key.escape_debug()))),
                }
            }
        };
        let cite_key = keys.get(&work.id).map_or(work.id.as_str(), String::as_str);
        let items = [(cite_key, &work.reference)];
        let mut body = Vec::new();
        let text = |body: Vec<u8>, mime: &'static str| -> Response {
            ([(header::CONTENT_TYPE, mime)], body).into_response()
        };
        match format {
            "" => Ok(Json(render::json::work(work)).into_response()),
            "bib" => {
                render::bibtex::write(&mut body, &items).map_err(|e| ApiError::internal(e.to_string()))?;
                Ok(text(body, "application/x-bibtex; charset=utf-8"))
            }
            "json" => {
                render::csl::write(&mut body, &items).map_err(|e| ApiError::internal(e.to_string()))?;
                Ok(text(body, "application/vnd.citationstyles.csl+json; charset=utf-8"))
            }
            _ => {
                let name = p.style.as_deref().unwrap_or("apa");
                let style = render::styled::style(name).map_err(|e| ApiError::bad(format!("{e:#}")))?;
                render::styled::write(&mut body, &items, &style)
                    .map_err(|e| ApiError::internal(e.to_string()))?;
                Ok(text(body, "text/plain; charset=utf-8"))
            }
        }
    })
    .await
}

async fn api_stats(State(shared): State<AppState>) -> ApiResult {
    blocking(shared, |loaded| {
        let stats =
            crate::index::stats::Stats::of(&loaded.ci).map_err(|e| ApiError::internal(e.to_string()))?;
        Ok(Json(json!(stats)).into_response())
    })
    .await
}

async fn api_documents(State(shared): State<AppState>) -> ApiResult {
    blocking(shared, |loaded| Ok(Json(render::json::listing(&loaded.ci.meta.files)).into_response())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_could_reach_the_filesystem_are_refused() {
        for bad in
            ["", "../etc/passwd", "a/../../b", "/etc/passwd", "a\\b", "a/./b", "a\u{0}b", &"x".repeat(600)]
        {
            assert!(checked_id(bad).is_err(), "{bad:?}");
        }
        for good in
            ["treaty-of-portsmouth/effects/1", "work:trani:1969:the-treaty", "isbn:9781841764467", "a/b.1"]
        {
            assert_eq!(checked_id(good).ok(), Some(good));
        }
    }

    #[test]
    fn numbers_and_queries_are_bounded() {
        assert_eq!(number("limit", None, 10, 100).ok(), Some(10));
        assert_eq!(number("limit", Some("100"), 10, 100).ok(), Some(100));
        assert!(number("limit", Some("101"), 10, 100).is_err());
        assert!(number("limit", Some("-1"), 10, 100).is_err());
        assert!(query_text(Some("  "), "/api/search").is_err());
        assert!(query_text(Some(&"a ".repeat(600)), "/api/search").is_err());
        assert_eq!(query_text(Some(" Witte "), "/api/search").ok().as_deref(), Some("Witte"));
    }
}
