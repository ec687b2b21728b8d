//! The simulator's admin surface and its HTTP API, through the router.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use axum::body::Body;
use axum::http::Request;
use mm_sim_facturascripts::{FsSim, FsSimOptions};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn call(
    sim: &FsSim,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Option<String>, Value) {
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let resp = sim
        .router()
        .oneshot(b.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let total = resp
        .headers()
        .get("x-total-count")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, total, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn scripted_changes_through_the_admin_endpoint() {
    let sim = FsSim::new(FsSimOptions {
        token: Some("K".into()),
        admin: true,
        ..Default::default()
    });
    let op = |v: Value| v.to_string();
    let (s, _, v) = call(
        &sim,
        "POST",
        "/__admin/op",
        &[],
        &op(json!({"op": "add_customer", "name": "Ann Lee", "email": "ann@example.com"})),
    )
    .await;
    assert_eq!(s, 200);
    let code = v["codcliente"].as_str().unwrap().to_string();
    let (s, _, v) = call(
        &sim,
        "POST",
        "/__admin/op",
        &[],
        &op(json!({"op": "create_invoice", "codcliente": code, "lines": [["COURSE-1", 1.0, 99.0]]})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let id = v["idfactura"].as_i64().unwrap();
    call(
        &sim,
        "POST",
        "/__admin/op",
        &[],
        &op(json!({"op": "pay", "id": id, "paid": true})),
    )
    .await;

    let (s, total, v) = call(
        &sim,
        "GET",
        "/api/3/facturaclientes?filter[pagada]=1",
        &[("Token", "K")],
        "",
    )
    .await;
    assert_eq!((s, total.as_deref()), (200, Some("1")));
    assert_eq!(v[0]["pagada"], json!(true));
    assert_eq!(v[0]["total"], json!(119.79));
    // MariaDB: 'true' casts to 0, so this lists the UNPAID invoices (none).
    let (_, total, _) = call(
        &sim,
        "GET",
        "/api/3/facturaclientes?filter[pagada]=true",
        &[("Token", "K")],
        "",
    )
    .await;
    assert_eq!(total.as_deref(), Some("0"));
    // pagada=false on pagarFacturaCliente means "paid" ((bool) cast): no change.
    let (s, _, v) = call(
        &sim,
        "POST",
        &format!("/api/3/pagarFacturaCliente/{id}"),
        &[("Token", "K"), ("Content-Type", "application/x-www-form-urlencoded")],
        "pagada=false",
    )
    .await;
    assert_eq!((s, v["ok"].as_str()), (200, Some("No changes")));
    let (s, _, v) = call(&sim, "GET", "/__admin/state", &[], "").await;
    assert_eq!(s, 200);
    assert!(v["request_counts"]["facturaclientes"].as_u64().unwrap() >= 2);
}

#[tokio::test]
async fn admin_is_absent_unless_enabled() {
    let sim = FsSim::new(FsSimOptions {
        token: Some("K".into()),
        ..Default::default()
    });
    let (s, _, v) = call(&sim, "POST", "/__admin/op", &[], "{}").await;
    // Not mounted: the API gate answers (no key → 401), nothing is changed.
    assert_eq!(s, 401, "{v}");
}

#[tokio::test]
async fn generated_data_is_consistent() {
    let sim = FsSim::new(FsSimOptions::default());
    let g = mm_sim_facturascripts::generate(&sim, 2000, 3);
    assert_eq!(sim.invoice_count(), 2000);
    let tok = sim.token().to_string();
    let (_, total, _) = call(
        &sim,
        "GET",
        "/api/3/facturaclientes?filter[pagada]=0&limit=1",
        &[("Token", &tok)],
        "",
    )
    .await;
    let unpaid: usize = total.unwrap().parse().unwrap();
    assert!(unpaid > 20 && unpaid < 400, "{unpaid} unpaid of {g:?}");
    let (_, total, _) = call(
        &sim,
        "GET",
        "/api/3/facturaclientes?filter[idfacturarect_notnull]=1&limit=1",
        &[("Token", &tok)],
        "",
    )
    .await;
    assert!(total.unwrap().parse::<usize>().unwrap() > 0);
}
