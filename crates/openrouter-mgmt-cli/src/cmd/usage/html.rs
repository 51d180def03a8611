//! `usage --html FILE`: one self-contained page (inline CSS and SVG, no script, no external reference) with a
//! bar per row, a stacked column per day and the table of figures; every string from the API is HTML-escaped.

use std::fmt::Write;

use super::chart::usd;
use super::{By, Range, UsageRow};

/// Fill colours of the stacked columns, one per row (cycled).
const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f",
];

/// `text` safe in HTML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page.
pub(crate) fn page(by: By, range: &Range, rows: &[UsageRow], days: &[String]) -> String {
    let period = match (range.from, range.to) {
        (None, None) => "every day the API reports".to_owned(),
        (from, to) => format!(
            "{} to {}",
            from.map_or("…".to_owned(), |d| d.to_string()),
            to.map_or("…".to_owned(), |d| d.to_string())
        ),
    };
    let title = format!("OpenRouter usage by {}, {period}", by.name());
    let total: f64 = rows.iter().map(|r| r.usage).sum();
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>\n\
         body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}\n\
         table{{border-collapse:collapse}}td,th{{padding:.2em .8em;text-align:left}}\n\
         td.n{{text-align:right;font-variant-numeric:tabular-nums}}tr:nth-child(even){{background:#f4f4f4}}\n\
         svg text{{font-size:12px}}\n</style>\n</head>\n<body>\n<h1>{t}</h1>\n<p>Total {total}, {n} rows.</p>\n",
        t = escape(&title),
        total = escape(&usd(total)),
        n = rows.len(),
    );
    html.push_str(&bars(rows));
    html.push_str(&columns(rows, days));
    html.push_str(&table(by, rows));
    html.push_str("</body>\n</html>\n");
    html
}

/// A horizontal bar per row, scaled to the largest.
fn bars(rows: &[UsageRow]) -> String {
    const LABEL: usize = 260;
    const WIDTH: f64 = 400.0;
    const ROW: usize = 22;
    let max = rows.iter().map(|r| r.usage).fold(0.0_f64, f64::max);
    let height = ROW * rows.len().max(1);
    let mut svg = format!(
        "<h2>Usage per row</h2>\n<svg role=\"img\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\">\n",
        w = LABEL + WIDTH as usize + 120
    );
    for (i, r) in rows.iter().enumerate() {
        let y = i * ROW;
        let width = if max > 0.0 {
            r.usage / max * WIDTH
        } else {
            0.0
        };
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{ty}\">{name}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{width:.1}\" height=\"{h}\" \
             fill=\"{fill}\"><title>{name}: {usage}</title></rect><text x=\"{tx:.1}\" y=\"{ty}\">{usage}</text>",
            ty = y + 15,
            name = escape(&r.name),
            h = ROW - 4,
            fill = PALETTE[i % PALETTE.len()],
            usage = escape(&usd(r.usage)),
            tx = LABEL as f64 + width + 6.0,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// A stacked column per day, each row its colour.
fn columns(rows: &[UsageRow], days: &[String]) -> String {
    const HEIGHT: f64 = 200.0;
    const COLUMN: usize = 24;
    if days.is_empty() {
        return String::new();
    }
    let totals: Vec<f64> = days
        .iter()
        .map(|d| rows.iter().filter_map(|r| r.daily.get(d)).sum())
        .collect();
    let max = totals.iter().copied().fold(0.0_f64, f64::max);
    let width = COLUMN * days.len() + 40;
    let mut svg = format!(
        "<h2>Usage per day</h2>\n<svg role=\"img\" width=\"{width}\" height=\"{h}\" viewBox=\"0 0 {width} {h}\">\n",
        h = HEIGHT as usize + 90
    );
    for (col, day) in days.iter().enumerate() {
        let x = col * COLUMN + 20;
        let mut top = HEIGHT;
        for (i, r) in rows.iter().enumerate() {
            let value = r.daily.get(day).copied().unwrap_or(0.0);
            if value <= 0.0 || max <= 0.0 {
                continue;
            }
            let h = value / max * HEIGHT;
            top -= h;
            let _ = writeln!(
                svg,
                "<rect x=\"{x}\" y=\"{top:.1}\" width=\"{w}\" height=\"{h:.1}\" fill=\"{fill}\"><title>{day} {name}: \
                 {usage}</title></rect>",
                w = COLUMN - 4,
                fill = PALETTE[i % PALETTE.len()],
                day = escape(day),
                name = escape(&r.name),
                usage = escape(&usd(value)),
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{x}\" y=\"{y}\" transform=\"rotate(60 {x} {y})\">{day}</text>",
            y = HEIGHT as usize + 14,
            day = escape(day),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The figures.
fn table(by: By, rows: &[UsageRow]) -> String {
    let mut html = format!(
        "<h2>Figures</h2>\n<table>\n<tr><th>{}</th><th>name</th><th>requests</th><th>usage</th><th>BYOK usage</th>\
         <th>tokens</th></tr>\n",
        escape(by.name())
    );
    for r in rows {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            escape(&r.id),
            escape(&r.name),
            r.requests,
            escape(&usd(r.usage)),
            escape(&usd(r.byok_usage)),
            r.tokens(),
        );
    }
    html.push_str("</table>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_is_escaped_and_nothing_is_fetched() {
        let hostile = "<script src=\"https://evil.example/x.js\"></script>&'";
        let row = UsageRow {
            by: "key",
            id: hostile.into(),
            name: hostile.into(),
            requests: 1,
            usage: 2.5,
            daily: [(hostile.to_owned(), 2.5)].into_iter().collect(),
            ..UsageRow::default()
        };
        let page = page(By::Key, &Range::default(), &[row], &[hostile.to_owned()]);
        assert!(!page.contains("<script"), "{page}");
        // The hostile text is inert: no attribute of it survives.
        assert!(!page.contains("src=\""), "{page}");
        assert!(page.contains(
            "&lt;script src=&quot;https://evil.example/x.js&quot;&gt;&lt;/script&gt;&amp;&#39;"
        ));
        assert!(page.contains("<rect"));
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    }
}
