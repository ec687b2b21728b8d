//! Webhook deliveries: arbitrary `webhook-id` / `webhook-timestamp` / `webhook-signature`
//! headers and body through `mm_webhook::Verifier` (two configured secrets, as during a
//! rotation; a fixed clock), then the event parser.
//!
//! Input: `flags, offset, id \n timestamp \n signature \n body…`.
//! - `flags & 3`: 0 = the signature header as given; 1 / 2 = a correct `v1` signature by the
//!   first / second configured secret is added; 3 = one by a secret that is not configured.
//! - `flags & 4`: the timestamp is `NOW + offset·8` instead of the given text, so that the
//!   fuzzer reaches the HMAC with fresh timestamps as well as stale and future ones.
//! - `flags & 8 / 16 / 32`: the id / timestamp / signature header is missing.
//! - `flags & 64`: with a computed signature, the given signature text is dropped.
//! - `flags & 128`: a verifier with a tolerance of `offset` seconds and a 64-byte body limit.
//!
//! Promises checked: nothing panics; a refusal has an HTTP status of 400, 401 or 413 and a
//! message that quotes neither a secret nor the expected signature; an accepted delivery
//! carries a correct signature by the secret it names (no forgery), a fresh timestamp and the
//! id as sent; the parser answers an event about a non-empty invoice id or a 400 error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mm_webhook::{Event, Headers, PayloadError, Secret, Verifier, VerifyError, parse_event, sign};

/// The receiver's clock: 2026-11-25T10:00:00Z.
const NOW: i64 = 1_795_600_800;
const SOURCE: &str = "shop";

fn secret(byte: u8) -> Secret {
    Secret::from_key_bytes(vec![byte; 32]).expect("32 bytes is a valid key")
}

/// The base64 part of a `v1,…` signature.
fn tag(signature: &str) -> &str {
    signature.split_once(',').map_or(signature, |(_, t)| t)
}

fn check_refusal(e: &VerifyError, secrets: &[Secret], expected: &[String]) {
    assert!(matches!(e.status(), 400 | 401 | 413), "{e:?}");
    let text = e.to_string();
    assert!(!text.is_empty(), "{e:?}");
    let debug = format!("{e:?}");
    for s in secrets {
        let whsec = s.expose_whsec();
        let key = whsec.trim_start_matches("whsec_");
        assert!(!text.contains(key) && !debug.contains(key), "a secret in {text}");
    }
    for sig in expected {
        assert!(!text.contains(tag(sig)), "the expected signature in {text}");
    }
}

fn check_event(body: &[u8], result: &Result<Event, PayloadError>) {
    match result {
        Ok(event) => {
            assert!(
                serde_json::from_slice::<serde_json::Value>(body).is_ok(),
                "an event from a body that is not JSON"
            );
            assert!(!event.invoice_id().is_empty(), "{event:?}");
            assert!(!event.type_name().is_empty());
            if let Event::Upserted(s) = event {
                assert_eq!(s.key.source, SOURCE);
                assert!(!s.customer.id.is_empty(), "{s:?}");
                for line in &s.lines {
                    assert!(!line.id.is_empty(), "{s:?}");
                    assert!(line.quantity.is_finite(), "{s:?}");
                    assert!(line.credits_line.is_none() || s.credit_note_for.is_some(), "{s:?}");
                }
            }
        }
        Err(e) => {
            assert_eq!(e.status(), 400);
            assert!(!e.to_string().is_empty(), "{e:?}");
            if let PayloadError::Invalid(problems) = e {
                assert!(!problems.is_empty());
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [flags, offset, rest @ ..] = data else {
        return;
    };
    let (flags, offset) = (*flags, *offset as i8);
    let mut parts = rest.splitn(4, |b| *b == b'\n');
    let id_raw = parts.next().unwrap_or_default();
    let ts_raw = parts.next().unwrap_or_default();
    let sig_raw = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();

    // As the HTTP layer reads headers: a value that is not UTF-8 counts as missing.
    let text = |b: &[u8]| std::str::from_utf8(b).ok().map(str::to_owned);
    let id = text(id_raw).filter(|_| flags & 8 == 0);
    let ts = if flags & 4 != 0 {
        Some((NOW + i64::from(offset) * 8).to_string())
    } else {
        text(ts_raw)
    }
    .filter(|_| flags & 16 == 0);

    let configured = [secret(0x11), secret(0x22)];
    let stranger = secret(0x33);
    // The signatures a correct sender would send, when the headers allow computing them.
    let signed_as = |s: &Secret| -> Option<String> {
        let id = id.as_deref()?.trim();
        let ts: i64 = ts.as_deref()?.trim().parse().ok()?;
        Some(sign(s, id, ts, body))
    };
    let expected: Vec<String> = configured.iter().filter_map(signed_as).collect();
    let given = text(sig_raw).filter(|_| flags & 32 == 0);
    let added = match flags & 3 {
        1 => signed_as(&configured[0]),
        2 => signed_as(&configured[1]),
        3 => signed_as(&stranger),
        _ => None,
    };
    let signature = match (given, added) {
        (Some(g), Some(a)) if flags & 64 == 0 => Some(format!("{g} {a}")),
        (_, Some(a)) => Some(a),
        (g, None) => g,
    };

    let mut verifier = Verifier::new(configured.to_vec()).expect("two secrets");
    if flags & 128 != 0 {
        verifier = verifier.with_tolerance_secs(i64::from(offset)).with_max_body_bytes(64);
    }
    let headers = Headers {
        id: id.as_deref(),
        timestamp: ts.as_deref(),
        signature: signature.as_deref(),
    };
    match verifier.verify(&headers, body, NOW) {
        Ok(delivery) => {
            // No forgery: the header holds the exact signature of the secret that matched.
            let secret = &configured[delivery.secret_index];
            let correct = sign(secret, &delivery.id, delivery.timestamp, body);
            let sig = signature.as_deref().unwrap_or_default();
            assert!(
                sig.split_ascii_whitespace().any(|s| s == correct),
                "verified without a correct signature: {sig:?}"
            );
            assert!(
                !(flags & 3 == 3 && flags & 64 != 0),
                "verified with an unconfigured secret"
            );
            assert_eq!(Some(delivery.id.as_str()), id.as_deref().map(str::trim));
            assert_eq!(
                Some(delivery.timestamp.to_string()).as_deref(),
                ts.as_deref().map(str::trim)
            );
            assert!((NOW - delivery.timestamp).abs() <= mm_webhook::DEFAULT_TOLERANCE_SECS);
            assert!(!body.is_empty() && body.len() <= verifier.max_body_bytes());
            assert!(!delivery.dedupe_key(SOURCE).is_empty());
            // A delivery that verifies is parsed: an event or a 400, never a panic.
            check_event(body, &parse_event(SOURCE, body));
        }
        Err(e) => {
            check_refusal(&e, &configured, &expected);
            // The parser is only reached after verification in the service; fuzz it on every
            // body anyway, it must hold for any bytes.
            check_event(body, &parse_event(SOURCE, body));
        }
    }
});
