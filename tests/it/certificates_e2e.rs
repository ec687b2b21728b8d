//! Completion → certificate → mail, end to end: the Moodle simulator records a completion, a
//! pass syncs it, issues one signed PDF certificate and mails it through a real SMTP server on
//! loopback (Debian's aiosmtpd); the PDF is read back with poppler (`pdftotext`, `pdftoppm`)
//! and its QR code decoded; `/verify` follows the certificate through revocation and retakes.

use crate::kit::certificates::World;
use crate::kit::{binary, http, world};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use mm_engine::Engine;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

/// A poppler tool, or `None` (the test is skipped) unless `MM_REQUIRE_POPPLER=1`.
fn poppler(tool: &str) -> Option<PathBuf> {
    let found =
        std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(tool)).find(|f| f.is_file()));
    if found.is_none() && std::env::var("MM_REQUIRE_POPPLER").as_deref() == Ok("1") {
        panic!("{tool} is missing: apt-get install poppler-utils");
    }
    found
}

fn now() -> i64 {
    mm_engine::clock::now().0
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn pdftotext(pdf: &Path) -> Option<String> {
    let tool = poppler("pdftotext")?;
    let out = Command::new(tool).arg(pdf).arg("-").output().unwrap();
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The QR code of the PDF's first page, rasterised at 300 dpi (a scan) and decoded: the real
/// URL (about 490 characters, a version-15 code) is too dense for rqrr at 150 dpi.
fn qr_of(pdf: &Path) -> Option<String> {
    let tool = poppler("pdftoppm")?;
    let prefix = pdf.with_extension("page");
    let out = Command::new(tool)
        .args(["-r", "300", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let img = image::open(prefix.with_extension("page.png")).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert!(!grids.is_empty(), "no QR code found on the page");
    let (_, content) = grids[0].decode().unwrap();
    Some(content)
}

#[tokio::test]
async fn a_completion_issues_one_certificate_mailed_once_that_verifies_until_a_credit_note() {
    let Some(w) = World::start().await else { return };
    let email = "luis.perez@example.org";
    let invoice = w.enrolled(email, "PY-101").await;
    let completed_at = now() - 3600;
    w.complete(email, "PY101", completed_at);

    for pass in 0..3 {
        let report = w.app.reconcile_once().await.unwrap();
        assert!(report.converged(), "pass {pass}: {}", report.describe());
    }
    w.smtp.wait_for(1, Duration::from_secs(10));
    let certs = w.certificates_of(email).await;
    assert_eq!(certs.len(), 1, "one certificate for one completion");
    let cert = &certs[0];
    assert_eq!(cert.cert.completed_at.0, completed_at, "Moodle's completion time");
    assert_eq!(cert.cert.learner_name, "Luis Pérez");
    assert_eq!(cert.cert.course_name, "Python for beginners", "Moodle's course name");
    let mails = w.mails_to(email);
    assert_eq!(mails.len(), 1, "three passes, one mail");
    let mail = &mails[0];
    assert!(mail.message_id.contains(&cert.cert.code), "{}", mail.message_id);
    assert_eq!(mail.attachments.len(), 1);
    let pdf = write(w.dir.path(), "mailed.pdf", &mail.attachments[0].bytes);
    assert_eq!(
        Some(mm_credential::sha256_hex(&mail.attachments[0].bytes)),
        cert.sha256,
        "the mailed PDF is the stored one"
    );

    if let Some(text) = pdftotext(&pdf) {
        for expected in ["Luis Pérez", "Python for beginners", cert.cert.number.as_str()] {
            assert!(text.contains(expected), "{expected:?} not in the PDF's text:\n{text}");
        }
        assert_eq!(
            text.matches("20 hours of training").count(),
            1,
            "the course's hours, worded once:\n{text}"
        );
        assert!(
            !text.contains("training 20"),
            "the hours are not printed twice:\n{text}"
        );
    }
    let view = w.app.certificate_view(&cert.cert.code).await.unwrap().unwrap();
    if let Some(qr) = qr_of(&pdf) {
        assert_eq!(qr, view.verify_url, "the QR code is the verification URL");
        assert!(qr.contains(&format!("/verify/{}", cert.cert.code)));
    }
    assert_eq!(w.verify_status(&cert.cert.code).await, (StatusCode::OK, "valid".into()));

    // A credit note takes the access back, and the certificate with it.
    w.world.fs.credit(invoice, None).unwrap();
    let report = w.app.reconcile_once().await.unwrap();
    assert!(report.converged(), "{}", report.describe());
    assert_eq!(
        w.verify_status(&cert.cert.code).await,
        (StatusCode::OK, "revoked".into())
    );
    let (_, _, body) = http::get(&w.app, &format!("/verify/{}", cert.cert.code)).await;
    assert!(body.contains("credited"), "the reason is shown: {body}");
    w.smtp.wait_for(2, Duration::from_secs(10));
    assert_eq!(w.mails_to(email).len(), 2, "the learner is told once");
}

#[tokio::test]
async fn a_retake_issues_version_two_that_supersedes_the_first() {
    let Some(w) = World::start().await else { return };
    let email = "zoi@example.org";
    w.enrolled(email, "JS-101").await;
    w.complete(email, "JS101", now() - 7200);
    w.app.reconcile_once().await.unwrap();
    let first = w.certificates_of(email).await;
    assert_eq!(first.len(), 1);

    // The learner retakes the course: Moodle resets the completion, then records a new one.
    let (uid, cid) = (w.moodle_user(email), w.world.course_id("JS101").unwrap());
    w.world.moodle.reset_course_completion(uid, cid);
    w.app.reconcile_once().await.unwrap();
    assert_eq!(w.certificates_of(email).await.len(), 1, "a reset alone issues nothing");
    w.complete(email, "JS101", now() - 60);
    w.app.reconcile_once().await.unwrap();

    let all = w.certificates_of(email).await;
    assert_eq!(all.len(), 2);
    let (v2, v1) = (&all[0], &all[1]);
    assert_eq!((v1.cert.version, v2.cert.version), (1, 2));
    assert_eq!(v1.superseded_by.as_deref(), Some(v2.cert.code.as_str()));
    assert_eq!(w.verify_status(&v1.cert.code).await.1, "superseded");
    assert_eq!(w.verify_status(&v2.cert.code).await.1, "valid");
    let (_, _, body) = http::get(&w.app, &format!("/verify/{}", v1.cert.code)).await;
    assert!(body.contains(&v2.cert.number), "names the certificate that replaces it");
    w.smtp.wait_for(2, Duration::from_secs(10));
    assert_eq!(w.mails_to(email).len(), 2, "each version is mailed once");
}

#[tokio::test]
async fn an_altered_pdf_is_reported_by_the_upload_check_and_offline_by_the_cli() {
    let Some(w) = World::start().await else { return };
    let email = "anna@example.org";
    w.enrolled(email, "SQL-101").await;
    w.complete(email, "SQL101", now() - 600);
    w.app.reconcile_once().await.unwrap();
    let cert = w.certificates_of(email).await.remove(0);
    let row = w.app.find_certificate(&cert.cert.number).await.unwrap();
    let issued = w.app.certificate_pdf(&row).await.unwrap();

    let same = w
        .app
        .check_uploaded_pdf(&cert.cert.code, &issued)
        .await
        .unwrap()
        .unwrap();
    assert!(same.identical);
    assert_eq!(same.seal, "valid");
    let mut altered = issued.clone();
    let at = altered.len() / 2;
    altered[at] ^= 0x01;
    let check = w
        .app
        .check_uploaded_pdf(&cert.cert.code, &altered)
        .await
        .unwrap()
        .unwrap();
    assert!(!check.identical);
    assert_eq!(check.seal, "altered");

    // Offline: only the file and the published keys.
    let (status, _, jwks) = http::get(&w.app, "/.well-known/moodle-management/keys.json").await;
    assert_eq!(status, StatusCode::OK);
    let keys = write(w.dir.path(), "keys.json", jwks.as_bytes());
    let good = write(w.dir.path(), "good.pdf", &issued);
    let bad = write(w.dir.path(), "bad.pdf", &altered);
    let ok = binary::run_with(
        &[
            "certificate",
            "verify",
            good.to_str().unwrap(),
            "--keys",
            keys.to_str().unwrap(),
        ],
        &[],
        "",
    );
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains(&cert.cert.number), "{}", ok.stdout);
    let ko = binary::run_with(
        &[
            "certificate",
            "verify",
            bad.to_str().unwrap(),
            "--keys",
            keys.to_str().unwrap(),
        ],
        &[],
        "",
    );
    assert_eq!(ko.code, 2, "{}{}", ko.stdout, ko.stderr);
    assert!(ko.stdout.contains("ALTERED"), "{}", ko.stdout);

    // The credential is a VC-JWT the same keys verify.
    let (status, _, jwt) = http::get(&w.app, &format!("/verify/{}/credential.jwt", cert.cert.code)).await;
    assert_eq!(status, StatusCode::OK);
    let set = mm_credential::KeySet::from_jwks(&jwks).unwrap();
    let claims = mm_credential::verify_jwt(&jwt, &set).unwrap();
    assert!(claims.to_string().contains("OpenBadgeCredential"), "{claims}");

    // The upload form answers the same through the web.
    let boundary = "mmboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"c.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&altered);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post(format!("/verify/{}", cert.cert.code))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let answer = http::call(&w.app, req).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("data-upload=\"different\""), "{}", answer.body);
}

#[tokio::test]
async fn mail_waits_while_the_smtp_server_is_down_and_goes_once_it_returns() {
    let Some(mut w) = World::start().await else { return };
    let email = "grace@example.org";
    w.enrolled(email, "DATA-201").await;
    w.smtp.stop();
    w.complete(email, "DATA201", now() - 120);
    let report = w.app.reconcile_once().await.unwrap();
    assert!(
        report.converged(),
        "a mail waiting is not a divergence: {}",
        report.describe()
    );
    assert_eq!(w.certificates_of(email).await.len(), 1);
    assert!(w.certificates_of(email).await[0].emailed_at.is_none());

    w.smtp.start_again();
    // The failed attempt backs off (1 s in this configuration), then goes.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let round = w.app.drain_outbox().await.unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    w.smtp.wait_for(1, Duration::from_secs(10));
    assert_eq!(w.mails_to(email).len(), 1);
    w.app.reconcile_once().await.unwrap();
    assert_eq!(w.mails_to(email).len(), 1, "sent once");
    assert!(w.certificates_of(email).await[0].emailed_at.is_some());
}

#[tokio::test]
async fn an_unknown_code_is_unknown_and_the_verify_page_is_rate_limited() {
    let Some(w) = World::start().await else { return };
    let (status, body) = w.verify_status("nosuchcodeatall").await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_FOUND, "unknown"));
    let (base, _task) = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = mm_web::router(w.app.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
        (base, tokio::spawn(axum::serve(listener, app).into_future()))
    };
    let client = reqwest::Client::new();
    let mut limited = false;
    for _ in 0..80 {
        let r = client.get(format!("{base}/verify/nosuchcode")).send().await.unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "80 checks a minute from one address are refused at some point");
}

#[tokio::test]
async fn the_signing_key_is_sealed_at_rest_when_a_secrets_key_is_configured() {
    let (dir, db) = world::sqlite("sealed.sqlite");
    let world = world::start(&db, "1s").await;
    let mut config = world.config.clone();
    config.certificates.dir = dir.path().join("certificates");
    config.secret_key = Some(Arc::new(mm_net::sealed::SecretKey::generate()));
    let app = Engine::build(config.clone()).await.unwrap();
    let jwks = app.certificate_jwks().await.unwrap();
    let stored = app.store().signing_keys().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(mm_net::sealed::is_sealed(&stored[0].secret), "the secret is sealed");
    assert!(
        !jwks.to_string().contains(&stored[0].secret),
        "the JWKS holds only the public key"
    );
    // Without the key, the service says what is missing instead of signing with nothing.
    config.secret_key = None;
    let blind = Engine::build(config).await.unwrap();
    let err = blind.certificate_jwks().await.unwrap_err();
    assert!(format!("{err:#}").contains("MM_SECRET_KEY"), "{err:#}");
}

#[tokio::test]
async fn the_download_link_image_and_upload_limits_answer_as_a_visitor_expects() {
    let Some(w) = World::start_with(|c| c.certificates.download_link_ttl = Duration::from_secs(1)).await else {
        return;
    };
    let email = "katherine@example.org";
    w.enrolled(email, "PY-101").await;
    w.complete(email, "PY101", now() - 300);
    w.app.reconcile_once().await.unwrap();
    let cert = w.certificates_of(email).await.remove(0);
    let code = cert.cert.code.clone();

    // The mailed link gives the issued PDF, byte for byte; an edited link gives nothing.
    let (url, _) = w.app.certificate_download_url(&code).await.unwrap();
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap();
    let get_bytes = |path: String| {
        let app = w.app.clone();
        async move {
            let res = tower::ServiceExt::oneshot(mm_web::router(app), Request::get(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let status = res.status();
            let ctype = res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string());
            (
                status,
                ctype,
                axum::body::to_bytes(res.into_body(), 8 << 20).await.unwrap(),
            )
        }
    };
    let (status, ctype, pdf) = get_bytes(path.clone()).await;
    assert_eq!((status, ctype.as_deref()), (StatusCode::OK, Some("application/pdf")));
    assert_eq!(Some(mm_credential::sha256_hex(&pdf)), cert.sha256);
    let tampered = path.replace("sig=", "sig=x");
    assert_eq!(get_bytes(tampered).await.0, StatusCode::FORBIDDEN);
    let later = path.replace("expires=", "expires=9");
    assert_eq!(
        get_bytes(later).await.0,
        StatusCode::FORBIDDEN,
        "the expiry is signed too"
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        get_bytes(path).await.0,
        StatusCode::FORBIDDEN,
        "expired after download_link_ttl"
    );

    // The rendered image, twice the same (the second from the kept copy).
    let (status, ctype, png) = get_bytes(format!("/verify/{code}/image.png")).await;
    assert_eq!((status, ctype.as_deref()), (StatusCode::OK, Some("image/png")));
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert_eq!(get_bytes(format!("/verify/{code}/image.png")).await.2, png);

    // An upload over the limit is refused in the visitor's language, not as a server error.
    let boundary = "mmboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"c.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b'%', mm_web::verify::MAX_UPLOAD_BYTES + 1));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post(format!("/verify/{code}"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .header("accept-language", "es-ES,es;q=0.9")
        .body(Body::from(body))
        .unwrap();
    let answer = http::call(&w.app, req).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", answer.body);
    assert!(answer.body.contains("5 MB"), "{}", answer.body);
    assert!(
        answer.body.contains("No se ha podido leer"),
        "in Spanish: {}",
        answer.body
    );
}
