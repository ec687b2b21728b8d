//! The public certificate routes, no login: the verification page (standing, every printed
//! field, a rendered image, a PDF upload check), the Open Badges credential, the public keys and
//! the signed download links sent by mail. Rate-limited per address; the codes are ≥ 128 random
//! bits, so they cannot be enumerated.

use crate::error::PageError;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use mm_core::Standing;
use mm_engine::Engine;
use mm_engine::certificates::{CertificateView, UploadCheck};
use mm_i18n::{Locale, text};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An uploaded PDF is at most this big (ours are under 200 KB).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// Requests per address per minute on the public certificate routes.
const PER_MINUTE: u32 = 60;

const WINDOW: Duration = Duration::from_secs(60);

/// A fixed-window counter per client address.
pub struct RateLimiter {
    windows: Mutex<Windows>,
}

struct Windows {
    by_address: HashMap<IpAddr, (Instant, u32)>,
    /// Expired windows are dropped at most once per window, not on every request.
    pruned: Instant,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter {
            windows: Mutex::new(Windows {
                by_address: HashMap::new(),
                pruned: Instant::now(),
            }),
        }
    }
}

impl RateLimiter {
    fn allow(&self, ip: IpAddr) -> bool {
        let Ok(mut w) = self.windows.lock() else {
            return true;
        };
        let now = Instant::now();
        if now.duration_since(w.pruned) >= WINDOW {
            w.by_address.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            w.pruned = now;
        }
        let entry = w.by_address.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= PER_MINUTE
    }
}

/// The middleware in front of the public routes.
pub async fn rate_limit(limiter: Arc<RateLimiter>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    if limiter.allow(ip) {
        return next.run(req).await;
    }
    let locale = locale_of_request(req.headers(), None);
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, "60")],
        text(locale, "verify-rate-limited", &[]),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct VerifyQuery {
    /// The signed token the QR code carries.
    t: Option<String>,
    lang: Option<String>,
}

/// The labels of the page, in the reader's language.
struct Labels {
    locale: Locale,
}

impl Labels {
    fn get(&self, key: &str) -> String {
        text(self.locale, key, &[])
    }
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    l: Labels,
    lang: String,
    view: Option<CertificateView>,
    status_class: &'static str,
    status_text: String,
    /// The QR's token differs from the one we issued: the printed copy is not ours.
    token_mismatch: bool,
    upload: Option<UploadCheck>,
    linkedin: String,
}

/// `?lang=`, else `Accept-Language`, else English.
fn locale_of_request(headers: &HeaderMap, lang: Option<&str>) -> Locale {
    if let Some(l) = lang.and_then(|l| l.parse::<Locale>().ok()) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Locale::from_accept_language(accept, Locale::FALLBACK)
}

fn status_of(locale: Locale, view: Option<&CertificateView>) -> (&'static str, String) {
    let Some(v) = view else {
        return ("unknown", text(locale, "verify-status-unknown", &[]));
    };
    match &v.standing {
        Standing::Valid => ("valid", text(locale, "verify-status-valid", &[])),
        Standing::Revoked { at, reason } => (
            "revoked",
            text(
                locale,
                "verify-status-revoked",
                &[("date", &at.date()), ("reason", reason)],
            ),
        ),
        Standing::Superseded { by } => (
            "superseded",
            text(locale, "verify-status-superseded", &[("number", by)]),
        ),
        Standing::Expired { on } => (
            "expired",
            text(locale, "verify-status-expired", &[("date", &on.date())]),
        ),
    }
}

fn linkedin_url(v: &CertificateView) -> String {
    let (year, month) = (v.issued_on.get(..4).unwrap_or(""), v.issued_on.get(5..7).unwrap_or(""));
    let q = serde_urlencoded::to_string([
        ("startTask", "CERTIFICATION_NAME"),
        ("name", v.course_name.as_str()),
        ("organizationName", v.issuer.as_str()),
        ("issueYear", year),
        ("issueMonth", month.trim_start_matches('0')),
        ("certUrl", v.verify_url.as_str()),
        ("certId", v.number.as_str()),
    ])
    .unwrap_or_default();
    format!("https://www.linkedin.com/profile/add?{q}")
}

async fn page(
    engine: &Engine,
    code: &str,
    headers: &HeaderMap,
    q: &VerifyQuery,
    upload: Option<UploadCheck>,
) -> Result<Response, PageError> {
    let locale = locale_of_request(headers, q.lang.as_deref());
    let view = engine.certificate_view(code).await?;
    let (status_class, status_text) = status_of(locale, view.as_ref());
    let token_mismatch = match (&view, &q.t) {
        (Some(v), Some(t)) => !v.verify_url.ends_with(&format!("t={t}")),
        _ => false,
    };
    let linkedin = view.as_ref().map(linkedin_url).unwrap_or_default();
    let found = view.is_some();
    let page = VerifyPage {
        l: Labels { locale },
        lang: locale.tag().to_string(),
        view,
        status_class,
        status_text,
        token_mismatch,
        upload,
        linkedin,
    };
    let status = if found { StatusCode::OK } else { StatusCode::NOT_FOUND };
    Ok((status, [(header::CACHE_CONTROL, "no-store")], Html(page.render()?)).into_response())
}

/// `GET /verify/{code}`
pub async fn show(
    State(engine): State<Arc<Engine>>,
    Path(code): Path<String>,
    Query(q): Query<VerifyQuery>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    page(&engine, &code, &headers, &q, None).await
}

/// `POST /verify/{code}` with a PDF in the `pdf` field: is it the issued file?
pub async fn upload(
    State(engine): State<Arc<Engine>>,
    Path(code): Path<String>,
    Query(q): Query<VerifyQuery>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let bytes = match pdf_field(&mut form).await {
        Ok(bytes) => bytes,
        // Too big (413) or not a form (400): the visitor's to fix, said in their language.
        Err(e) => {
            let locale = locale_of_request(&headers, q.lang.as_deref());
            return Ok((e.status(), text(locale, "verify-upload-unreadable", &[])).into_response());
        }
    };
    if bytes.is_empty() {
        return page(&engine, &code, &headers, &q, None).await;
    }
    let check = engine.check_uploaded_pdf(&code, &bytes).await?;
    page(&engine, &code, &headers, &q, check).await
}

/// The `pdf` field of the upload form (empty when there is none).
async fn pdf_field(form: &mut Multipart) -> Result<Bytes, axum::extract::multipart::MultipartError> {
    while let Some(field) = form.next_field().await? {
        if field.name() == Some("pdf") {
            return field.bytes().await;
        }
    }
    Ok(Bytes::new())
}

/// `GET /verify/{code}/image.png`: the certificate as rendered, so an altered copy shows.
pub async fn image(State(engine): State<Arc<Engine>>, Path(code): Path<String>) -> Result<Response, PageError> {
    let Some(row) = engine.certificate_by_code(&code).await? else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let png = engine.certificate_png(&row).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        png,
    )
        .into_response())
}

/// `GET /verify/{code}/credential.jwt`: the Open Badges 3.0 credential, a VC-JWT.
pub async fn credential(State(engine): State<Arc<Engine>>, Path(code): Path<String>) -> Result<Response, PageError> {
    match engine.certificate_credential(&code).await? {
        Some(jwt) => Ok(([(header::CONTENT_TYPE, "application/vc+jwt")], jwt).into_response()),
        None => Ok(StatusCode::NOT_FOUND.into_response()),
    }
}

/// `GET /.well-known/moodle-management/keys.json`: every public key, old ones included.
pub async fn keys(State(engine): State<Arc<Engine>>) -> Result<Response, PageError> {
    let jwks = engine.certificate_jwks().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/jwk-set+json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        jwks.to_string(),
    )
        .into_response())
}

#[derive(serde::Deserialize)]
pub struct DownloadQuery {
    expires: i64,
    sig: String,
}

/// `GET /certificates/{code}/download?expires=…&sig=…`: the PDF, from a mailed link.
pub async fn download(
    State(engine): State<Arc<Engine>>,
    Path(code): Path<String>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, PageError> {
    if !engine.download_link_valid(&code, q.expires, &q.sig).await? {
        return Ok((
            StatusCode::FORBIDDEN,
            "this download link is not valid or has expired; ask for the certificate again",
        )
            .into_response());
    }
    let Some(row) = engine.certificate_by_code(&code).await? else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    pdf_attachment(&engine, &row).await
}

/// A certificate's sealed PDF as a download named after its number.
pub(crate) async fn pdf_attachment(engine: &Engine, row: &mm_store::CertificateRow) -> Result<Response, PageError> {
    let pdf = engine.certificate_pdf(row).await?;
    let disposition = format!("attachment; filename=\"{}.pdf\"", row.cert.number);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response())
}
