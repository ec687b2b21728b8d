//! Property tests: whatever a Moodle site (or a proxy in front of it) answers, classifying the
//! answer never panics. It is `Ok(json)` or a typed [`MoodleError`] whose `Display`, fix hint
//! and retry classification can be computed; the typed records decode or fail cleanly.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_moodle::{
    Category, Course, CreatedUser, EnrolledUser, MoodleError, MoodleException, SiteInfo, User, UserCourse, Warning,
    parse_response,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::time::Duration;

/// Every accessor of an error, as a caller would use them after a failed call.
fn exercise(e: &MoodleError) {
    let text = e.to_string();
    assert!(!text.is_empty(), "{e:?}");
    let _ = format!("{e:?}");
    let _ = e.fix_hint();
    let _ = e.is_retryable();
    let _ = e.is_ambiguous();
    let _ = e.errorcode();
    let _ = e.exception();
}

/// Arbitrary JSON: scalars (with extreme numbers and odd strings), arrays and objects, nested.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,24}".prop_map(Value::String),
        prop_oneof![
            Just("0"),
            Just("1"),
            Just("true"),
            Just(""),
            Just(" 42 "),
            Just("-9223372036854775809")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Object keys: mostly the ones Moodle's answers and this client care about, so that the
/// exception and record paths are reached, plus arbitrary ones.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "exception", "errorcode", "message", "debuginfo", "error", "id", "username", "email", "firstname",
            "lastname", "fullname", "shortname", "idnumber", "suspended", "visible", "users", "courses", "warnings",
            "roles", "sitename", "release", "functions", "userid", "categoryid", "enrolledcourses", "item", "itemid",
            "warningcode", "confirmed", "auth", "name", "parent", "startdate", "enddate",
        ])
        .prop_map(str::to_owned),
        1 => ".{0,12}",
    ]
}

/// Objects shaped like a Moodle exception, with arbitrary field types.
fn exception_like() -> impl Strategy<Value = Value> {
    (json_value(), json_value(), json_value(), json_value(), any::<bool>()).prop_map(|(ex, code, msg, dbg, ajax)| {
        if ajax {
            // The AJAX error shape of webservice/upload.php: `error` is a string.
            let msg = if msg.is_string() {
                msg
            } else {
                Value::String(msg.to_string())
            };
            json!({"error": msg, "errorcode": code, "debuginfo": dbg})
        } else {
            let ex = if ex.is_string() {
                ex
            } else {
                Value::String("moodle_exception".into())
            };
            json!({"exception": ex, "errorcode": code, "message": msg, "debuginfo": dbg})
        }
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200u16),
        1 => prop::sample::select(vec![0u16, 100, 201, 204, 299, 300, 301, 303, 400, 401, 403, 404, 429, 500, 502, 503, 504, 999]),
        1 => any::<u16>(),
    ]
}

fn decode_all(v: &Value) {
    // Each record type, alone and as a list: Ok or a serde error, never a panic.
    macro_rules! try_decode {
        ($($t:ty),*) => {$(
            let _ = serde_json::from_value::<$t>(v.clone()).map(|x| format!("{x:?}"));
            let _ = serde_json::from_value::<Vec<$t>>(v.clone()).map(|x| x.len());
        )*};
    }
    try_decode!(
        User,
        Course,
        Category,
        EnrolledUser,
        UserCourse,
        SiteInfo,
        Warning,
        CreatedUser,
        MoodleException
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    /// Raw bytes with any status, content type and `Retry-After`.
    #[test]
    fn arbitrary_bytes_never_panic(
        body in prop::collection::vec(any::<u8>(), 0..1024),
        status in status(),
        content_type in prop_oneof![Just(String::from("application/json")), Just(String::new()), ".{0,40}"],
        retry in prop::option::of(0u64..100_000),
    ) {
        match parse_response("core_user_get_users_by_field", status, &content_type, retry.map(Duration::from_secs), &body) {
            Ok(v) => {
                prop_assert!((200..300).contains(&status), "a non-2xx answer was accepted: {status}");
                let reparsed: Value = serde_json::from_slice(&body).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(v, reparsed);
            }
            Err(e) => exercise(&e),
        }
    }

    /// Bytes that look like JSON but are cut, doubled or corrupted.
    #[test]
    fn corrupted_json_never_panics(v in json_value(), cut in any::<prop::sample::Index>(), flip in any::<(prop::sample::Index, u8)>()) {
        let mut bytes = serde_json::to_vec(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let truncated = &bytes[..cut.index(bytes.len() + 1)];
        if let Err(e) = parse_response("enrol_manual_enrol_users", 200, "application/json", None, truncated) {
            exercise(&e);
        }
        let i = flip.0.index(bytes.len());
        bytes[i] ^= flip.1;
        if let Err(e) = parse_response("enrol_manual_enrol_users", 200, "application/json", None, &bytes) {
            exercise(&e);
        }
    }

    /// Any JSON value with a 2xx status is the value itself, unless it is an exception shape.
    #[test]
    fn arbitrary_json_is_ok_or_an_exception(v in json_value()) {
        let body = serde_json::to_vec(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let is_exception = v.get("exception").is_some_and(Value::is_string)
            || (v.get("error").is_some_and(Value::is_string) && v.get("errorcode").is_some());
        match parse_response("core_course_get_courses_by_field", 200, "application/json", None, &body) {
            Ok(got) => {
                prop_assert!(!is_exception, "an exception body was accepted: {}", v);
                // As the parser reads it (floats are not round-tripped bit for bit).
                let reread: Value = serde_json::from_slice(&body).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(got, reread);
            }
            Err(e) => {
                prop_assert!(is_exception, "a plain JSON value was refused: {} → {:?}", v, e);
                prop_assert!(matches!(e, MoodleError::Exception { .. } | MoodleError::Decode { .. }), "{e:?}");
                exercise(&e);
            }
        }
        decode_all(&v);
    }

    /// Exception bodies with fields of the wrong types: a typed error, never a panic.
    #[test]
    fn exception_shapes_are_typed_errors(v in exception_like(), status in status()) {
        let body = serde_json::to_vec(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let result = parse_response("core_webservice_get_site_info", status, "application/json", None, &body);
        if (200..300).contains(&status) {
            let e = result.err().ok_or_else(|| TestCaseError::fail(format!("an exception was accepted: {v}")))?;
            exercise(&e);
        } else if let Err(e) = result {
            exercise(&e);
        }
    }

    /// Record-shaped objects with arbitrary field values decode or fail cleanly.
    #[test]
    fn records_with_arbitrary_fields_never_panic(fields in prop::collection::vec((key(), json_value()), 0..16)) {
        let obj = Value::Object(fields.into_iter().collect());
        decode_all(&obj);
        decode_all(&json!([obj.clone(), obj.clone()]));
        decode_all(&json!({"users": [obj.clone()], "courses": [obj.clone()], "warnings": [obj]}));
    }
}

#[test]
fn the_known_shapes_are_classified() {
    let ok = parse_response("f", 200, "application/json", None, b"[]");
    assert!(matches!(ok, Ok(Value::Array(ref a)) if a.is_empty()), "{ok:?}");
    let disabled = parse_response("f", 403, "", None, b" \n");
    assert!(
        matches!(disabled, Err(MoodleError::WebServicesDisabled)),
        "{disabled:?}"
    );
    let html = parse_response("f", 200, "text/html", None, b"<html>login</html>");
    assert!(matches!(html, Err(MoodleError::NotJson { .. })), "{html:?}");
    let ex = parse_response(
        "f",
        200,
        "application/json",
        None,
        br#"{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}"#,
    );
    assert!(matches!(&ex, Err(e) if e.errorcode() == Some("invalidtoken")), "{ex:?}");
    let bad_types = parse_response("f", 200, "application/json", None, br#"{"exception":"x","message":42}"#);
    assert!(matches!(bad_types, Err(MoodleError::Decode { .. })), "{bad_types:?}");
    let deep = "[".repeat(100_000);
    let deep = parse_response("f", 200, "application/json", None, deep.as_bytes());
    assert!(
        matches!(deep, Err(MoodleError::NotJson { .. })),
        "deep nesting is refused, not a stack overflow"
    );
}
