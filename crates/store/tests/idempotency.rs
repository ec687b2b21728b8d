//! `Idempotency-Key` records on every backend (SQLite always, PostgreSQL and MariaDB when their
//! URLs are set): claimed once, completed with the answer, released, replaced when stale or
//! expired, purged.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_core::Timestamp;
use mm_store::testing::{backends, fresh};
use mm_store::{KeyClaim, NewIdempotencyKey, StoredAnswer};

fn first_use(caller: &str, key: &str, body: &str, at: i64) -> NewIdempotencyKey {
    NewIdempotencyKey {
        caller: caller.into(),
        key: key.into(),
        method: "POST".into(),
        path: "/api/seats".into(),
        body_sha256: body.repeat(64 / body.len()),
        created_at: Timestamp(at),
        expires_at: Timestamp(at + 86_400),
    }
}

#[tokio::test]
async fn a_key_is_claimed_once_answered_replayed_released_and_purged_on_every_backend() {
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let s = db.store().await;
        let long_ago = Timestamp(0);

        let first = first_use("bearer:aa", "order-1", "ab", 1_000);
        assert_eq!(
            s.claim_idempotency_key(&first, long_ago).await.unwrap(),
            KeyClaim::Claimed,
            "{b}"
        );
        // The same key again while the first runs: taken, with no answer yet.
        let KeyClaim::Taken(running) = s.claim_idempotency_key(&first, long_ago).await.unwrap() else {
            panic!("{b}: claimed twice");
        };
        assert_eq!(
            (running.answer, running.body_sha256.as_str()),
            (None, first.body_sha256.as_str()),
            "{b}"
        );
        // Another caller's same key is theirs.
        let other = first_use("bearer:bb", "order-1", "cd", 1_000);
        assert_eq!(
            s.claim_idempotency_key(&other, long_ago).await.unwrap(),
            KeyClaim::Claimed,
            "{b}"
        );

        // Every byte of a body comes back (not only text).
        let answer = StoredAnswer {
            status: 201,
            content_type: Some("application/json".into()),
            location: Some("/api/seats/7".into()),
            etag: None,
            body: vec![b'{', 0, 0xff, b'}'],
        };
        assert!(
            s.complete_idempotency_key("bearer:aa", "order-1", &answer)
                .await
                .unwrap(),
            "{b}"
        );
        assert!(
            !s.complete_idempotency_key("bearer:aa", "order-1", &answer)
                .await
                .unwrap(),
            "{b}: a key is completed once"
        );
        let KeyClaim::Taken(done) = s.claim_idempotency_key(&first, long_ago).await.unwrap() else {
            panic!("{b}: a done key was claimed again");
        };
        assert_eq!(done.answer.as_ref(), Some(&answer), "{b}");
        assert_eq!(
            (done.method.as_str(), done.path.as_str()),
            ("POST", "/api/seats"),
            "{b}"
        );

        // A released key (its request failed) may be used again; a done one is not released.
        s.release_idempotency_key("bearer:bb", "order-1").await.unwrap();
        assert_eq!(
            s.claim_idempotency_key(&other, long_ago).await.unwrap(),
            KeyClaim::Claimed,
            "{b}"
        );
        s.release_idempotency_key("bearer:aa", "order-1").await.unwrap();
        assert!(
            matches!(
                s.claim_idempotency_key(&first, long_ago).await.unwrap(),
                KeyClaim::Taken(_)
            ),
            "{b}"
        );

        // One left in progress by a request that died is taken over once stale.
        let again = first_use("bearer:bb", "order-1", "cd", 1_200);
        assert!(
            matches!(
                s.claim_idempotency_key(&again, Timestamp(999)).await.unwrap(),
                KeyClaim::Taken(_)
            ),
            "{b}"
        );
        assert_eq!(
            s.claim_idempotency_key(&again, Timestamp(1_001)).await.unwrap(),
            KeyClaim::Claimed,
            "{b}"
        );

        // Purged once a day old: the key is free again, the younger one stays.
        assert_eq!(
            s.purge_idempotency_keys(Timestamp(1_000 + 86_399)).await.unwrap(),
            0,
            "{b}"
        );
        assert_eq!(
            s.purge_idempotency_keys(Timestamp(1_000 + 86_400)).await.unwrap(),
            1,
            "{b}"
        );
        assert_eq!(
            s.claim_idempotency_key(&first, long_ago).await.unwrap(),
            KeyClaim::Claimed,
            "{b}"
        );
        assert!(
            matches!(
                s.claim_idempotency_key(&again, Timestamp(0)).await.unwrap(),
                KeyClaim::Taken(_)
            ),
            "{b}"
        );
        // An expired record is replaced even before the purge runs.
        let late = first_use("bearer:bb", "order-1", "ef", 1_200 + 86_400);
        assert_eq!(
            s.claim_idempotency_key(&late, long_ago).await.unwrap(),
            KeyClaim::Claimed,
            "{b}"
        );
    }
}
