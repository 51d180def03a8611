//! The terminal charts of `usage`: a bar per row (its share of the largest row's usage), a sparkline of its
//! daily usage, and a stacked bar per day; Unicode blocks on a terminal, plain ASCII otherwise.

use serde_json::{Value, json};

use super::UsageRow;

/// Partial blocks, one to seven eighths of a cell.
const EIGHTHS: [char; 7] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];
/// Sparkline levels, lowest first.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Sparkline levels in ASCII.
const ASCII_LEVELS: [char; 8] = ['_', '.', ',', '-', '=', '+', '*', '#'];
/// Stacked-chart symbols, one per row shown (the rest share [`OTHER`]).
const SYMBOLS: [char; 6] = ['█', '▓', '▒', '░', '▚', '▞'];
/// Stacked-chart symbols in ASCII.
const ASCII_SYMBOLS: [char; 6] = ['#', '=', '+', '*', '%', '@'];
/// The symbol of every row past the sixth.
const OTHER: char = '.';

/// A bar `width` cells long for `max`, scaled to `value` (at least a sliver when `value` is positive).
pub(crate) fn bar(value: f64, max: f64, width: usize, ascii: bool) -> String {
    if value <= 0.0 || max <= 0.0 || !value.is_finite() || !max.is_finite() {
        return String::new();
    }
    let ratio = (value / max).clamp(0.0, 1.0);
    if ascii {
        let cells = ((ratio * width as f64).round() as usize).max(1);
        return "#".repeat(cells);
    }
    let eighths = ((ratio * (width * 8) as f64).round() as usize).max(1);
    let mut out = "█".repeat(eighths / 8);
    if let Some(part) = (eighths % 8).checked_sub(1) {
        out.push(EIGHTHS[part]);
    }
    out
}

/// One character per value, its height relative to the largest (a space for zero).
pub(crate) fn sparkline(values: &[f64], ascii: bool) -> String {
    let levels = if ascii { &ASCII_LEVELS } else { &LEVELS };
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    values
        .iter()
        .map(|v| {
            if *v <= 0.0 || max <= 0.0 {
                ' '
            } else {
                let level = ((v / max) * (levels.len() - 1) as f64).round() as usize;
                levels[level.min(levels.len() - 1)]
            }
        })
        .collect()
}

/// Usage in USD as a cell.
pub(crate) fn usd(value: f64) -> String {
    // An empty sum is -0.0, shown as 0.
    let value = if value == 0.0 { 0.0 } else { value };
    format!("${value:.4}")
}

/// The table's rows: each row's figures as cells with its bar and sparkline, then a total.
pub(crate) fn table_rows(
    rows: &[UsageRow],
    days: &[String],
    width: usize,
    ascii: bool,
) -> Vec<Value> {
    let max = rows.iter().map(|r| r.usage).fold(0.0_f64, f64::max);
    let mut out: Vec<Value> = rows
        .iter()
        .map(|r| {
            let series: Vec<f64> = days
                .iter()
                .map(|d| r.daily.get(d).copied().unwrap_or(0.0))
                .collect();
            json!({
                "id": r.id,
                "name": r.name,
                "requests": r.requests,
                "usage": usd(r.usage),
                "byok_usage": usd(r.byok_usage),
                "tokens": r.tokens(),
                "share": bar(r.usage, max, width, ascii),
                "daily": sparkline(&series, ascii),
            })
        })
        .collect();
    out.push(json!({
        "id": "TOTAL",
        "name": if rows.len() == 1 { "1 row".to_owned() } else { format!("{} rows", rows.len()) },
        "requests": rows.iter().map(|r| r.requests).sum::<i64>(),
        "usage": usd(rows.iter().map(|r| r.usage).sum()),
        "byok_usage": usd(rows.iter().map(|r| r.byok_usage).sum()),
        "tokens": rows.iter().map(UsageRow::tokens).sum::<i64>(),
    }));
    out
}

/// A stacked bar per day (each of the six largest rows its own symbol, the rest `.`), then the legend.
pub(crate) fn stacked_daily(
    rows: &[UsageRow],
    days: &[String],
    width: usize,
    ascii: bool,
) -> String {
    let symbols = if ascii { &ASCII_SYMBOLS } else { &SYMBOLS };
    let symbol = |i: usize| symbols.get(i).copied().unwrap_or(OTHER);
    let totals: Vec<f64> = days
        .iter()
        .map(|d| rows.iter().filter_map(|r| r.daily.get(d)).sum())
        .collect();
    let max = totals.iter().copied().fold(0.0_f64, f64::max);
    let mut out = String::from("\n");
    for (day, total) in days.iter().zip(&totals) {
        let mut line = String::new();
        if max > 0.0 {
            // Cumulative rounding, so the segments add up to the day's bar.
            let mut sum = 0.0;
            let mut drawn = 0;
            for (i, r) in rows.iter().enumerate() {
                sum += r.daily.get(day).copied().unwrap_or(0.0);
                let end = ((sum / max) * width as f64).round() as usize;
                line.extend(std::iter::repeat_n(symbol(i), end.saturating_sub(drawn)));
                drawn = drawn.max(end);
            }
        }
        out.push_str(&format!("{day} |{line:width$}| {}\n", usd(*total)));
    }
    out.push('\n');
    for (i, r) in rows.iter().enumerate().take(symbols.len()) {
        out.push_str(&format!("  {} {}\n", symbol(i), r.name));
    }
    if rows.len() > symbols.len() {
        out.push_str(&format!("  {OTHER} {} more\n", rows.len() - symbols.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_and_fall_back_to_ascii() {
        assert_eq!(bar(10.0, 10.0, 4, false), "████");
        assert_eq!(bar(5.0, 10.0, 4, true), "##");
        // A tenth of 16 eighths rounds to 2: a quarter cell.
        assert_eq!(bar(1.0, 10.0, 2, false), "▎");
        assert_eq!(bar(0.001, 10.0, 4, true), "#");
        assert_eq!(bar(0.0, 10.0, 4, false), "");
        assert_eq!(sparkline(&[0.0, 1.0, 2.0, 4.0], true), " ,=#");
        assert_eq!(sparkline(&[0.0, 4.0], false), " █");
        assert!(bar(3.0, 7.0, 20, true).is_ascii());
        assert!(sparkline(&[1.0, 3.0, 7.0], true).is_ascii());
    }
}
