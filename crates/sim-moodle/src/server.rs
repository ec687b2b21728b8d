//! HTTP layer: `/webservice/rest/server.php`, `/webservice/upload.php`, `/__admin/…`.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State as AxState};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::MoodleSim;
use crate::errors::{DebugLevel, WsError, function_not_allowed_debuginfo};
use crate::functions::{self, Caller, KNOWN_UNIMPLEMENTED};
use crate::json::{J, to_xml_response};
use crate::params::{PVal, decode, merge, parse_form, validate_params};
use crate::state::{ManualInstance, now};

const RESERVED: &[&str] = &[
    "wstoken",
    "wsfunction",
    "moodlewsrestformat",
    "moodlewssettingraw",
    "moodlewssettingfileurl",
    "moodlewssettingfilter",
    "moodlewssettinglang",
    "moodlewssettingtimezone",
];

fn moodle_headers(json: bool) -> [(header::HeaderName, HeaderValue); 6] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(if json {
                "application/json"
            } else {
                "application/xml; charset=utf-8"
            }),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, must-revalidate, pre-check=0, post-check=0, max-age=0"),
        ),
        (
            header::EXPIRES,
            HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
        ),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
        (header::ACCEPT_RANGES, HeaderValue::from_static("none")),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")),
    ]
}

/// The outcome of one REST call.
pub struct CallResult {
    /// function name as sent
    pub function: String,
    /// success value or exception
    pub result: Result<J, WsError>,
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "",
    )
        .into_response()
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !ct.starts_with("multipart/form-data") {
        return None;
    }
    ct.split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .next()
}

/// A multipart part.
pub struct Part {
    /// field name
    pub name: String,
    /// filename, if a file
    pub filename: Option<String>,
    /// content
    pub data: Vec<u8>,
}

/// Minimal multipart/form-data parser (enough for `upload.php` and form fields).
pub fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Part> {
    let delim = format!("--{boundary}");
    let d = delim.as_bytes();
    let mut parts = Vec::new();
    let find = |hay: &[u8], needle: &[u8], from: usize| -> Option<usize> {
        if needle.is_empty() || hay.len() < needle.len() {
            return None;
        }
        (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
    };
    let Some(mut pos) = find(body, d, 0) else {
        return parts;
    };
    loop {
        let start = pos + d.len();
        if body.get(start..start + 2) == Some(b"--") {
            break;
        }
        let Some(next) = find(body, d, start) else {
            break;
        };
        let chunk = &body[start..next];
        let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        let chunk = chunk.strip_suffix(b"\r\n").unwrap_or(chunk);
        if let Some(hend) = find(chunk, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&chunk[..hend]).to_string();
            let data = chunk[hend + 4..].to_vec();
            let mut name = String::new();
            let mut filename = None;
            for line in head.lines() {
                if line.to_ascii_lowercase().starts_with("content-disposition") {
                    for attr in line.split(';') {
                        let attr = attr.trim();
                        if let Some(v) = attr.strip_prefix("name=") {
                            name = v.trim_matches('"').to_owned();
                        } else if let Some(v) = attr.strip_prefix("filename=") {
                            filename = Some(v.trim_matches('"').to_owned());
                        }
                    }
                }
            }
            parts.push(Part { name, filename, data });
        }
        pos = next;
    }
    parts
}

fn request_params(uri_query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Vec<(String, PVal)> {
    let get = parse_form(decode(uri_query.unwrap_or("")));
    let post = if let Some(b) = multipart_boundary(headers) {
        parse_form(
            parse_multipart(body, &b)
                .into_iter()
                .filter(|p| p.filename.is_none())
                .map(|p| (p.name, String::from_utf8_lossy(&p.data).into_owned())),
        )
    } else if is_form(headers) {
        parse_form(decode(&String::from_utf8_lossy(body)))
    } else {
        Vec::new()
    };
    merge(get, post)
}

fn take_str(params: &mut Vec<(String, PVal)>, key: &str) -> Option<String> {
    let i = params.iter().position(|(k, _)| k == key)?;
    let (_, v) = params.remove(i);
    match v {
        PVal::Str(s) => Some(s),
        PVal::Map(_) => Some(String::new()),
    }
}

impl MoodleSim {
    /// Run one REST call against the state (no HTTP, no faults). `ip` is the caller address.
    pub fn call(&self, mut params: Vec<(String, PVal)>, ip: Option<&str>) -> CallResult {
        let token = take_str(&mut params, "wstoken").unwrap_or_default();
        let function = take_str(&mut params, "wsfunction").unwrap_or_default();
        params.retain(|(k, _)| !RESERVED.contains(&k.as_str()));
        let result = self.dispatch(&token, &function, params, ip);
        CallResult { function, result }
    }

    fn dispatch(
        &self,
        token: &str,
        function: &str,
        params: Vec<(String, PVal)>,
        ip: Option<&str>,
    ) -> Result<J, WsError> {
        let mut st = self.lock();
        // 2. authenticate_user
        let Some(tok) = st.tokens.get(token).cloned() else {
            return Err(WsError::moodle("invalidtoken", "Invalid token - token not found"));
        };
        if tok.validuntil != 0 && tok.validuntil < now() {
            st.tokens.remove(token);
            return Err(WsError::access(
                "Invalid token - token expired - check validuntil time for the token",
            ));
        }
        if let (Some(allowed), Some(ip)) = (&tok.iprestriction, ip)
            && allowed != ip
        {
            return Err(WsError::access(format!(
                "Invalid service - IP:{ip} is not supported - check this allowed user"
            )));
        }
        let Some(user) = st.users.get(&tok.userid).cloned() else {
            return Err(WsError::moodle("invalidtoken", "Invalid token - token not found"));
        };
        if user.deleted {
            return Err(WsError::access(format!(
                "Refused web service access for deleted username: {}",
                user.username
            )));
        }
        if user.suspended {
            return Err(WsError::moodle(
                "wsaccessusersuspended",
                format!("Refused web service access for suspended username: {}", user.username),
            ));
        }
        if user.auth == "nologin" {
            return Err(WsError::access(format!(
                "Refused web service access for nologin authentication username: {}",
                user.username
            )));
        }
        // Every token user is taken to hold the protocol capability (the simulator's capability
        // sets do not list it) unless a test made them lack it.
        if user.lacks.contains("webservice/rest:use") {
            return Err(WsError::access(
                "You are not allowed to use the {$a} protocol (missing capability: webservice/rest:use)",
            ));
        }
        if st.site.maintenance && !user.admin {
            return Err(WsError::moodle(
                "sitemaintenance",
                "The site is undergoing maintenance and is currently not available",
            ));
        }
        // 3. load_function_info
        if function.is_empty() {
            return Err(WsError::invalid_parameter("Missing function name"));
        }
        let f = functions::find(function);
        let allowed = tok.functions.as_ref().is_none_or(|s| s.contains(function));
        let Some(f) = f else {
            if KNOWN_UNIMPLEMENTED.contains(&function) {
                if !allowed || tok.functions.is_none() {
                    return Err(WsError::access(function_not_allowed_debuginfo(function)));
                }
                return Err(WsError::coding(&format!(
                    "{function} is not implemented by the simulator"
                )));
            }
            return Err(WsError::invalid_record(
                "external_functions",
                "SELECT * FROM {external_functions} WHERE name = ?",
                &format!("'{function}'"),
            ));
        };
        if !allowed {
            return Err(WsError::access(function_not_allowed_debuginfo(function)));
        }
        // 4. validate_parameters, then the body (a failing body leaves no change: handlers
        // validate a whole batch before writing).
        let p = validate_params(&(f.params)(), params)?;
        let caller = Caller {
            user,
            functions: tok.functions.clone(),
        };
        (f.handler)(&mut st, &caller, &p)
    }

    /// Render a call result as the REST server does.
    pub fn render(&self, json: bool, r: &Result<J, WsError>) -> Response {
        let debug = self.lock().site.debug;
        let body = match (r, json) {
            (Ok(v), true) => v.to_json(),
            (Ok(v), false) => to_xml_response(v),
            (Err(e), true) => e.to_json(debug),
            (Err(e), false) => e.to_xml(debug),
        };
        (StatusCode::OK, moodle_headers(json), body).into_response()
    }
}

/// Cheap extraction of `wsfunction` for fault keys (query then urlencoded body).
pub fn wsfunction_of(query: Option<&str>, body: &[u8]) -> String {
    let find = |s: &[u8]| -> Option<String> {
        s.split(|b| *b == b'&').rev().find_map(|pair| {
            pair.strip_prefix(b"wsfunction=")
                .map(|v| String::from_utf8_lossy(v).into_owned())
        })
    };
    find(body)
        .or_else(|| query.and_then(|q| find(q.as_bytes())))
        .unwrap_or_default()
}

async fn rest(AxState(sim): AxState<MoodleSim>, req: Request) -> Response {
    let ci = req.extensions().get::<ConnectInfo<SocketAddr>>().copied();
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let query = parts.uri.query();
    let key = wsfunction_of(query, &body);
    let request = sim.arrive(&key);
    let outcome = sim.faults().apply(&key).await;
    if let Some(r) = mm_sim_fault::outcome_response(outcome).await {
        request.finish("fault");
        return r;
    }
    if parts.method != Method::GET && parts.method != Method::POST {
        request.finish("methodnotallowed");
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    if !sim.lock().site.webservices {
        request.finish("forbidden");
        return forbidden();
    }
    let params = request_params(query, &parts.headers, &body);
    let json = params
        .iter()
        .any(|(k, v)| k == "moodlewsrestformat" && *v == PVal::Str("json".into()));
    let ip = ci.map(|c| c.0.ip().to_string());
    let r = sim.call(params, ip.as_deref());
    let outcome = match &r.result {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.errorcode.clone().unwrap_or_else(|| e.exception.clone()),
    };
    // The work is done; its answer may still be lost on the way back (fault injection).
    if sim.faults().lose_response(&key) {
        request.finish(&format!("lost:{outcome}"));
        return mm_sim_fault::reset_response();
    }
    request.finish(&outcome);
    sim.render(json, &r.result)
}

fn ajax_error(error: &str, code: &str) -> Response {
    let body = J::obj()
        .with("error", error)
        .with("errorcode", code)
        .with("stacktrace", J::Null)
        .with("debuginfo", J::Null)
        .with("reproductionlink", J::Null)
        .to_json();
    (StatusCode::OK, moodle_headers(true), body).into_response()
}

async fn upload(AxState(sim): AxState<MoodleSim>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let request = sim.arrive("webservice/upload.php");
    let outcome = sim.faults().apply("webservice/upload.php").await;
    if let Some(r) = mm_sim_fault::outcome_response(outcome).await {
        request.finish("fault");
        return r;
    }
    request.finish("ok");
    let mut fields = parse_form(decode(parts.uri.query().unwrap_or("")));
    let mut files = Vec::new();
    if let Some(b) = multipart_boundary(&parts.headers) {
        for p in parse_multipart(&body, &b) {
            match p.filename {
                Some(f) => files.push((f, p.data.len())),
                None => fields.push((p.name, PVal::Str(String::from_utf8_lossy(&p.data).into()))),
            }
        }
    } else if is_form(&parts.headers) {
        fields = merge(fields, parse_form(decode(&String::from_utf8_lossy(&body))));
    }
    let get = |k: &str| fields.iter().find(|(kk, _)| kk == k).and_then(|(_, v)| v.as_str());
    let Some(token) = get("token") else {
        return ajax_error("A required parameter (token) was missing", "missingparam");
    };
    let filepath = get("filepath").unwrap_or("/").to_owned();
    let mut st = sim.lock();
    let Some(tok) = st.tokens.get(token).cloned() else {
        return ajax_error("Invalid token - token not found", "invalidtoken");
    };
    let Some(user) = st.users.get(&tok.userid).cloned() else {
        return ajax_error("Invalid token - token not found", "invalidtoken");
    };
    let itemid = functions::misc::new_draft_itemid();
    let contextid = functions::misc::user_context(user.id);
    let mut out = Vec::new();
    for (name, size) in files {
        if st.files.iter().any(|f| f.itemid == itemid && f.filename == name) {
            out.push(
                J::obj()
                    .with("filename", name.as_str())
                    .with("errortype", "filenameexist")
                    .with("error", format!("File exists: {name}")),
            );
            continue;
        }
        st.files.push(crate::state::StoredFile {
            userid: user.id,
            contextid,
            component: "user".into(),
            filearea: "draft".into(),
            itemid,
            filepath: filepath.clone(),
            filename: name.clone(),
            size,
        });
        let source = format!("O:8:\"stdClass\":1:{{s:6:\"source\";s:{}:\"{}\";}}", name.len(), name);
        out.push(
            J::obj()
                .with("component", "user")
                .with("contextid", contextid)
                .with("userid", user.id.to_string())
                .with("filearea", "draft")
                .with("filename", name.as_str())
                .with("filepath", filepath.as_str())
                .with("itemid", itemid)
                .with("license", "unknown")
                .with("author", user.fullname())
                .with("source", source)
                .with("filesize", i64::try_from(size).unwrap_or(0)),
        );
    }
    (StatusCode::OK, moodle_headers(true), J::Arr(out).to_json()).into_response()
}

// ---- admin endpoints -------------------------------------------------------------------

async fn admin_state(AxState(sim): AxState<MoodleSim>) -> Response {
    axum::Json(sim.dump()).into_response()
}

async fn admin_enrolments(AxState(sim): AxState<MoodleSim>) -> Response {
    axum::Json(sim.enrolments()).into_response()
}

async fn admin_counts(AxState(sim): AxState<MoodleSim>) -> Response {
    axum::Json(serde_json::json!({
        "total": sim.total_requests(),
        "per_function": sim.request_counts(),
    }))
    .into_response()
}

async fn admin_reset_counts(AxState(sim): AxState<MoodleSim>) -> StatusCode {
    sim.reset_counts();
    StatusCode::NO_CONTENT
}

async fn admin_log(AxState(sim): AxState<MoodleSim>) -> Response {
    axum::Json(sim.request_log()).into_response()
}

#[derive(Deserialize)]
struct NewCourse {
    shortname: String,
    fullname: String,
    #[serde(default)]
    idnumber: String,
}

async fn admin_add_course(AxState(sim): AxState<MoodleSim>, axum::Json(c): axum::Json<NewCourse>) -> Response {
    let id = sim.add_course(&c.shortname, &c.fullname, &c.idnumber);
    axum::Json(serde_json::json!({ "id": id })).into_response()
}

async fn admin_add_user(
    AxState(sim): AxState<MoodleSim>,
    axum::Json(u): axum::Json<crate::seed::NewSimUser>,
) -> Response {
    let id = sim.add_user(u);
    axum::Json(serde_json::json!({ "id": id })).into_response()
}

#[derive(Deserialize)]
struct ManualBody {
    courseid: i64,
    state: ManualInstance,
}

async fn admin_manual(AxState(sim): AxState<MoodleSim>, axum::Json(b): axum::Json<ManualBody>) -> StatusCode {
    if sim.set_manual_instance(b.courseid, b.state) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

#[derive(Deserialize)]
struct CompleteBody {
    userid: i64,
    courseid: i64,
    #[serde(default)]
    timecompleted: Option<i64>,
    /// a retake: delete the completion instead of recording one
    #[serde(default)]
    reset: bool,
    /// the course final grade to set with it
    #[serde(default)]
    grade: Option<f64>,
}

async fn admin_complete(AxState(sim): AxState<MoodleSim>, axum::Json(b): axum::Json<CompleteBody>) -> StatusCode {
    if b.reset {
        sim.reset_course_completion(b.userid, b.courseid);
    } else {
        sim.mark_course_complete(b.userid, b.courseid, b.timecompleted.unwrap_or_else(now));
    }
    if let Some(g) = b.grade {
        sim.set_grade(b.userid, b.courseid, g);
    }
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct AccessBody {
    userid: i64,
    courseid: i64,
    #[serde(default)]
    time: Option<i64>,
}

async fn admin_access(AxState(sim): AxState<MoodleSim>, axum::Json(b): axum::Json<AccessBody>) -> StatusCode {
    sim.record_course_access(b.userid, b.courseid, b.time.unwrap_or_else(now));
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct UnenrolBody {
    userid: i64,
    courseid: i64,
}

async fn admin_unenrol(AxState(sim): AxState<MoodleSim>, axum::Json(b): axum::Json<UnenrolBody>) -> StatusCode {
    sim.unenrol_by_hand(b.userid, b.courseid);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SitePatch {
    debug: Option<DebugLevel>,
    maintenance: Option<bool>,
    messaging: Option<bool>,
    badges: Option<bool>,
    webservices: Option<bool>,
    allowaccountssameemail: Option<bool>,
}

async fn admin_site(AxState(sim): AxState<MoodleSim>, axum::Json(p): axum::Json<SitePatch>) -> Response {
    let mut st = sim.lock();
    let s = &mut st.site;
    if let Some(v) = p.debug {
        s.debug = v;
    }
    if let Some(v) = p.maintenance {
        s.maintenance = v;
    }
    if let Some(v) = p.messaging {
        s.messaging = v;
    }
    if let Some(v) = p.badges {
        s.badges = v;
    }
    if let Some(v) = p.webservices {
        s.webservices = v;
    }
    if let Some(v) = p.allowaccountssameemail {
        s.allowaccountssameemail = v;
    }
    axum::Json(serde_json::to_value(&st.site).unwrap_or_default()).into_response()
}

#[derive(Deserialize)]
struct CapabilitiesBody {
    /// the token whose user changes (default: the admin token)
    #[serde(default)]
    token: Option<String>,
    /// capabilities the user lacks from now on
    #[serde(default)]
    remove: Vec<String>,
    /// capabilities the user holds again
    #[serde(default)]
    restore: Vec<String>,
}

async fn admin_capabilities(
    AxState(sim): AxState<MoodleSim>,
    axum::Json(b): axum::Json<CapabilitiesBody>,
) -> StatusCode {
    let token = b.token.unwrap_or_else(|| sim.token());
    let changes = b
        .remove
        .iter()
        .map(|c| (c, true))
        .chain(b.restore.iter().map(|c| (c, false)));
    for (capability, lack) in changes {
        if !sim.set_token_capability(&token, capability, lack) {
            return StatusCode::NOT_FOUND;
        }
    }
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct RevokeBody {
    token: String,
}

async fn admin_revoke(AxState(sim): AxState<MoodleSim>, axum::Json(b): axum::Json<RevokeBody>) -> StatusCode {
    sim.revoke_token(&b.token);
    StatusCode::NO_CONTENT
}

/// The router: REST + upload, plus `/__admin/…` when admin is enabled.
pub fn router(sim: MoodleSim) -> Router {
    let mut r = Router::new()
        .route("/webservice/rest/server.php", get(rest).post(rest))
        .route("/webservice/upload.php", post(upload))
        .with_state(sim.clone());
    if sim.admin_enabled() {
        let admin = Router::new()
            .route("/__admin/state", get(admin_state))
            .route("/__admin/enrolments", get(admin_enrolments))
            .route("/__admin/counts", get(admin_counts).delete(admin_reset_counts))
            .route("/__admin/log", get(admin_log))
            .route("/__admin/courses", post(admin_add_course))
            .route("/__admin/users", post(admin_add_user))
            .route("/__admin/manual_instance", post(admin_manual))
            .route("/__admin/complete", post(admin_complete))
            .route("/__admin/access", post(admin_access))
            .route("/__admin/unenrol", post(admin_unenrol))
            .route("/__admin/site", post(admin_site))
            .route("/__admin/revoke_token", post(admin_revoke))
            .route("/__admin/capabilities", post(admin_capabilities))
            .with_state(sim.clone());
        r = r.merge(admin).merge(mm_sim_fault::faults_admin_router(sim.faults()));
    }
    r
}
