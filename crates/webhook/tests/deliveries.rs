//! A corpus of genuine, forged, replayed and tampered deliveries, each with the HTTP status
//! the receiver must answer (200 = accepted), plus the Standard Webhooks reference vector.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_webhook::{Headers, Secret, SecretError, Verifier, VerifyError, sign};

const NOW: i64 = 1_764_064_800; // 2025-11-25T10:00:00Z
const ID: &str = "msg_2wQbXq1hUjg8kYdEIqCIGnFvNfA";
const BODY: &[u8] = br#"{"type":"invoice.hint","data":{"id":"123"}}"#;

fn old_secret() -> Secret {
    Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("valid")
}
fn new_secret() -> Secret {
    Secret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").expect("valid")
}
fn attacker_secret() -> Secret {
    Secret::parse("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").expect("valid")
}

/// One delivery as it arrives: owned header values, `None` = header absent.
#[derive(Clone)]
struct Delivery {
    id: Option<String>,
    timestamp: Option<String>,
    signature: Option<String>,
    body: Vec<u8>,
}

impl Delivery {
    fn signed_by(secret: &Secret) -> Delivery {
        Delivery {
            id: Some(ID.into()),
            timestamp: Some(NOW.to_string()),
            signature: Some(sign(secret, ID, NOW, BODY)),
            body: BODY.to_vec(),
        }
    }
    fn at(secret: &Secret, ts: i64) -> Delivery {
        Delivery {
            timestamp: Some(ts.to_string()),
            signature: Some(sign(secret, ID, ts, BODY)),
            ..Delivery::signed_by(secret)
        }
    }
    fn sig(self, signature: &str) -> Delivery {
        Delivery {
            signature: Some(signature.into()),
            ..self
        }
    }
    fn verify(&self, verifier: &Verifier) -> Result<mm_webhook::VerifiedDelivery, VerifyError> {
        let headers = Headers {
            id: self.id.as_deref(),
            timestamp: self.timestamp.as_deref(),
            signature: self.signature.as_deref(),
        };
        verifier.verify(&headers, &self.body, NOW)
    }
}

fn status(r: &Result<mm_webhook::VerifiedDelivery, VerifyError>) -> u16 {
    match r {
        Ok(_) => 200,
        Err(e) => e.status(),
    }
}

fn v1(secret: &Secret) -> String {
    sign(secret, ID, NOW, BODY)
}

/// (name, verifier secrets, delivery, expected status)
fn corpus() -> Vec<(&'static str, Vec<Secret>, Delivery, u16)> {
    let s = old_secret;
    let good = || Delivery::signed_by(&s());
    let good_sig = v1(&s());
    let good_b64 = good_sig.trim_start_matches("v1,").to_string();
    vec![
        ("genuine", vec![s()], good(), 200),
        ("wrong secret", vec![s()], Delivery::signed_by(&attacker_secret()), 401),
        (
            "tampered body",
            vec![s()],
            Delivery {
                body: br#"{"type":"invoice.hint","data":{"id":"124"}}"#.to_vec(),
                ..good()
            },
            401,
        ),
        (
            "body with a trailing newline",
            vec![s()],
            Delivery {
                body: [BODY, b"\n"].concat(),
                ..good()
            },
            401,
        ),
        (
            "body re-serialised with spaces",
            vec![s()],
            Delivery {
                body: br#"{"type": "invoice.hint", "data": {"id": "123"}}"#.to_vec(),
                ..good()
            },
            401,
        ),
        (
            "tampered id (replay under a new id)",
            vec![s()],
            Delivery {
                id: Some("msg_other".into()),
                ..good()
            },
            401,
        ),
        (
            "tampered timestamp (+1 s)",
            vec![s()],
            Delivery {
                timestamp: Some((NOW + 1).to_string()),
                ..good()
            },
            401,
        ),
        (
            "timestamp with leading zero",
            vec![s()],
            Delivery {
                timestamp: Some(format!("0{NOW}")),
                ..good()
            },
            400,
        ),
        (
            "expired (-6 min), correctly signed",
            vec![s()],
            Delivery::at(&s(), NOW - 360),
            401,
        ),
        (
            "future (+6 min), correctly signed",
            vec![s()],
            Delivery::at(&s(), NOW + 360),
            401,
        ),
        (
            "just inside the window (-5 min)",
            vec![s()],
            Delivery::at(&s(), NOW - 300),
            200,
        ),
        (
            "just inside the window (+5 min)",
            vec![s()],
            Delivery::at(&s(), NOW + 300),
            200,
        ),
        ("one second too old", vec![s()], Delivery::at(&s(), NOW - 301), 401),
        (
            "replay from yesterday",
            vec![s()],
            Delivery::at(&s(), NOW - 86_400),
            401,
        ),
        ("missing webhook-id", vec![s()], Delivery { id: None, ..good() }, 400),
        (
            "missing webhook-timestamp",
            vec![s()],
            Delivery {
                timestamp: None,
                ..good()
            },
            400,
        ),
        (
            "missing webhook-signature",
            vec![s()],
            Delivery {
                signature: None,
                ..good()
            },
            400,
        ),
        (
            "empty webhook-id",
            vec![s()],
            Delivery {
                id: Some(String::new()),
                ..good()
            },
            400,
        ),
        (
            "webhook-id with inner space",
            vec![s()],
            Delivery {
                id: Some("msg 1".into()),
                ..good()
            },
            400,
        ),
        (
            "webhook-id too long",
            vec![s()],
            Delivery {
                id: Some("m".repeat(257)),
                ..good()
            },
            400,
        ),
        (
            "timestamp in milliseconds-like garbage",
            vec![s()],
            Delivery {
                timestamp: Some("1.7e9".into()),
                ..good()
            },
            400,
        ),
        (
            "timestamp as a date",
            vec![s()],
            Delivery {
                timestamp: Some("2025-11-25T10:00:00Z".into()),
                ..good()
            },
            400,
        ),
        (
            "negative timestamp",
            vec![s()],
            Delivery {
                timestamp: Some("-5".into()),
                ..good()
            },
            400,
        ),
        (
            "timestamp with plus sign",
            vec![s()],
            Delivery {
                timestamp: Some(format!("+{NOW}")),
                ..good()
            },
            400,
        ),
        (
            "timestamp overflowing i64",
            vec![s()],
            Delivery {
                timestamp: Some("99999999999999999999".into()),
                ..good()
            },
            400,
        ),
        (
            "empty body",
            vec![s()],
            Delivery {
                body: Vec::new(),
                ..good()
            },
            400,
        ),
        (
            "oversized body",
            vec![s()],
            Delivery {
                body: vec![b' '; 1024 * 1024 + 1],
                ..good()
            },
            413,
        ),
        ("v2 only", vec![s()], good().sig(&format!("v2,{good_b64}")), 401),
        (
            "v1a (ed25519) only",
            vec![s()],
            good().sig(&format!("v1a,{good_b64}")),
            401,
        ),
        (
            "unknown version next to a valid v1",
            vec![s()],
            good().sig(&format!("v2,abc {good_sig}")),
            200,
        ),
        ("no version prefix", vec![s()], good().sig(&good_b64), 401),
        (
            "version in upper case",
            vec![s()],
            good().sig(&format!("V1,{good_b64}")),
            401,
        ),
        (
            "truncated base64",
            vec![s()],
            good().sig(&format!("v1,{}", &good_b64[..20])),
            401,
        ),
        ("garbage base64", vec![s()], good().sig("v1,!!!not-base64!!!"), 401),
        (
            "base64 of the right length, wrong bytes",
            vec![s()],
            good().sig("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            401,
        ),
        (
            "URL-safe base64 alphabet",
            vec![s()],
            good().sig(&format!("v1,{}", good_b64.replace('+', "-").replace('/', "_"))),
            if good_b64.contains(['+', '/']) { 401 } else { 200 },
        ),
        (
            "signature for another body",
            vec![s()],
            good().sig(&sign(&s(), ID, NOW, b"{}")),
            401,
        ),
        (
            "signature for another id",
            vec![s()],
            good().sig(&sign(&s(), "msg_other", NOW, BODY)),
            401,
        ),
        ("empty signature list", vec![s()], good().sig(""), 400),
        ("whitespace-only signature list", vec![s()], good().sig("   "), 400),
        (
            "several signatures, one valid",
            vec![s()],
            good().sig(&format!("{} v1,AAAA {good_sig}", v1(&attacker_secret()))),
            200,
        ),
        (
            "several signatures, none valid",
            vec![s()],
            good().sig(&format!("{} v1,AAAA", v1(&attacker_secret()))),
            401,
        ),
        (
            "rotation: old+new configured, signed with old",
            vec![s(), new_secret()],
            good(),
            200,
        ),
        (
            "rotation: old+new configured, signed with new",
            vec![s(), new_secret()],
            Delivery::signed_by(&new_secret()),
            200,
        ),
        (
            "rotation: sender signs with both",
            vec![new_secret()],
            good().sig(&format!("{good_sig} {}", v1(&new_secret()))),
            200,
        ),
        ("rotation done: old secret removed", vec![new_secret()], good(), 401),
        (
            "double space between signatures",
            vec![s()],
            good().sig(&format!("v1,AAAA  {good_sig}")),
            200,
        ),
        (
            "leading and trailing spaces in signature header",
            vec![s()],
            good().sig(&format!("  {good_sig}  ")),
            200,
        ),
        (
            "tab between signatures",
            vec![s()],
            good().sig(&format!("v1,AAAA\t{good_sig}")),
            200,
        ),
        (
            "space after the comma",
            vec![s()],
            good().sig(&format!("v1, {good_b64}")),
            401,
        ),
        (
            "surrounding whitespace in id and timestamp",
            vec![s()],
            Delivery {
                id: Some(format!(" {ID} ")),
                timestamp: Some(format!(" {NOW}\t")),
                ..good()
            },
            200,
        ),
        (
            "signature with a trailing comma entry",
            vec![s()],
            good().sig(&format!("{good_sig} v1,")),
            200,
        ),
    ]
}

#[test]
fn corpus_gets_the_expected_status() {
    let corpus = corpus();
    assert!(corpus.len() >= 30);
    let mut failures = Vec::new();
    for (name, secrets, delivery, expected) in &corpus {
        let verifier = Verifier::new(secrets.clone()).expect("secrets");
        let result = delivery.verify(&verifier);
        if status(&result) != *expected {
            failures.push(format!("{name}: expected {expected}, got {result:?}"));
        }
        // Whatever the outcome, an error message must never leak a secret.
        if let Err(e) = &result {
            let msg = e.to_string();
            for secret in secrets {
                let whsec = secret.expose_whsec();
                assert!(!msg.contains(&whsec[6..]), "{name}: message leaks a secret: {msg}");
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        corpus.len(),
        failures.join("\n")
    );
}

#[test]
fn standard_webhooks_reference_vector() {
    // From the Standard Webhooks spec test suite (and svix's libraries).
    let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    let ts = 1_614_265_330;
    let body = br#"{"test": 2432232314}"#;
    let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    assert_eq!(sign(&secret, id, ts, body), expected);

    let verifier = Verifier::new(vec![secret]).expect("verifier");
    let headers = Headers {
        id: Some(id),
        timestamp: Some("1614265330"),
        signature: Some(expected),
    };
    let ok = verifier
        .verify(&headers, body, ts + 10)
        .expect("reference vector verifies");
    assert_eq!(ok.id, id);
    assert_eq!(ok.timestamp, ts);
    assert_eq!(ok.secret_index, 0);
    assert_eq!(ok.dedupe_key("shop"), "shop:msg_p5jXN8AQM9LWM0D4loKWxJek");

    // The same vector is refused once it is stale: replay protection.
    assert_eq!(
        verifier.verify(&headers, body, ts + 301).map_err(|e| e.status()),
        Err(401)
    );
}

#[test]
fn rotation_reports_which_secret_matched() {
    let verifier = Verifier::new(vec![old_secret(), new_secret()]).expect("verifier");
    let by_new = Delivery::signed_by(&new_secret()).verify(&verifier).expect("ok");
    assert_eq!(by_new.secret_index, 1);
    let by_old = Delivery::signed_by(&old_secret()).verify(&verifier).expect("ok");
    assert_eq!(by_old.secret_index, 0);
}

#[test]
fn errors_explain_themselves() {
    let verifier = Verifier::new(vec![old_secret()]).expect("verifier");
    let err = Delivery::at(&old_secret(), NOW - 360).verify(&verifier).unwrap_err();
    assert_eq!(
        err,
        VerifyError::TimestampTooOld {
            age_secs: 360,
            tolerance_secs: 300
        }
    );
    assert!(err.to_string().contains("360 s old"), "{err}");
    let err = Delivery {
        timestamp: None,
        ..Delivery::signed_by(&old_secret())
    }
    .verify(&verifier)
    .unwrap_err();
    assert_eq!(err.to_string(), "missing header `webhook-timestamp`");
}

#[test]
fn tolerance_and_body_limit_are_configurable() {
    let verifier = Verifier::new(vec![old_secret()])
        .expect("verifier")
        .with_tolerance_secs(10);
    let late = Delivery::at(&old_secret(), NOW - 11).verify(&verifier).unwrap_err();
    assert_eq!(
        late,
        VerifyError::TimestampTooOld {
            age_secs: 11,
            tolerance_secs: 10
        }
    );
    assert!(Delivery::at(&old_secret(), NOW - 10).verify(&verifier).is_ok());
    let verifier = verifier.with_max_body_bytes(8);
    assert_eq!(verifier.max_body_bytes(), 8);
    let big = Delivery::signed_by(&old_secret()).verify(&verifier).unwrap_err();
    assert_eq!(
        big,
        VerifyError::BodyTooLarge {
            len: BODY.len(),
            limit: 8
        }
    );
}

#[test]
fn no_secrets_is_a_startup_error() {
    assert_eq!(Verifier::new(Vec::new()).unwrap_err(), SecretError::NoSecrets);
}

#[test]
fn headers_from_a_lookup() {
    let map = [
        ("webhook-id", "a"),
        ("webhook-timestamp", "1"),
        ("webhook-signature", "v1,x"),
    ];
    let h = Headers::from_lookup(|name| map.iter().find(|(k, _)| *k == name).map(|(_, v)| *v));
    assert_eq!(
        h,
        Headers {
            id: Some("a"),
            timestamp: Some("1"),
            signature: Some("v1,x")
        }
    );
}
