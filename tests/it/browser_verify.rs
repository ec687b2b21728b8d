//! The public certificate verification page in a real headless Chromium (issue #16): a learner's
//! certificate opened from its QR URL shows its standing and fields, passes axe-core without a
//! serious or critical violation, is screenshotted at 1280×800 (into docs/screenshots/ with MM_UPDATE_SCREENSHOTS=1), and
//! speaks the visitor's browser language.

use crate::kit::browser::{Browser, HEIGHT, WIDTH};
use crate::kit::certificates::World;
use crate::kit::http;
use axum::http::header;
use mm_i18n::{Locale, text};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The certificate world with its web server on a loopback port, the one its public URL (and so
/// the QR code's verification URL) names: (world, base URL).
async fn served_world() -> Option<(World, String)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let w = World::start_with(|c| {
        c.listen = addr;
        c.public_url = base.parse().unwrap();
    })
    .await?;
    // With the peer address, as `serve` runs it: the verify routes are rate-limited by it.
    let app = mm_web::router(w.app.clone()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(axum::serve(listener, app).into_future());
    Some((w, base))
}

/// A certificate for `email`, issued as in production: a paid invoice, a completion recorded
/// by Moodle, a reconcile pass. Returns its verification URL (the QR code's) and its row.
async fn certified(w: &World, email: &str) -> (String, mm_store::CertificateRow) {
    w.enrolled(email, "PY-101").await;
    w.complete(email, "PY101", mm_engine::clock::now().0 - 3600);
    let report = w.app.reconcile_once().await.unwrap();
    assert!(report.converged(), "{}", report.describe());
    let mut certs = w.certificates_of(email).await;
    assert_eq!(certs.len(), 1, "one certificate for one completion");
    let cert = certs.remove(0);
    let view = w.app.certificate_view(&cert.cert.code).await.unwrap().unwrap();
    (view.verify_url, cert)
}

#[tokio::test]
async fn browser_a_valid_certificate_is_shown_accessibly_and_screenshotted_at_1280x800() {
    let Some((w, base)) = served_world().await else { return };
    let started = Instant::now();
    let Some(b) = Browser::start().await else { return };
    println!("browser started in {:?}", started.elapsed());
    let (url, cert) = certified(&w, "luis.perez@example.org").await;
    assert!(
        url.starts_with(&format!("{base}/verify/{}?", cert.cert.code)) && url.contains("t="),
        "the QR code's URL, with its token, on this server: {url}"
    );

    let t = Instant::now();
    b.goto(&url).await;
    println!("page loaded in {:?}", t.elapsed());
    assert_eq!(b.current_url().await.as_str(), url, "no redirect");
    assert_eq!(
        b.attr_of("[data-status]", "data-status").await.as_deref(),
        Some("valid")
    );
    assert_eq!(
        b.text_of("[data-status]").await,
        text(Locale::FALLBACK, "verify-status-valid", &[]),
        "the standing, in the browser's language"
    );
    b.wait_for_text(&cert.cert.learner_name).await;
    assert_eq!(b.text_of("[data-field=learner]").await, cert.cert.learner_name);
    assert_eq!(b.text_of("[data-field=number]").await, cert.cert.number);
    assert_eq!(
        b.attr_of("[data-check=signature]", "class").await.as_deref(),
        Some("ok")
    );
    let mismatch = b
        .client()
        .find_all(fantoccini::Locator::Css("[data-check=token-mismatch]"));
    assert!(mismatch.await.unwrap().is_empty(), "the QR's token is the issued one");
    let natural_width = b
        .client()
        .execute(
            "return document.querySelector('figure.certificate img').naturalWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        natural_width.as_u64() > Some(0),
        "the certificate's image loaded: {natural_width}"
    );

    // The page runs under `default-src 'self'`: an inline script it gains stays dead, while the
    // scripts WebDriver runs (axe-core below) are not subject to the policy.
    let (_, headers, _) = http::get(&w.app, &url[base.len()..]).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let inline_ran = b
        .client()
        .execute(
            "const s = document.createElement('script'); s.textContent = 'window.inlineRan = true';
             document.head.appendChild(s); return window.inlineRan === true;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        inline_ran.as_bool(),
        Some(false),
        "the CSP blocks inline scripts in this browser"
    );

    let t = Instant::now();
    let violations = b.assert_accessible().await;
    println!("axe-core ran in {:?}; minor or moderate: {violations:#?}", t.elapsed());

    let path = b.screenshot("verify").await;
    let png = image::open(&path).unwrap();
    assert_eq!((png.width(), png.height()), (WIDTH, HEIGHT), "{}", path.display());
    assert!(b.cookies().await.is_empty(), "the public page sets no cookie");

    // The upload check, as a visitor uses it: the issued PDF is recognised.
    let row = w.app.find_certificate(&cert.cert.number).await.unwrap();
    let pdf = w.dir.path().join("issued.pdf");
    std::fs::write(&pdf, w.app.certificate_pdf(&row).await.unwrap()).unwrap();
    b.fill("#pdf", pdf.to_str().unwrap()).await;
    b.submit("form[enctype='multipart/form-data']").await;
    assert_eq!(
        b.attr_of("[data-upload]", "data-upload").await.as_deref(),
        Some("identical")
    );
    b.assert_accessible().await;
}

#[tokio::test]
async fn browser_the_verify_page_speaks_the_browser_language() {
    let Some((w, _)) = served_world().await else { return };
    let (url, cert) = certified(&w, "anna@example.org").await;
    let (Some(es), Some(de)) = tokio::join!(
        Browser::start_with_language("es-ES"),
        Browser::start_with_language("de-DE")
    ) else {
        return;
    };

    let spanish: Locale = "es-ES".parse().unwrap();
    es.goto(&url).await;
    assert_eq!(es.attr_of("html", "lang").await.as_deref(), Some("es-ES"));
    let valid = text(spanish, "verify-status-valid", &[]);
    assert_ne!(
        valid,
        text(Locale::FALLBACK, "verify-status-valid", &[]),
        "a translated text"
    );
    assert_eq!(es.text_of("[data-status]").await, valid);
    assert_eq!(es.text_of("[data-field=learner]").await, cert.cert.learner_name);
    es.assert_accessible().await;
    // An altered copy, uploaded with the form's button: told so in Spanish.
    let row = w.app.find_certificate(&cert.cert.number).await.unwrap();
    let mut altered = w.app.certificate_pdf(&row).await.unwrap();
    let middle = altered.len() / 2;
    altered[middle] ^= 0x01;
    let pdf = w.dir.path().join("altered.pdf");
    std::fs::write(&pdf, altered).unwrap();
    es.fill("#pdf", pdf.to_str().unwrap()).await;
    es.click("form button[type=submit]").await;
    let told = es.text_of("[data-upload=different]").await;
    assert!(told.contains(&text(spanish, "verify-upload-different", &[])), "{told}");

    // German as the service negotiates it: its German texts if it has them, else its fallback.
    let german = Locale::negotiate(Some("de-DE"), Locale::FALLBACK);
    de.goto(&url).await;
    assert_eq!(de.attr_of("html", "lang").await.as_deref(), Some(german.tag()));
    assert_eq!(
        de.text_of("[data-status]").await,
        text(german, "verify-status-valid", &[])
    );
}

/// The language a [`Browser`] is started with is the `Accept-Language` a server receives.
#[tokio::test]
async fn browser_language_is_the_accept_language_the_server_sees() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move |headers: axum::http::HeaderMap| async move {
            let accept = headers
                .get(header::ACCEPT_LANGUAGE)
                .map(|v| v.to_str().unwrap().to_string());
            record.lock().unwrap().push(accept.unwrap_or_default());
            axum::response::Html("<!doctype html><title>t</title><p>seen</p>")
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, app).into_future());

    for lang in ["de-DE", "es-ES"] {
        let Some(b) = Browser::start_with_language(lang).await else {
            return;
        };
        b.goto(&base).await;
        b.wait_for_text("seen").await;
        let header = seen.lock().unwrap().pop().unwrap();
        assert!(
            header.starts_with(lang),
            "the browser started in {lang} sent Accept-Language: {header:?}"
        );
    }
}

/// axe-core, injected into a page under the service's Content-Security-Policy, finds what is
/// broken there, and `assert_accessible` fails on it: the audit above can fail.
#[tokio::test]
async fn browser_axe_finds_an_image_without_alt_text_and_a_field_without_label() {
    let broken = "<!doctype html><html lang=\"en\"><title>broken</title><main>\
                  <img src=\"/x.png\"><input id=\"q\" type=\"text\"></main></html>";
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || async move {
            (
                [(
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'self'; frame-ancestors 'none'",
                )],
                axum::response::Html(broken),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, app).into_future());
    let Some(b) = Browser::start().await else { return };
    b.goto(&base).await;

    let found = b.axe().await;
    let serious: Vec<&str> = found.iter().filter(|v| v.is_serious()).map(|v| v.id.as_str()).collect();
    for rule in ["image-alt", "label"] {
        assert!(serious.contains(&rule), "{rule} not reported: {found:#?}");
    }
    let image_alt = found.iter().find(|v| v.id == "image-alt").unwrap();
    assert_eq!(
        (image_alt.nodes, image_alt.targets.as_slice()),
        (1, ["img".to_string()].as_slice())
    );

    let failed = tokio::spawn(async move { b.assert_accessible().await }).await;
    let message = failed.unwrap_err().into_panic();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("image-alt") && message.contains("label") && message.contains(&base),
        "{message}"
    );
}
