//! Outbound events on every backend: fan-out by filter, one row per cause, order per subscriber
//! and ordering key, a dead event releasing the next, attempts, paging and redelivery.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_core::Timestamp;
use mm_store::testing::{backends, fresh};
use mm_store::{
    AttemptOutcome, AttemptRecord, DeliveryFilter, DeliveryState, EventSubscriber, NewEvent, ORIGIN_ADMIN,
    ORIGIN_CONFIG, Store,
};

fn subscriber(name: &str, types: &[&str], origin: &str) -> EventSubscriber {
    EventSubscriber {
        name: name.into(),
        url: format!("https://{name}.example/hook"),
        origin: origin.into(),
        secret: Some("enc:v1:sealed".into()),
        previous_secret: None,
        previous_until: None,
        event_types: types.iter().map(|t| t.to_string()).collect(),
        enabled: true,
        allow_private_network: false,
        created_at: Timestamp(1),
        updated_at: Timestamp(1),
    }
}

fn event(id: &str, kind: &str, order: &str) -> NewEvent {
    NewEvent {
        id: id.into(),
        event_type: kind.into(),
        payload: format!(r#"{{"type":"{kind}"}}"#),
        ordering_key: order.into(),
    }
}

fn attempt(outcome: AttemptOutcome, status: Option<i64>) -> AttemptRecord {
    AttemptRecord {
        status,
        error: None,
        duration_ms: 3,
        outcome,
    }
}

async fn claim_ids(s: &Store, now: i64) -> Vec<(String, String)> {
    s.claim_event_deliveries("w", 50, 1000, Timestamp(now))
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.subscriber, d.event_id))
        .collect()
}

#[tokio::test]
async fn events_fan_out_once_and_go_out_in_order_per_key() {
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let s = db.store().await;
        s.save_event_subscriber(&subscriber("crm", &[], ORIGIN_ADMIN))
            .await
            .unwrap();
        s.save_event_subscriber(&subscriber("bi", &["certificate.issued"], ORIGIN_ADMIN))
            .await
            .unwrap();
        let mut off = subscriber("off", &[], ORIGIN_ADMIN);
        off.enabled = false;
        s.save_event_subscriber(&off).await.unwrap();
        let listed = s.event_subscribers().await.unwrap();
        assert_eq!(listed.len(), 3, "{b}");
        assert_eq!(listed[0].event_types, vec!["certificate.issued".to_string()], "{b}");

        let events = [
            event("e1", "enrolment.activated", "k1"),
            event("e2", "certificate.issued", "k1"),
            event("e3", "enrolment.activated", "k2"),
        ];
        s.insert_events(&events, Timestamp(10)).await.unwrap();
        // The same causes again: nothing more.
        s.insert_events(&events, Timestamp(11)).await.unwrap();
        let all = s.event_deliveries(&DeliveryFilter::default(), None, 100).await.unwrap();
        assert_eq!(all.len(), 4, "{b}: crm takes 3, bi takes 1, off none: {all:?}");

        // First of each (subscriber, key): crm e1 and e3, bi e2; crm's e2 waits for e1.
        let mut first = claim_ids(&s, 10).await;
        first.sort();
        let expected: Vec<(String, String)> = [("bi", "e2"), ("crm", "e1"), ("crm", "e3")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(first, expected, "{b}");
        assert!(claim_ids(&s, 10).await.is_empty(), "{b}: leased");

        let crm_e1 = all
            .iter()
            .find(|d| d.subscriber == "crm" && d.event_id == "e1")
            .unwrap()
            .id;
        s.finish_event_attempt(
            crm_e1,
            "w",
            &attempt(
                AttemptOutcome::Retry {
                    at: Timestamp(100),
                    state: DeliveryState::Pending,
                },
                Some(503),
            ),
            Timestamp(12),
        )
        .await
        .unwrap();
        // Backing off, e1 still holds back e2.
        assert!(claim_ids(&s, 99).await.is_empty(), "{b}");
        assert_eq!(claim_ids(&s, 100).await, vec![("crm".into(), "e1".into())], "{b}");
        s.finish_event_attempt(crm_e1, "w", &attempt(AttemptOutcome::Dead, Some(410)), Timestamp(101))
            .await
            .unwrap();
        // Dead, it releases e2.
        assert_eq!(claim_ids(&s, 101).await, vec![("crm".into(), "e2".into())], "{b}");

        let (d, attempts) = s.event_delivery(crm_e1).await.unwrap().unwrap();
        assert_eq!((d.state, d.attempts), (DeliveryState::Dead, 2), "{b}");
        assert_eq!(
            attempts.iter().map(|a| a.status).collect::<Vec<_>>(),
            vec![Some(503), Some(410)],
            "{b}"
        );

        // Paging, newest first.
        let page1 = s.event_deliveries(&DeliveryFilter::default(), None, 3).await.unwrap();
        let page2 = s
            .event_deliveries(&DeliveryFilter::default(), Some(page1[2].id), 3)
            .await
            .unwrap();
        assert_eq!((page1.len(), page2.len()), (3, 1), "{b}");
        assert!(page1[0].id > page1[2].id && page2[0].id < page1[2].id, "{b}");
        let dead = DeliveryFilter {
            state: Some(DeliveryState::Dead),
            ..DeliveryFilter::default()
        };
        assert_eq!(s.event_deliveries(&dead, None, 10).await.unwrap().len(), 1, "{b}");

        // Redeliver the dead one: pending, due now, counted afresh.
        assert_eq!(s.redeliver_events(None, &dead, Timestamp(200)).await.unwrap(), 1, "{b}");
        let (d, _) = s.event_delivery(crm_e1).await.unwrap().unwrap();
        assert_eq!((d.state, d.attempts), (DeliveryState::Pending, 0), "{b}");
        assert_eq!(
            s.redeliver_events(Some(crm_e1), &DeliveryFilter::default(), Timestamp(201))
                .await
                .unwrap(),
            0,
            "{b}: pending is not redelivered"
        );

        // A ping reaches one subscriber whatever its filter.
        let id = s
            .insert_event_for("bi", &event("p1", "ping", "ping"), Timestamp(300))
            .await
            .unwrap();
        assert_eq!(s.event_delivery(id).await.unwrap().unwrap().0.subscriber, "bi", "{b}");

        // config.toml's subscribers follow the file; removing one takes its deliveries.
        s.replace_config_subscribers(&[subscriber("file", &[], ORIGIN_CONFIG)])
            .await
            .unwrap();
        s.replace_config_subscribers(&[]).await.unwrap();
        assert!(
            s.event_subscribers().await.unwrap().iter().all(|x| x.name != "file"),
            "{b}"
        );
        assert!(s.remove_event_subscriber("crm").await.unwrap(), "{b}");
        let left = s.event_deliveries(&DeliveryFilter::default(), None, 100).await.unwrap();
        assert!(left.iter().all(|d| d.subscriber == "bi"), "{b}: {left:?}");
    }
}
