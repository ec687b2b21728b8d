//! The dashboard: the business at a glance — cards, each site's and source's health, and the
//! charts (server-side SVG, each with its table for screen readers), filtered by site and dates.

use super::chrome::Chrome;
use crate::charts::{self, Chart, ChartPoint, ChartText};
use crate::error::PageError;
use crate::session::{Read, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use mm_core::Timestamp;
use mm_engine::Engine;
use mm_engine::dashboard::{Dashboard, DashboardFilter};
use mm_i18n::{format_money, format_month, format_number};
use mm_store::MonthCount;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    pub(crate) site: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub(crate) from: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub(crate) to: Option<String>,
}

/// A chart with its heading.
struct ChartBlock {
    title: String,
    chart: Chart,
}

/// A card: its label and its figure, formatted.
struct Card {
    key: &'static str,
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    sites: Vec<String>,
    site: String,
    from: String,
    to: String,
    cards: Vec<Card>,
    dashboard: Dashboard,
    charts: Vec<ChartBlock>,
}

fn day(raw: Option<&str>) -> Option<NaiveDate> {
    raw.and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
}

fn midnight(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0, |t| Utc.from_utc_datetime(&t).timestamp())
}

/// The range asked for, else the last twelve months up to today.
fn range(q: &DashboardQuery, now: Timestamp) -> (NaiveDate, NaiveDate) {
    let today = Utc.timestamp_opt(now.0, 0).single().unwrap_or_default().date_naive();
    let to = day(q.to.as_deref()).unwrap_or(today);
    let default_from = NaiveDate::from_ymd_opt(to.year() - 1, to.month(), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(to);
    let from = day(q.from.as_deref()).unwrap_or(default_from).min(to);
    (from, to)
}

/// The range asked for (else the last twelve months), as dates and as the engine's filter; the
/// page and the API ask the same.
pub(crate) fn filter_of(q: &DashboardQuery, now: Timestamp) -> (NaiveDate, NaiveDate, DashboardFilter) {
    let (from, to) = range(q, now);
    let filter = DashboardFilter {
        site: q.site.clone().filter(|s| !s.is_empty()),
        from: Timestamp(midnight(from)),
        to: Timestamp(midnight(to) + 86_400),
    };
    (from, to, filter)
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(q): Query<DashboardQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/");
    let (from, to, filter) = filter_of(&q, engine.now());
    let site = filter.site.clone();
    let dashboard = engine.dashboard(&filter).await?;
    let page = DashboardPage {
        cards: cards(&c, &dashboard),
        charts: charts_of(&c, &dashboard),
        sites: engine.sites().names(),
        site: site.unwrap_or_default(),
        from: from.to_string(),
        to: to.to_string(),
        c,
        dashboard,
    };
    Ok(Html(page.render()?))
}

fn count(c: &Chrome, n: i64) -> String {
    format_number(c.locale, n as f64, 0)
}

fn cards(c: &Chrome, d: &Dashboard) -> Vec<Card> {
    let k = &d.cards;
    let revenue = if k.revenue.is_empty() {
        format_money(c.locale, 0, "EUR")
    } else {
        k.revenue
            .iter()
            .map(|r| format_money(c.locale, r.cents, r.currency.as_deref().unwrap_or("EUR")))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let card = |key: &'static str, value: String| Card {
        key,
        label: c.t(&format!("dashboard-card-{key}")),
        value,
    };
    vec![
        card("revenue", revenue),
        card("learners", count(c, k.active_learners)),
        card("pending", count(c, k.enrolments_pending)),
        card("completions", count(c, k.completions)),
        card("certificates", count(c, k.certificates_issued)),
        card("jobs-failing", count(c, k.jobs_failing.retrying + k.jobs_failing.dead)),
        card(
            "mails-failing",
            count(c, k.mails_failing.retrying + k.mails_failing.dead),
        ),
    ]
}

fn month_points(c: &Chrome, series: &[MonthCount]) -> Vec<ChartPoint> {
    series
        .iter()
        .map(|m| {
            let (y, mo) = m.month.split_once('-').unwrap_or(("0", "0"));
            ChartPoint {
                label: format_month(c.locale, y.parse().unwrap_or(0), mo.parse().unwrap_or(0)),
                value: m.count,
                display: count(c, m.count),
            }
        })
        .collect()
}

fn block(
    c: &Chrome,
    id: &'static str,
    points: &[ChartPoint],
    draw: fn(&ChartText<'_>, &[ChartPoint]) -> Chart,
) -> ChartBlock {
    let title = c.t(&format!("dashboard-chart-{id}"));
    let empty = c.t("dashboard-chart-empty");
    let chart = draw(
        &ChartText {
            id,
            title: &title,
            empty: &empty,
        },
        points,
    );
    ChartBlock { title, chart }
}

fn charts_of(c: &Chrome, d: &Dashboard) -> Vec<ChartBlock> {
    let ch = &d.charts;
    let status: Vec<ChartPoint> = ch
        .status_breakdown
        .iter()
        .map(|s| ChartPoint {
            label: c.t(&format!("dashboard-status-{}", s.status)),
            value: s.count,
            display: count(c, s.count),
        })
        .collect();
    let progress: Vec<ChartPoint> = ch
        .progress
        .iter()
        .map(|b| ChartPoint {
            label: if b.from == b.to {
                format!("{} %", b.from)
            } else {
                format!("{}–{} %", b.from, b.to)
            },
            value: i64::try_from(b.learners).unwrap_or(i64::MAX),
            display: count(c, i64::try_from(b.learners).unwrap_or(i64::MAX)),
        })
        .collect();
    let by_revenue: Vec<ChartPoint> = ch
        .top_courses_by_revenue
        .iter()
        .map(|r| ChartPoint {
            label: r.course.clone(),
            value: r.cents,
            display: format_money(c.locale, r.cents, r.currency.as_deref().unwrap_or("EUR")),
        })
        .collect();
    let by_learners: Vec<ChartPoint> = ch
        .top_courses_by_learners
        .iter()
        .map(|r| ChartPoint {
            label: r.course.clone(),
            value: r.learners,
            display: count(c, r.learners),
        })
        .collect();
    vec![
        block(
            c,
            "enrolments",
            &month_points(c, &ch.enrolments_per_month),
            charts::bar_chart,
        ),
        block(c, "status", &status, charts::stacked_bar),
        block(c, "progress", &progress, charts::bar_chart),
        block(
            c,
            "completions",
            &month_points(c, &ch.completions_per_month),
            charts::bar_chart,
        ),
        block(
            c,
            "certificates",
            &month_points(c, &ch.certificates_per_month),
            charts::bar_chart,
        ),
        block(c, "top-revenue", &by_revenue, charts::horizontal_bar_chart),
        block(c, "top-learners", &by_learners, charts::horizontal_bar_chart),
    ]
}
