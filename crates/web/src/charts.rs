//! Server-side SVG charts for the dashboard: pure functions from (label, value) points to SVG
//! markup and the table a page shows under each chart for screen readers.
//!
//! No JavaScript and no `style` (the CSP is `default-src 'self'`): geometry goes in SVG
//! presentation attributes, colours in classes whose rules are in `assets/charts.css`. Every
//! word shown comes from the caller, already localized; every label is escaped here.

use std::fmt::Write as _;

/// One bar or segment: its label, its value, and the value as the page prints it (a number or
/// an amount with its currency, formatted by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartPoint {
    pub label: String,
    pub value: i64,
    pub display: String,
}

/// The words a chart shows, localized by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartText<'a> {
    /// Unique on the page: the SVG's `<title>` is `{id}-title`.
    pub id: &'a str,
    pub title: &'a str,
    /// Shown instead of bars when there is nothing to show.
    pub empty: &'a str,
}

/// A rendered chart: its SVG and the rows of the table under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub svg: String,
    pub rows: Vec<ChartRow>,
}

/// A row of the table that says in words what the chart draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartRow {
    pub label: String,
    pub value: String,
}

const WIDTH: f64 = 640.0;
const BAR_HEIGHT: f64 = 240.0;
/// Room under vertical bars for their labels.
const AXIS: f64 = 28.0;
const TOP: f64 = 8.0;
/// A horizontal bar's row, and the room left of it for labels.
const ROW: f64 = 26.0;
const LABELS: f64 = 200.0;
/// The stacked bar's thickness.
const STACK: f64 = 40.0;
/// How many segment colours `charts.css` defines (`chart-seg-0` …).
const SEGMENT_CLASSES: usize = 8;

/// Vertical bars, one per point in order (a per-month series).
pub fn bar_chart(text: &ChartText<'_>, points: &[ChartPoint]) -> Chart {
    let height = BAR_HEIGHT + AXIS;
    let mut svg = open_svg(text, "chart chart-bars", height);
    if is_empty(points) {
        empty_state(&mut svg, text.empty, height);
    } else {
        let max = max_value(points);
        let slot = WIDTH / points.len() as f64;
        for (i, p) in points.iter().enumerate() {
            let h = scaled(p.value, max, BAR_HEIGHT - TOP);
            let x = i as f64 * slot + slot * 0.15;
            let y = BAR_HEIGHT - h;
            let _ = write!(
                svg,
                r#"<rect class="chart-bar" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}"><title>{t}</title></rect>"#,
                w = slot * 0.7,
                t = escape(&format!("{}: {}", p.label, p.display)),
            );
            let _ = write!(
                svg,
                r#"<text class="chart-label" x="{cx:.1}" y="{ly:.1}" text-anchor="middle">{l}</text>"#,
                cx = x + slot * 0.35,
                ly = BAR_HEIGHT + AXIS - 8.0,
                l = escape(&p.label),
            );
        }
    }
    close(svg, points)
}

/// Horizontal bars, one row per point in order (a top 10), labels on the left and values at
/// the bars' ends.
pub fn horizontal_bar_chart(text: &ChartText<'_>, points: &[ChartPoint]) -> Chart {
    let height = (points.len().max(1) as f64) * ROW + TOP;
    let mut svg = open_svg(text, "chart chart-hbars", height);
    if is_empty(points) {
        empty_state(&mut svg, text.empty, height);
    } else {
        let max = max_value(points);
        let room = WIDTH - LABELS - 80.0;
        for (i, p) in points.iter().enumerate() {
            let y = TOP + i as f64 * ROW;
            let w = scaled(p.value, max, room);
            let _ = write!(
                svg,
                r#"<text class="chart-label" x="{lx:.1}" y="{ty:.1}" text-anchor="end">{l}</text><rect class="chart-bar" x="{LABELS:.1}" y="{y:.1}" width="{w:.1}" height="{bh:.1}"><title>{t}</title></rect><text class="chart-value" x="{vx:.1}" y="{ty:.1}">{d}</text>"#,
                lx = LABELS - 8.0,
                ty = y + ROW * 0.55,
                bh = ROW * 0.7,
                vx = LABELS + w + 6.0,
                l = escape(&p.label),
                t = escape(&format!("{}: {}", p.label, p.display)),
                d = escape(&p.display),
            );
        }
    }
    close(svg, points)
}

/// One bar cut into a segment per point, each as wide as its share (a status breakdown);
/// colours by position (`chart-seg-0` …), the table under it names them.
pub fn stacked_bar(text: &ChartText<'_>, points: &[ChartPoint]) -> Chart {
    let height = STACK + TOP * 2.0;
    let mut svg = open_svg(text, "chart chart-stack", height);
    let total: i64 = points.iter().map(|p| p.value.max(0)).sum();
    if total == 0 {
        empty_state(&mut svg, text.empty, height);
    } else {
        let mut x = 0.0;
        for (i, p) in points.iter().enumerate() {
            let w = scaled(p.value, total, WIDTH);
            let _ = write!(
                svg,
                r#"<rect class="chart-seg chart-seg-{c}" x="{x:.1}" y="{TOP:.1}" width="{w:.1}" height="{STACK:.1}"><title>{t}</title></rect>"#,
                c = i % SEGMENT_CLASSES,
                t = escape(&format!("{}: {}", p.label, p.display)),
            );
            x += w;
        }
    }
    close(svg, points)
}

fn open_svg(text: &ChartText<'_>, class: &str, height: f64) -> String {
    let id = escape(text.id);
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="{class}" viewBox="0 0 {WIDTH:.0} {height:.0}" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{t}</title>"#,
        t = escape(text.title),
    )
}

fn empty_state(svg: &mut String, empty: &str, height: f64) {
    let _ = write!(
        svg,
        r#"<text class="chart-empty" x="{x:.1}" y="{y:.1}" text-anchor="middle">{e}</text>"#,
        x = WIDTH / 2.0,
        y = height / 2.0,
        e = escape(empty),
    );
}

fn close(mut svg: String, points: &[ChartPoint]) -> Chart {
    svg.push_str("</svg>");
    Chart {
        svg,
        rows: points
            .iter()
            .map(|p| ChartRow {
                label: p.label.clone(),
                value: p.display.clone(),
            })
            .collect(),
    }
}

/// Nothing to draw: no points, or none above zero (a bar cannot be drawn below zero here; a
/// negative value, a month of refunds, is drawn as zero and told in the table).
fn is_empty(points: &[ChartPoint]) -> bool {
    points.iter().all(|p| p.value <= 0)
}

fn max_value(points: &[ChartPoint]) -> i64 {
    points.iter().map(|p| p.value).max().unwrap_or(0).max(1)
}

/// `value`'s share of `max`, in `room` units; never below zero, never a division by zero.
fn scaled(value: i64, max: i64, room: f64) -> f64 {
    if max <= 0 {
        return 0.0;
    }
    value.clamp(0, max) as f64 / max as f64 * room
}

/// Text for XML content and attribute values, escaped as the pages escape theirs.
fn escape(s: &str) -> String {
    use askama::filters::Escaper as _;
    let mut out = String::with_capacity(s.len());
    // Writing into a String cannot fail.
    let _ = crate::pages::HtmlEntities.write_escaped_str(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[i64]) -> Vec<ChartPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| ChartPoint {
                label: format!("<m{i}> & \"co\""),
                value: *v,
                display: v.to_string(),
            })
            .collect()
    }

    fn text() -> ChartText<'static> {
        ChartText {
            id: "c1",
            title: "Title & <more>",
            empty: "Nothing",
        }
    }

    /// The SVG parses as XML, is labelled by its title, and holds no style.
    fn parse(svg: &str) -> roxmltree::Document<'_> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        assert_eq!(root.attribute("aria-labelledby"), Some("c1-title"));
        let title = root.first_element_child().expect("a title");
        assert_eq!(title.tag_name().name(), "title");
        assert_eq!(title.text(), Some("Title & <more>"));
        assert!(
            doc.descendants()
                .all(|n| n.attribute("style").is_none() && n.tag_name().name() != "style")
        );
        assert!(doc.descendants().all(|n| n.tag_name().name() != "script"));
        doc
    }

    fn bar_sizes(doc: &roxmltree::Document<'_>, attr: &str) -> Vec<f64> {
        doc.descendants()
            .filter(|n| n.tag_name().name() == "rect")
            .map(|n| n.attribute(attr).expect("size").parse().expect("number"))
            .collect()
    }

    #[test]
    fn vertical_bars_are_proportional() {
        let chart = bar_chart(&text(), &points(&[10, 20, 5, 0]));
        let doc = parse(&chart.svg);
        let h = bar_sizes(&doc, "height");
        assert_eq!(h.len(), 4);
        assert!((h[1] - 2.0 * h[0]).abs() < 0.2, "{h:?}");
        assert!((h[0] - 2.0 * h[2]).abs() < 0.2, "{h:?}");
        assert_eq!(h[3], 0.0);
        assert_eq!(chart.rows.len(), 4);
        assert_eq!(
            chart.rows[1].label, "<m1> & \"co\"",
            "the table holds the text, unescaped"
        );
        assert!(chart.svg.contains("&lt;m1&gt; &amp; &quot;co&quot;"));
    }

    #[test]
    fn horizontal_bars_are_proportional() {
        let chart = horizontal_bar_chart(&text(), &points(&[40, 10]));
        let w = bar_sizes(&parse(&chart.svg), "width");
        assert!((w[0] - 4.0 * w[1]).abs() < 0.2, "{w:?}");
    }

    #[test]
    fn segments_share_the_width() {
        let chart = stacked_bar(&text(), &points(&[3, 1]));
        let w = bar_sizes(&parse(&chart.svg), "width");
        assert!((w[0] - 3.0 * w[1]).abs() < 0.2, "{w:?}");
        assert!((w.iter().sum::<f64>() - WIDTH).abs() < 0.2);
    }

    #[test]
    fn empty_series_show_the_empty_state() {
        for chart in [
            bar_chart(&text(), &[]),
            horizontal_bar_chart(&text(), &[]),
            stacked_bar(&text(), &[]),
            bar_chart(&text(), &points(&[0, 0])),
            stacked_bar(&text(), &points(&[0, -5])),
        ] {
            let doc = parse(&chart.svg);
            assert!(bar_sizes(&doc, "height").is_empty(), "{}", chart.svg);
            let empty = doc.descendants().find(|n| n.attribute("class") == Some("chart-empty"));
            assert_eq!(empty.and_then(|n| n.text()), Some("Nothing"));
            assert!(!chart.svg.contains("NaN") && !chart.svg.contains("inf"));
        }
    }

    #[test]
    fn negative_values_draw_as_zero() {
        let chart = bar_chart(&text(), &points(&[-10, 10]));
        let h = bar_sizes(&parse(&chart.svg), "height");
        assert_eq!(h[0], 0.0);
        assert_eq!(chart.rows[0].value, "-10");
    }
}
