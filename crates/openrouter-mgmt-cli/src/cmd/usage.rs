//! `usage`: spend and requests per key, workspace or model over a period, read from the activity operation
//! (`getUserActivity`, sent through `Client::send` like every generated command, with the key and workspace
//! lists walked through `Client::paginate` for names), aggregated here, and shown as a table with a bar and a
//! daily sparkline per row, an optional daily stacked chart, JSON rows, or a self-contained HTML page.

mod chart;
mod html;

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use clap::{Arg, ArgAction, Command, value_parser};
use futures::{StreamExt, TryStreamExt};
use openrouter_mgmt::{Client, open_enums::GetUserActivityGroupBy, ops, types::ActivityItem};
use serde::Serialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::CliError;
use crate::output::{Format, Renderer};
use crate::tree::ids;

/// The most days the activity operation reports (its last 30 completed UTC days).
const ACTIVITY_DAYS: u64 = 30;
/// The longest `--from`..`--to` range accepted (days), which bounds every chart's width.
const MAX_RANGE_DAYS: u64 = 366;
/// Activity requests in flight at once with `--by key` (one request per key).
const DEFAULT_CONCURRENCY: usize = 4;
/// The table's columns (`--fields` picks others).
const TABLE_COLUMNS: [&str; 8] = [
    "id",
    "name",
    "requests",
    "usage",
    "byok_usage",
    "tokens",
    "share",
    "daily",
];
/// Width of a row's bar, in terminal cells.
const BAR_WIDTH: usize = 20;

/// The command.
pub(crate) fn command() -> Command {
    Command::new("usage")
        .about("Usage per key, workspace or model over a period: a table with bars, a chart, JSON or an HTML page")
        .long_about(
            "Usage per key, workspace or model over a period, from the activity operation (getUserActivity), \
             which reports the last 30 completed UTC days. Without --period, --from or --to, every day it \
             reports is counted. -o table (the default on a terminal) prints a bar and a daily sparkline per \
             row (Unicode on a terminal, ASCII otherwise or with --ascii); --daily adds a stacked chart per day; \
             -o json|jsonl print the aggregated rows; --html FILE writes a self-contained chart page.",
        )
        .args([
            Arg::new("by")
                .long("by")
                .value_parser(["key", "workspace", "model"])
                .default_value("key")
                .help("Group by API key, workspace or model"),
            Arg::new("period")
                .long("period")
                .value_name("Nd|Nw")
                .conflicts_with_all(["from", "to"])
                .help("The last N completed UTC days (7d, 30d) or weeks (2w), at most 30 days"),
            Arg::new("from")
                .long("from")
                .value_name("YYYY-MM-DD")
                .help("First day counted (UTC)"),
            Arg::new("to")
                .long("to")
                .value_name("YYYY-MM-DD")
                .help("Last day counted (UTC)"),
            Arg::new("html")
                .long("html")
                .value_name("FILE")
                .help("Also write a self-contained HTML chart page (no network fetches) to FILE"),
            Arg::new("daily")
                .long("daily")
                .action(ArgAction::SetTrue)
                .help("With -o table, add a stacked chart of each day's usage"),
            Arg::new("ascii")
                .long("ascii")
                .action(ArgAction::SetTrue)
                .help("Plain ASCII charts even on a terminal"),
            Arg::new("concurrency")
                .long("concurrency")
                .value_name("N")
                .value_parser(value_parser!(u64).range(1..=16))
                .help("Activity requests at once with --by key (one per key; default 4)"),
        ])
}

/// What rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    /// API keys (one activity request per key).
    Key,
    /// Workspaces (`group_by=workspace`).
    Workspace,
    /// Models.
    Model,
}

impl By {
    fn parse(name: &str) -> Self {
        match name {
            "workspace" => Self::Workspace,
            "model" => Self::Model,
            _ => Self::Key,
        }
    }

    /// The name `--by` takes.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::Workspace => "workspace",
            Self::Model => "model",
        }
    }
}

/// The days counted: both ends inclusive, either open (whatever the API reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Range {
    /// The first day.
    pub(crate) from: Option<NaiveDate>,
    /// The last day.
    pub(crate) to: Option<NaiveDate>,
}

fn invalid(message: String) -> CliError {
    CliError::Invalid(format!("{message}; nothing was sent"))
}

fn date(flag: &str, text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        invalid(format!(
            "--{flag} must be a date as YYYY-MM-DD, not {text:?}"
        ))
    })
}

impl Range {
    /// The range the flags name; `today` is the current UTC day (a period ends the day before: the last
    /// completed day).
    pub(crate) fn from_flags(
        period: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Self, CliError> {
        if let Some(period) = period {
            let days = period_days(period)?;
            return Ok(Self {
                from: today.checked_sub_days(Days::new(days)),
                to: today.checked_sub_days(Days::new(1)),
            });
        }
        let range = Self {
            from: from.map(|f| date("from", f)).transpose()?,
            to: to.map(|t| date("to", t)).transpose()?,
        };
        if let (Some(from), Some(to)) = (range.from, range.to) {
            if from > to {
                return Err(invalid(format!("--from {from} is after --to {to}")));
            }
            if (to - from).num_days() >= MAX_RANGE_DAYS as i64 {
                return Err(invalid(format!(
                    "--from..--to spans more than {MAX_RANGE_DAYS} days"
                )));
            }
        }
        Ok(range)
    }

    /// Whether `day` (YYYY-MM-DD, as the API writes it) is counted.
    fn contains(&self, day: &str) -> bool {
        match NaiveDate::parse_from_str(day.get(..10).unwrap_or(day), "%Y-%m-%d") {
            Ok(d) => self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t),
            Err(_) => self.from.is_none() && self.to.is_none(),
        }
    }

    /// Every day the charts show: the whole range when both ends are known, else from the first to the last day
    /// with activity (at most [`MAX_RANGE_DAYS`]).
    fn days(&self, rows: &[UsageRow]) -> Vec<String> {
        let seen = || rows.iter().flat_map(|r| r.daily.keys());
        let parse = |d: &String| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        let first = self.from.or_else(|| seen().filter_map(parse).min());
        let last = self.to.or_else(|| seen().filter_map(parse).max());
        let (Some(first), Some(last)) = (first, last) else {
            return Vec::new();
        };
        first
            .iter_days()
            .take_while(|d| *d <= last)
            .take(MAX_RANGE_DAYS as usize)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect()
    }
}

/// `7d`, `30d`, `2w`: the number of days, 1..=30.
fn period_days(text: &str) -> Result<u64, CliError> {
    let bad = || {
        invalid(format!(
            "--period must be N days or weeks (7d, 30d, 2w) within the last {ACTIVITY_DAYS} days, not {text:?}"
        ))
    };
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: u64 = number.parse().map_err(|_| bad())?;
    let days = match unit {
        "d" | "D" => n,
        "w" | "W" => n.checked_mul(7).ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    if (1..=ACTIVITY_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(bad())
    }
}

/// One aggregated row: a key's, a workspace's or a model's usage over the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct UsageRow {
    /// What the row groups by (`key`, `workspace`, `model`).
    pub(crate) by: &'static str,
    /// The key's hash, the workspace's id or the model's slug.
    pub(crate) id: String,
    /// The key's or workspace's name, or the model's slug.
    pub(crate) name: String,
    /// Requests made.
    pub(crate) requests: i64,
    /// Cost in USD (OpenRouter credits).
    pub(crate) usage: f64,
    /// BYOK inference cost in USD.
    pub(crate) byok_usage: f64,
    /// Prompt tokens.
    pub(crate) prompt_tokens: i64,
    /// Completion tokens.
    pub(crate) completion_tokens: i64,
    /// Reasoning tokens.
    pub(crate) reasoning_tokens: i64,
    /// Usage (USD) per day with activity.
    pub(crate) daily: BTreeMap<String, f64>,
}

impl UsageRow {
    fn add(&mut self, item: &ActivityItem) {
        self.requests += item.requests;
        self.usage += item.usage;
        self.byok_usage += item.byok_usage_inference;
        self.prompt_tokens += item.prompt_tokens;
        self.completion_tokens += item.completion_tokens;
        self.reasoning_tokens += item.reasoning_tokens;
        *self
            .daily
            .entry(item.date.get(..10).unwrap_or(&item.date).to_owned())
            .or_default() += item.usage;
    }

    /// Tokens of every kind.
    pub(crate) fn tokens(&self) -> i64 {
        self.prompt_tokens + self.completion_tokens + self.reasoning_tokens
    }
}

/// Activity items in `range`, grouped: each item comes with its group's id and name. Rows are ordered by usage,
/// largest first, then by id.
pub(crate) fn aggregate<'i>(
    by: By,
    range: &Range,
    items: impl IntoIterator<Item = (String, String, &'i ActivityItem)>,
) -> Vec<UsageRow> {
    let mut groups: BTreeMap<String, UsageRow> = BTreeMap::new();
    for (id, name, item) in items {
        if !range.contains(&item.date) {
            continue;
        }
        groups
            .entry(id.clone())
            .or_insert_with(|| UsageRow {
                by: by.name(),
                id,
                name,
                ..UsageRow::default()
            })
            .add(item);
    }
    let mut rows: Vec<UsageRow> = groups.into_values().collect();
    rows.sort_by(|a, b| b.usage.total_cmp(&a.usage).then_with(|| a.id.cmp(&b.id)));
    rows
}

/// Reads the activity and aggregates it.
async fn fetch(
    client: &Client,
    by: By,
    range: &Range,
    concurrency: usize,
) -> Result<Vec<UsageRow>, CliError> {
    match by {
        By::Model => {
            let answer = client.send(&ops::GetUserActivity::new()).await?;
            Ok(aggregate(
                by,
                range,
                answer
                    .data
                    .iter()
                    .map(|i| (i.model.clone(), i.model.clone(), i)),
            ))
        }
        By::Workspace => {
            let answer = client
                .send(&ops::GetUserActivity::new().group_by(GetUserActivityGroupBy::Workspace))
                .await?;
            let names: BTreeMap<String, String> = client
                .paginate(ops::ListWorkspaces::new())
                .items()
                .map_ok(|w| (w.id.to_string(), w.name))
                .try_collect()
                .await?;
            Ok(aggregate(
                by,
                range,
                answer.data.iter().map(|i| {
                    let id = i.workspace_id.clone().unwrap_or_default();
                    let name = names.get(&id).cloned().unwrap_or_else(|| id.clone());
                    (id, name, i)
                }),
            ))
        }
        By::Key => {
            let keys: Vec<(String, String)> = client
                .paginate(
                    ops::List::new()
                        .include_disabled(true)
                        .include_expired(true),
                )
                .items()
                .map_ok(|k| (k.hash.to_string(), k.name))
                .try_collect()
                .await?;
            let answers: Vec<((String, String), Vec<ActivityItem>)> = futures::stream::iter(keys)
                .map(|(hash, name)| async move {
                    let answer = client
                        .send(&ops::GetUserActivity::new().api_key_hash(hash.clone()))
                        .await?;
                    Ok::<_, openrouter_mgmt::Error>(((hash, name), answer.data))
                })
                .buffered(concurrency)
                .try_collect()
                .await?;
            Ok(aggregate(
                by,
                range,
                answers.iter().flat_map(|((hash, name), items)| {
                    items.iter().map(|i| (hash.clone(), name.clone(), i))
                }),
            ))
        }
    }
}

/// Runs it.
pub(crate) async fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let m = ctx.leaf;
    let text = |name: &str| m.get_one::<String>(name).map(String::as_str);
    let by = By::parse(text("by").unwrap_or("key"));
    let today = chrono::Utc::now().date_naive();
    let range = Range::from_flags(text("period"), text("from"), text("to"), today)?;
    let concurrency = m
        .get_one::<u64>("concurrency")
        .map_or(DEFAULT_CONCURRENCY, |n| {
            usize::try_from(*n).unwrap_or(DEFAULT_CONCURRENCY)
        });
    let ascii = m.get_flag("ascii") || !ctx.io.stdout_is_terminal;
    if ctx.root.get_flag(ids::DRY_RUN) {
        let plan = json!({
            "dry_run": true,
            "operation": "getUserActivity",
            "by": by.name(),
            "from": range.from.map(|d| d.to_string()),
            "to": range.to.map(|d| d.to_string()),
            "requests": match by {
                By::Key => "GET /keys (every page), then GET /activity?api_key_hash=HASH per key",
                By::Workspace => "GET /activity?group_by=workspace, then GET /workspaces (every page)",
                By::Model => "GET /activity",
            },
        });
        return Renderer::new(ctx.out, Format::Json, None, &[], "operation").single(plan);
    }
    let resolved = crate::config::resolve(ctx.root, &ctx.sources())?;
    let client = crate::config::client(&resolved)?
        .ok_or_else(|| CliError::NoKey(format!("no management key ({})", resolved.key_source)))?;
    let rows = fetch(&client, by, &range, concurrency).await?;
    let days = range.days(&rows);
    if let Some(file) = text("html") {
        let path = ctx.io.cwd.join(file);
        std::fs::write(&path, html::page(by, &range, &rows, &days))
            .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
        ctx.out.stderr(&format!("wrote {}\n", path.display()));
    }
    let fields = ctx
        .root
        .get_many::<String>(ids::FIELDS)
        .map(|f| f.cloned().collect());
    if ctx.format == Format::Table {
        // A model's id is its name: its table has no name column.
        let columns: Vec<&str> = TABLE_COLUMNS
            .into_iter()
            .filter(|c| by != By::Model || *c != "name")
            .collect();
        let mut renderer = Renderer::new(ctx.out, Format::Table, fields, &columns, "id");
        for row in chart::table_rows(&rows, &days, BAR_WIDTH, ascii) {
            renderer.item(row, "")?;
        }
        renderer.finish()?;
        if m.get_flag("daily") {
            ctx.out
                .stdout(&chart::stacked_daily(&rows, &days, BAR_WIDTH * 2, ascii))?;
        }
        return Ok(());
    }
    let mut renderer = Renderer::new(ctx.out, ctx.format, fields, &[], "id");
    for row in &rows {
        let value: Value = serde_json::to_value(row)
            .map_err(|e| CliError::Failed(format!("cannot render a row: {e}")))?;
        renderer.item(value, &row.id)?;
    }
    renderer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_end_on_the_last_completed_day() {
        let today = day("2026-03-10");
        let r = Range::from_flags(Some("7d"), None, None, today).unwrap();
        assert_eq!(
            (r.from, r.to),
            (Some(day("2026-03-03")), Some(day("2026-03-09")))
        );
        let r = Range::from_flags(Some("2w"), None, None, today).unwrap();
        assert_eq!(r.from, Some(day("2026-02-24")));
        for bad in ["0d", "31d", "5w", "7", "d", "7m", "-1d", ""] {
            let e = Range::from_flags(Some(bad), None, None, today).unwrap_err();
            assert_eq!(e.code(), crate::exit::INVALID, "{bad}");
        }
        for (from, to) in [("2026-03-05", "2026-03-01"), ("2026-13-01", "2026-03-01")] {
            let e = Range::from_flags(None, Some(from), Some(to), today).unwrap_err();
            assert_eq!(e.code(), crate::exit::INVALID, "{from}..{to}");
        }
    }

    #[test]
    fn rows_group_and_sum_inside_the_range() {
        let item = |date: &str, model: &str, usage: f64| ActivityItem {
            byok_usage_inference: 0.5,
            cached_tokens: 0,
            completion_tokens: 2,
            date: date.into(),
            endpoint_id: "e".into(),
            model: model.into(),
            model_permaslug: model.into(),
            prompt_tokens: 1,
            provider_name: "p".into(),
            reasoning_tokens: 0,
            requests: 3,
            usage,
            workspace_id: None,
        };
        let items = [
            item("2025-01-01", "a", 1.0),
            item("2025-01-02", "b", 4.0),
            item("2025-01-02", "a", 2.0),
            item("2025-01-09", "a", 100.0),
        ];
        let range = Range {
            from: Some(day("2025-01-01")),
            to: Some(day("2025-01-05")),
        };
        let rows = aggregate(
            By::Model,
            &range,
            items.iter().map(|i| (i.model.clone(), i.model.clone(), i)),
        );
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].id.as_str(), rows[0].usage), ("b", 4.0));
        assert_eq!(
            (rows[1].id.as_str(), rows[1].usage, rows[1].requests),
            ("a", 3.0, 6)
        );
        assert_eq!(rows[1].daily.len(), 2);
        assert_eq!(rows[1].tokens(), 6);
        assert_eq!(range.days(&rows).len(), 5);
        assert_eq!(Range::default().days(&rows).len(), 2);
    }
}
