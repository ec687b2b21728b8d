//! Quick throughput check over real TCP (run with `--release -- --ignored --nocapture`).

use mm_sim_moodle::{MoodleSim, SimOptions, SimSeed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
                let body = format!(
                    "wstoken=T&moodlewsrestformat=json&wsfunction=core_user_get_users_by_field&field=email&values[0]=learner{}%40example.org",
                    (c * per + i) % 10_000
                );
                let req = format!(
                    "POST /webservice/rest/server.php HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                s.write_all(req.as_bytes()).await.unwrap();
                // read one response (content-length framed)
                let mut got = Vec::new();
                loop {
                    let n = s.read(&mut buf).await.unwrap();
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got);
                    if let Some(h) = text.find("\r\n\r\n") {
                        let len: usize = text[..h]
                            .lines()
                            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(|v| v.trim().parse().unwrap()))
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
    eprintln!("{total} requests in {secs:.2}s = {:.0} req/s", total as f64 / secs);
    assert_eq!(sim.total_requests(), total as u64);
}
