//! Routes: the page, its script and style, and the JSON API. Every error is
//! JSON, `{"error": "..."}`, with a status that says whose fault it is.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Extension, FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio::sync::OwnedSemaphorePermit;

use super::jobs::{Changes, JobError};
use super::{AppState, MAX_BODY_BYTES, MAX_RUNS};

const INDEX_HTML: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");

/// The routes of the what-if page.
pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/api/levers", get(levers))
        .route("/api/run", post(run))
        .route("/api/explain", post(explain))
        .route("/api/save", post(save))
        .layer(middleware::from_fn_with_state(state.clone(), admit))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new()
        .route("/", get(|| page(INDEX_HTML, "text/html; charset=utf-8")))
        .route(
            "/app.js",
            get(|| page(APP_JS, "text/javascript; charset=utf-8")),
        )
        .route("/app.css", get(|| page(APP_CSS, "text/css; charset=utf-8")))
        .merge(api)
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no such page; the API is GET /api/levers, POST /api/run, /api/explain, /api/save",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "wrong method: GET /api/levers; POST /api/run, /api/explain, /api/save",
            )
        })
        .with_state(state)
}

async fn page(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// An error answer: `{"error": message}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let cancelled = self.status == StatusCode::CONFLICT;
        (
            self.status,
            Json(json!({ "error": self.message, "cancelled": cancelled })),
        )
            .into_response()
    }
}

impl From<JobError> for ApiError {
    fn from(e: JobError) -> Self {
        match e {
            JobError::Invalid(message) => ApiError::bad(message),
            JobError::Cancelled => ApiError::new(
                StatusCode::CONFLICT,
                "cancelled: a newer request replaced this one",
            ),
        }
    }
}

/// A JSON body whose problems (not JSON, wrong fields, too large) are
/// answered as JSON errors.
struct Body<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(rejection_error(rejection)),
        }
    }
}

fn rejection_error(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("the request body is larger than {MAX_BODY_BYTES} bytes")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "send JSON with the header Content-Type: application/json".to_string()
        }
        _ => rejection.body_text(),
    };
    ApiError::new(status, message)
}

/// A request's place among the [`super::Limits::in_flight`] ones, shared by
/// the request and its job on a blocking thread: a client that goes away
/// frees it only once the job has stopped too.
#[derive(Clone)]
struct Admitted {
    _permit: Arc<OwnedSemaphorePermit>,
}

/// Refuses a request at once (503) when the server already has its limit
/// of requests in flight, instead of letting a queue grow.
async fn admit(State(state): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    match state.admitted.clone().try_acquire_owned() {
        Ok(permit) => {
            req.extensions_mut().insert(Admitted {
                _permit: Arc::new(permit),
            });
            next.run(req).await
        }
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "busy: {} requests are being served; try again in a moment",
                state.limits.in_flight
            ),
        )
        .into_response(),
    }
}

async fn levers(State(state): State<Arc<AppState>>) -> Response {
    let served = &state.served;
    let world = &served.base.world;
    let named = |id: &str, name: &str| json!({ "id": id, "name": name });
    Json(json!({
        "file": served.shown,
        "extends": served.extends,
        "seed": served.seed,
        "quick_runs": served.quick_runs,
        "refined_runs": served.refined_runs,
        "max_runs": MAX_RUNS,
        "packages": world.packages.iter().map(|p| named(&p.id, &p.name)).collect::<Vec<_>>(),
        "scenarios": world.scenarios.iter().map(|s| named(&s.id, &s.name)).collect::<Vec<_>>(),
        "levers": served.levers,
    }))
    .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    #[serde(default)]
    changes: Changes,
    runs: Option<u64>,
}

fn checked_runs(runs: Option<u64>, served: &super::Served) -> Result<u64, ApiError> {
    let runs = runs.unwrap_or(served.quick_runs);
    if runs == 0 || runs > MAX_RUNS {
        return Err(ApiError::bad(format!(
            "`runs` = {runs} is out of range: 1 to {MAX_RUNS} per package and scenario"
        )));
    }
    Ok(runs)
}

/// Sets a job's cancel flag when the request is dropped: hyper drops the
/// request's future when its client goes away, and the job then stops after
/// its blocks under way. Setting it once the answer exists changes nothing.
struct CancelWhenGone(Arc<AtomicBool>);

impl Drop for CancelWhenGone {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Counts a simulation in [`AppState::simulations_running`] while it lives.
struct Running<'a>(&'a AppState);

impl<'a> Running<'a> {
    fn start(state: &'a AppState) -> Self {
        let now = state.running.fetch_add(1, Ordering::SeqCst) + 1;
        state.most_running.fetch_max(now, Ordering::SeqCst);
        Running(state)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `job` on a blocking thread, holding `held` until it returns (the
/// async side may be dropped long before).
async fn on_blocking_thread<T: Send + 'static>(
    held: impl Send + 'static,
    job: impl FnOnce() -> Result<T, JobError> + Send + 'static,
) -> Result<T, ApiError> {
    let answer = tokio::task::spawn_blocking(move || {
        let _held = held;
        job()
    })
    .await
    .map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the simulation stopped unexpectedly: {e}"),
        )
    })?;
    Ok(answer?)
}

/// Runs `job` on a blocking thread once a simulation slot is free, unless
/// `cancel` is set by then. The slot and the request's admission are held
/// until the job ends, and the job is cancelled if the client goes away.
async fn simulate<T: Send + 'static>(
    state: &Arc<AppState>,
    admitted: Admitted,
    cancel: Arc<AtomicBool>,
    job: impl FnOnce(&AppState, &AtomicBool) -> Result<T, JobError> + Send + 'static,
) -> Result<T, ApiError> {
    let _cancel_when_gone = CancelWhenGone(cancel.clone());
    let slot = state
        .simulating
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting down"))?;
    if cancel.load(Ordering::SeqCst) {
        return Err(JobError::Cancelled.into());
    }
    let state = state.clone();
    on_blocking_thread((slot, admitted), move || {
        let _running = Running::start(&state);
        job(&state, &cancel)
    })
    .await
}

async fn run(
    State(state): State<Arc<AppState>>,
    Extension(admitted): Extension<Admitted>,
    Body(request): Body<RunRequest>,
) -> Result<Response, ApiError> {
    let runs = checked_runs(request.runs, &state.served)?;
    // Checked before it replaces the run under way: a bad request cancels
    // nothing.
    let whatif = state.served.what_if(&request.changes)?;
    let cancel = state.replace_latest();
    let result = simulate(&state, admitted, cancel, move |state, cancel| {
        state.served.run(&whatif, runs, cancel)
    })
    .await?;
    Ok(Json(result).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExplainRequest {
    #[serde(default)]
    changes: Changes,
    package: String,
    scenario: String,
    #[serde(default)]
    run: u64,
    runs: Option<u64>,
}

async fn explain(
    State(state): State<Arc<AppState>>,
    Extension(admitted): Extension<Admitted>,
    Body(request): Body<ExplainRequest>,
) -> Result<Response, ApiError> {
    let runs = checked_runs(request.runs, &state.served)?;
    if request.run >= MAX_RUNS {
        return Err(ApiError::bad(format!(
            "`run` = {} is out of range: 0 to {}",
            request.run,
            MAX_RUNS - 1
        )));
    }
    let cancel = Arc::new(AtomicBool::new(state.stopping.load(Ordering::SeqCst)));
    let result = simulate(&state, admitted, cancel, move |state, cancel| {
        state.served.explain(
            &request.changes,
            (&request.package, &request.scenario),
            request.run,
            runs,
            cancel,
        )
    })
    .await?;
    Ok(Json(result).into_response())
}

async fn save(
    State(state): State<Arc<AppState>>,
    Extension(admitted): Extension<Admitted>,
    Body(request): Body<RunRequest>,
) -> Result<Response, ApiError> {
    let runs = checked_runs(request.runs, &state.served)?;
    // Compiling the file simulates nothing: no slot, so Save never waits
    // behind a refinement.
    let saved =
        on_blocking_thread(admitted, move || state.served.save(&request.changes, runs)).await?;
    Ok(Json(saved).into_response())
}
