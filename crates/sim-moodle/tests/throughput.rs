//! Stress check that the simulator is never the bottleneck of a test or benchmark: 8
//! keep-alive connections over real TCP against a 10 000-user / 500-course site, with the
//! engine's call mix (learner lookup by e-mail, enrolment, the learner's courses, a course's
//! participants). Prints requests/s. Run with
//! `cargo test --release -p mm-sim-moodle --test throughput -- --ignored --nocapture`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_sim_moodle::{MoodleSim, SimOptions, SimSeed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Below this (release build) the simulator could start to dominate an engine benchmark.
const FLOOR_RPS: f64 = 2_000.0;

fn body(c: usize, i: usize) -> String {
    let n = c * 100_000 + i;
    let user = n % 10_000;
    let course = 2 + n % 500;
    let call = match n % 4 {
        0 => format!("wsfunction=core_user_get_users_by_field&field=email&values[0]=learner{user}%40example.org"),
        1 => format!(
            "wsfunction=enrol_manual_enrol_users&enrolments[0][roleid]=5&enrolments[0][userid]={}&enrolments[0][courseid]={course}",
            user + 3
        ),
        2 => format!("wsfunction=core_enrol_get_users_courses&userid={}", user + 3),
        _ => format!("wsfunction=core_enrol_get_enrolled_users&courseid={course}"),
    };
    format!("wstoken=T&moodlewsrestformat=json&{call}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark"]
async fn requests_per_second() {
    let sim = MoodleSim::new(SimOptions {
        token: Some("T".into()),
        seed: Some(SimSeed::generate(10_000, 500, 1)),
        ..SimOptions::default()
    });
    let (addr, _h) = sim.clone().spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let n_conn = 8;
    let per = 2_000;
    let start = std::time::Instant::now();
    let mut tasks = Vec::new();
    for c in 0..n_conn {
        tasks.push(tokio::spawn(async move {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            let mut buf = vec![0u8; 65536];
            for i in 0..per {
                let body = body(c, i);
                let req = format!(
                    "POST /webservice/rest/server.php HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                s.write_all(req.as_bytes()).await.unwrap();
                // read one response (content-length framed)
                let mut got = Vec::new();
                loop {
                    let n = s.read(&mut buf).await.unwrap();
                    assert!(n > 0, "connection closed");
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got);
                    if let Some(h) = text.find("\r\n\r\n") {
                        assert!(text.starts_with("HTTP/1.1 200"), "{}", &text[..h]);
                        let len: usize = text[..h]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length: ")
                                    .map(|v| v.trim().parse().unwrap())
                            })
                            .unwrap_or(0);
                        if got.len() >= h + 4 + len {
                            break;
                        }
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let total = n_conn * per;
    let secs = start.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rps = total as f64 / secs;
    eprintln!("{total} requests in {secs:.2}s = {rps:.0} requests/s");
    for (f, n) in sim.request_counts() {
        eprintln!("  {f}: {n}");
    }
    assert_eq!(sim.total_requests(), total as u64);
    if !cfg!(debug_assertions) {
        assert!(rps >= FLOOR_RPS, "{rps:.0} requests/s < {FLOOR_RPS}");
    }
}
