//! Property tests: signing then verifying round-trips for any body, and any single-byte
//! change to the body, id or timestamp is caught.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_webhook::{Headers, Secret, Verifier, sign};
use proptest::prelude::*;

const NOW: i64 = 1_764_064_800;

fn secret_strategy() -> impl Strategy<Value = Secret> {
    prop::collection::vec(any::<u8>(), 24..=64).prop_map(|key| Secret::from_key_bytes(key).expect("length in range"))
}

fn id_strategy() -> impl Strategy<Value = String> {
    "[!-~]{1,64}"
}

proptest! {
    #[test]
    fn sign_then_verify_round_trips(
        secret in secret_strategy(),
        id in id_strategy(),
        skew in -300i64..=300,
        body in prop::collection::vec(any::<u8>(), 1..2048),
    ) {
        let ts = NOW + skew;
        let signature = sign(&secret, &id, ts, &body);
        let ts_text = ts.to_string();
        let verifier = Verifier::new(vec![secret]).expect("one secret");
        let headers = Headers { id: Some(&id), timestamp: Some(&ts_text), signature: Some(&signature) };
        let ok = verifier.verify(&headers, &body, NOW).expect("own signature verifies");
        prop_assert_eq!(ok.id, id);
        prop_assert_eq!(ok.timestamp, ts);
    }

    #[test]
    fn flipping_any_body_byte_fails(
        secret in secret_strategy(),
        body in prop::collection::vec(any::<u8>(), 1..512),
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let signature = sign(&secret, "msg_1", NOW, &body);
        let mut tampered = body.clone();
        let i = index.index(tampered.len());
        tampered[i] ^= flip;
        let ts_text = NOW.to_string();
        let verifier = Verifier::new(vec![secret]).expect("one secret");
        let headers = Headers { id: Some("msg_1"), timestamp: Some(&ts_text), signature: Some(&signature) };
        let err = verifier.verify(&headers, &tampered, NOW).expect_err("tampered body must fail");
        prop_assert_eq!(err.status(), 401);
    }

    #[test]
    fn another_secret_never_verifies(
        a in secret_strategy(),
        b in secret_strategy(),
        body in prop::collection::vec(any::<u8>(), 1..256),
    ) {
        prop_assume!(a.expose_whsec() != b.expose_whsec());
        let signature = sign(&a, "msg_1", NOW, &body);
        let ts_text = NOW.to_string();
        let verifier = Verifier::new(vec![b]).expect("one secret");
        let headers = Headers { id: Some("msg_1"), timestamp: Some(&ts_text), signature: Some(&signature) };
        prop_assert!(verifier.verify(&headers, &body, NOW).is_err());
    }

    #[test]
    fn whsec_text_round_trips(secret in secret_strategy()) {
        let back = Secret::parse(&secret.expose_whsec()).expect("parses");
        prop_assert_eq!(back.expose_whsec(), secret.expose_whsec());
    }

    #[test]
    fn arbitrary_headers_never_panic(
        id in ".{0,40}",
        ts in ".{0,24}",
        sig in ".{0,120}",
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let verifier = Verifier::new(vec![Secret::from_key_bytes(vec![7; 32]).expect("key")]).expect("v");
        let headers = Headers { id: Some(&id), timestamp: Some(&ts), signature: Some(&sig) };
        let _ = verifier.verify(&headers, &body, NOW);
    }

    #[test]
    fn arbitrary_bodies_never_panic_the_parser(body in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = mm_webhook::parse_event("shop", &body);
    }
}
