//! The JSON Schema and the parser must agree: same verdict on every example, good or bad.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_webhook::{Event, PayloadError, parse_event};
use serde_json::{Value, json};

fn schema() -> jsonschema::Validator {
    let text = include_str!("../schema/invoice-event.schema.json");
    let schema: Value = serde_json::from_str(text).expect("schema is JSON");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

fn invoice() -> Value {
    serde_json::from_str(include_str!("../schema/examples/upserted.json")).expect("example")
}

/// Applies `edit` to a copy of the good upserted example.
fn edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = invoice();
    edit(&mut v);
    v
}

fn remove(v: &mut Value, path: &[&str]) {
    let (last, parents) = path.split_last().expect("non-empty path");
    let mut cur = v;
    for p in parents {
        cur = if let Ok(i) = p.parse::<usize>() {
            &mut cur[i]
        } else {
            &mut cur[*p]
        };
    }
    cur.as_object_mut().expect("object").remove(*last);
}

fn cases() -> Vec<(&'static str, bool, Value)> {
    vec![
        // ---- accepted ----
        ("example upserted", true, invoice()),
        (
            "example credit note",
            true,
            serde_json::from_str(include_str!("../schema/examples/credit-note.json")).expect("example"),
        ),
        (
            "example deleted",
            true,
            serde_json::from_str(include_str!("../schema/examples/deleted.json")).expect("example"),
        ),
        (
            "example hint",
            true,
            serde_json::from_str(include_str!("../schema/examples/hint.json")).expect("example"),
        ),
        (
            "paid_at as a date",
            true,
            edited(|v| v["data"]["paid_at"] = json!("2026-11-24")),
        ),
        ("paid_at null", true, edited(|v| v["data"]["paid_at"] = json!(null))),
        (
            "paid_at with an offset",
            true,
            edited(|v| v["data"]["paid_at"] = json!("2026-11-25T10:58:00+01:00")),
        ),
        (
            "paid_at not a date",
            false,
            edited(|v| v["data"]["paid_at"] = json!("yesterday")),
        ),
        (
            "paid_at without a zone",
            false,
            edited(|v| v["data"]["paid_at"] = json!("2026-11-25T10:58:00")),
        ),
        (
            "paid_at a number",
            false,
            edited(|v| v["data"]["paid_at"] = json!(1_764_064_680)),
        ),
        (
            "unknown field in data",
            true,
            edited(|v| v["data"]["total"] = json!(121.0)),
        ),
        (
            "unknown field in customer",
            true,
            edited(|v| v["data"]["customer"]["cifnif"] = json!("X")),
        ),
        (
            "unknown field in line",
            true,
            edited(|v| v["data"]["lines"][0]["discount"] = json!(0)),
        ),
        (
            "no optional fields",
            true,
            edited(|v| {
                remove(v, &["timestamp"]);
                remove(v, &["data", "currency"]);
                remove(v, &["data", "issued_at"]);
                remove(v, &["data", "paid_at"]);
                remove(v, &["data", "lines", "0", "amount"]);
            }),
        ),
        (
            "optional fields null",
            true,
            edited(|v| {
                v["timestamp"] = Value::Null;
                v["data"]["currency"] = Value::Null;
                v["data"]["issued_at"] = Value::Null;
                v["data"]["lines"][0]["amount"] = Value::Null;
            }),
        ),
        (
            "email null",
            true,
            edited(|v| v["data"]["customer"]["email"] = Value::Null),
        ),
        ("no lines", true, edited(|v| v["data"]["lines"] = json!([]))),
        ("unpaid", true, edited(|v| v["data"]["paid"] = json!(false))),
        (
            "fractional quantity",
            true,
            edited(|v| v["data"]["lines"][0]["quantity"] = json!(0.5)),
        ),
        (
            "credits_line null on an invoice",
            true,
            edited(|v| v["data"]["lines"][0]["credits_line"] = Value::Null),
        ),
        (
            "credit note without line refs",
            true,
            edited(|v| v["data"]["credit_note_for"] = json!("INV-0")),
        ),
        (
            "hint with extra data",
            true,
            json!({"type": "invoice.hint", "data": {"id": "1", "codigo": "F1"}}),
        ),
        // ---- refused ----
        ("not an object", false, json!([1, 2])),
        ("unknown type", false, edited(|v| v["type"] = json!("invoice.paid"))),
        ("type not a string", false, edited(|v| v["type"] = json!(1))),
        ("missing type", false, edited(|v| remove(v, &["type"]))),
        ("missing data", false, json!({"type": "invoice.hint"})),
        (
            "data not an object",
            false,
            json!({"type": "invoice.hint", "data": "1"}),
        ),
        ("unknown envelope field", false, edited(|v| v["invoice"] = json!({}))),
        (
            "timestamp a number",
            false,
            edited(|v| v["timestamp"] = json!(1614265330)),
        ),
        ("missing id", false, edited(|v| remove(v, &["data", "id"]))),
        ("numeric id", false, edited(|v| v["data"]["id"] = json!(7))),
        ("empty id", false, edited(|v| v["data"]["id"] = json!(""))),
        ("missing number", false, edited(|v| remove(v, &["data", "number"]))),
        ("paid as 1", false, edited(|v| v["data"]["paid"] = json!(1))),
        ("paid as string", false, edited(|v| v["data"]["paid"] = json!("true"))),
        ("missing paid", false, edited(|v| remove(v, &["data", "paid"]))),
        ("bad currency", false, edited(|v| v["data"]["currency"] = json!("eur"))),
        (
            "bad date",
            false,
            edited(|v| v["data"]["issued_at"] = json!("25-11-2026")),
        ),
        (
            "month 13",
            false,
            edited(|v| v["data"]["issued_at"] = json!("2026-13-01")),
        ),
        ("missing customer", false, edited(|v| remove(v, &["data", "customer"]))),
        (
            "missing customer email",
            false,
            edited(|v| remove(v, &["data", "customer", "email"])),
        ),
        (
            "customer email a number",
            false,
            edited(|v| v["data"]["customer"]["email"] = json!(3)),
        ),
        (
            "missing customer name",
            false,
            edited(|v| remove(v, &["data", "customer", "name"])),
        ),
        ("lines not an array", false, edited(|v| v["data"]["lines"] = json!({}))),
        (
            "line not an object",
            false,
            edited(|v| v["data"]["lines"][0] = json!("PY-101")),
        ),
        (
            "quantity a string",
            false,
            edited(|v| v["data"]["lines"][0]["quantity"] = json!("1")),
        ),
        (
            "missing quantity",
            false,
            edited(|v| remove(v, &["data", "lines", "0", "quantity"])),
        ),
        (
            "missing product (typo)",
            false,
            edited(|v| {
                remove(v, &["data", "lines", "0", "product"]);
                v["data"]["lines"][0]["prodcut"] = json!("PY-101");
            }),
        ),
        (
            "empty product",
            false,
            edited(|v| v["data"]["lines"][0]["product"] = json!("")),
        ),
        (
            "amount a decimal string",
            true,
            edited(|v| v["data"]["lines"][0]["amount"] = json!("100.50")),
        ),
        (
            "amount a string that is no decimal",
            false,
            edited(|v| v["data"]["lines"][0]["amount"] = json!("100,50")),
        ),
        (
            "amount a boolean",
            false,
            edited(|v| v["data"]["lines"][0]["amount"] = json!(true)),
        ),
        (
            "missing credit_note_for (typo)",
            false,
            edited(|v| {
                remove(v, &["data", "credit_note_for"]);
                v["data"]["credit_note"] = json!("INV-0");
            }),
        ),
        (
            "empty credit_note_for",
            false,
            edited(|v| v["data"]["credit_note_for"] = json!("")),
        ),
        (
            "credits_line on an invoice",
            false,
            edited(|v| v["data"]["lines"][0]["credits_line"] = json!("1")),
        ),
        (
            "empty credits_line on a credit note",
            false,
            edited(|v| {
                v["data"]["credit_note_for"] = json!("INV-0");
                v["data"]["lines"][0]["credits_line"] = json!("");
            }),
        ),
        (
            "deleted without id",
            false,
            json!({"type": "invoice.deleted", "data": {}}),
        ),
        (
            "hint with numeric id",
            false,
            json!({"type": "invoice.hint", "data": {"id": 123}}),
        ),
    ]
}

#[test]
fn parser_accepts_exactly_what_the_schema_accepts() {
    let schema = schema();
    let mut disagreements = Vec::new();
    let cases = cases();
    for (name, expected, payload) in &cases {
        let by_schema = schema.is_valid(payload);
        let body = serde_json::to_vec(payload).expect("serialise");
        let by_parser = parse_event("shop", &body);
        if by_schema != *expected || by_parser.is_ok() != *expected {
            let errors: Vec<String> = schema.iter_errors(payload).map(|e| e.to_string()).collect();
            disagreements.push(format!(
                "{name}: expected {expected}, schema {by_schema} ({errors:?}), parser {by_parser:?}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert!(cases.len() >= 45, "keep the example set broad");
}

/// A decimal string is exact; a number is read from its own text; both round half away from
/// zero to cents.
#[test]
fn amounts_become_cents() {
    let body = |amount: Value| {
        let mut v: Value = serde_json::from_slice(include_bytes!("../schema/examples/upserted.json")).expect("json");
        v["data"]["lines"][0]["amount"] = amount;
        serde_json::to_vec(&v).expect("json")
    };
    for (amount, cents) in [
        (json!("121.505"), 12151),
        (json!(121.5), 12150),
        (json!(-0.125), -13),
        (json!(7), 700),
        (Value::Null, 0),
    ] {
        let Event::Upserted(s) = parse_event("shop", &body(amount.clone())).expect("ok") else {
            panic!("expected an upsert");
        };
        let expected = (!amount.is_null()).then_some(mm_core::Amount(cents));
        assert_eq!(s.lines[0].amount, expected, "{amount}");
    }
}

#[test]
fn examples_parse_to_the_expected_events() {
    let Event::Upserted(s) = parse_event("shop", include_bytes!("../schema/examples/upserted.json")).expect("ok")
    else {
        panic!("expected an upsert");
    };
    assert_eq!(s.key.source, "shop");
    assert_eq!(s.key.id, "INV-1");
    assert_eq!(s.number, "2026-001");
    assert!(s.paid);
    assert_eq!(s.customer.email.as_deref(), Some("ada@example.com"));
    assert_eq!(s.lines.len(), 2);
    assert_eq!(s.lines[0].product.as_deref(), Some("PY-101"));
    assert_eq!(s.lines[0].quantity, 1.0);
    assert_eq!(s.lines[1].product, None);
    assert_eq!(s.credit_note_for, None);
    assert_eq!(s.paid_on, mm_core::Timestamp::parse_iso("2026-11-25T09:58:00Z"));
    assert_eq!(s.issued_on, mm_core::Timestamp::parse_iso("2026-11-25"));
    assert_eq!(s.currency.as_deref(), Some("EUR"));
    assert_eq!(s.lines[0].amount, Some(mm_core::Amount(10000)));
    assert_eq!(s.lines[1].amount, Some(mm_core::Amount(500)));

    let Event::Upserted(c) = parse_event("shop", include_bytes!("../schema/examples/credit-note.json")).expect("ok")
    else {
        panic!("expected an upsert");
    };
    assert_eq!(c.credit_note_for.as_deref(), Some("INV-1"));
    assert_eq!(c.lines[0].quantity, -1.0);
    assert_eq!(c.lines[0].credits_line.as_deref(), Some("1"));
    assert_eq!(
        c.lines[0].amount,
        Some(mm_core::Amount(-10000)),
        "a credit stays negative"
    );

    assert_eq!(
        parse_event("shop", include_bytes!("../schema/examples/deleted.json")),
        Ok(Event::Deleted { id: "INV-1".into() })
    );
    assert_eq!(
        parse_event("shop", include_bytes!("../schema/examples/hint.json")),
        Ok(Event::Hint { id: "123".into() })
    );
}

fn problems(payload: &Value) -> Vec<String> {
    match parse_event("shop", &serde_json::to_vec(payload).expect("serialise")) {
        Err(PayloadError::Invalid(p)) => p.iter().map(ToString::to_string).collect(),
        other => panic!("expected field problems, got {other:?}"),
    }
}

#[test]
fn errors_name_the_json_path() {
    let p = problems(&edited(|v| v["data"]["lines"][0]["quantity"] = json!("1")));
    assert_eq!(p, ["data.lines[0].quantity: expected a number, got a string"]);

    let p = problems(&edited(|v| remove(v, &["data", "customer", "email"])));
    assert_eq!(p, ["data.customer.email: required field is missing"]);

    let p = problems(&edited(|v| v["type"] = json!("invoice.paid")));
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("type: unknown event type `invoice.paid`"), "{p:?}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let p = problems(&edited(|v| {
        remove(v, &["data", "number"]);
        v["data"]["paid"] = json!("yes");
        v["data"]["lines"][0]["quantity"] = Value::Null;
        v["data"]["lines"][1]["credits_line"] = json!("9");
    }));
    assert_eq!(
        p,
        [
            "data.number: required field is missing",
            "data.paid: expected a boolean, got a string",
            "data.lines[0].quantity: expected a number, got null",
            "data.lines[1].credits_line: only allowed on a credit note (`data.credit_note_for` is not set)",
        ]
    );
}

#[test]
fn invalid_json_is_its_own_error() {
    let err = parse_event("shop", b"{\"type\": ").unwrap_err();
    assert!(matches!(err, PayloadError::NotJson(_)), "{err:?}");
    assert_eq!(err.status(), 400);
}
