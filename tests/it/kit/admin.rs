//! The demo world's service served on loopback, driven over HTTP as a browser would: pages
//! read with a session cookie, forms posted with the CSRF token of the page they are on.

use crate::kit::http::{csrf_of, serve};
use crate::kit::world;
use mm_engine::Engine;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use std::sync::Arc;

pub struct Admin {
    pub app: Arc<Engine>,
    pub base: String,
    pub http: reqwest::Client,
    pub world: mm_demo::DemoWorld,
    _dir: tempfile::TempDir,
}

/// What a posted form got back: its status, where it redirects (empty if nowhere), its body.
pub struct Answer {
    pub status: StatusCode,
    pub location: String,
    pub body: String,
}

impl Admin {
    /// The demo world on a fresh SQLite database, its service served; redirects are not followed.
    pub async fn start() -> Admin {
        let (dir, db) = world::sqlite("admin.sqlite");
        let world = world::start(&db, "30s").await;
        let app = world::app(&world).await;
        let (base, _task) = serve(&app).await;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client");
        Admin {
            app,
            base,
            http,
            world,
            _dir: dir,
        }
    }

    pub async fn get(&self, cookie: &str, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, cookie)
            .send()
            .await
            .expect("GET");
        (r.status(), r.text().await.expect("body"))
    }

    /// Posts `form` with the CSRF token of the page at `from`.
    pub async fn post(&self, cookie: &str, from: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let (_, page) = self.get(cookie, from).await;
        let csrf = csrf_of(&page);
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend_from_slice(form);
        self.http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, cookie)
            .form(&fields)
            .send()
            .await
            .expect("POST")
    }

    /// As [`Admin::post`], the answer read.
    pub async fn submit(&self, cookie: &str, from: &str, path: &str, form: &[(&str, &str)]) -> Answer {
        let r = self.post(cookie, from, path, form).await;
        let location = r
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Answer {
            status: r.status(),
            location,
            body: r.text().await.expect("body"),
        }
    }
}
