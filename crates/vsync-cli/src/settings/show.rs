//! `vsync config`: every resolved setting, where it came from, secrets redacted.

use std::fmt::Write as _;

use serde::Serialize;

use super::layers::{
    Connection, GUARD_CLASSES, InputSettings, PolicySettings, Project, ReportSettings, Secret,
    Setting, Source,
};

/// One resolved setting as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The setting's name in `vsync.toml` terms (`tenant.host`).
    pub name: String,
    /// Its value as text; secrets are never shown.
    pub value: String,
    /// Where it came from.
    pub source: String,
}

/// What `vsync config` shows.
pub struct Shown<'a> {
    /// The tenant and sign-in.
    pub connection: &'a Connection,
    /// The project headers.
    pub project: &'a Project,
    /// The input.
    pub input: &'a InputSettings,
    /// The policy and guards.
    pub policy: &'a PolicySettings,
    /// Reports, history and state.
    pub report: &'a ReportSettings,
    /// Batches in flight.
    pub concurrency: &'a Setting<usize>,
    /// How `apply` and `sync` check what they applied.
    pub verify: &'a Setting<crate::cli::VerifyArg>,
}

const NOT_SET: &str = "(not set)";

fn row<T>(name: &str, setting: &Setting<T>, show: impl FnOnce(&T) -> String) -> Row {
    Row {
        name: name.to_owned(),
        value: show(&setting.value),
        source: setting.source.to_string(),
    }
}

#[expect(
    clippy::ref_option,
    reason = "the shape of `Setting::value`, passed as is"
)]
fn text(value: &Option<String>) -> String {
    value.as_deref().unwrap_or(NOT_SET).to_owned()
}

#[expect(
    clippy::ref_option,
    reason = "the shape of `Setting::value`, passed as is"
)]
fn secret(value: &Option<Secret>) -> String {
    match value {
        None => NOT_SET.to_owned(),
        Some(Secret::Value(_)) => "[redacted]".to_owned(),
        Some(Secret::File(path)) => match std::fs::metadata(path) {
            Ok(_) => format!("[redacted] in {}", path.display()),
            Err(error) => format!("in {}, which cannot be read ({error})", path.display()),
        },
    }
}

impl Shown<'_> {
    /// Every setting, in `vsync.toml` order.
    pub fn rows(&self) -> Vec<Row> {
        let c = self.connection;
        let p = self.policy;
        let r = self.report;
        let mut rows = vec![
            row("tenant.host", &c.host, text),
            Row {
                name: "tenant.auth".into(),
                value: c.auth.value.map_or_else(
                    || "(chosen from what is set)".to_owned(),
                    |m| m.name().to_owned(),
                ),
                source: c.auth.source.to_string(),
            },
            row("tenant.username", &c.username, text),
            row("tenant.vanity", &c.vanity, text),
            row("tenant.client_id", &c.client_id, text),
            row("tenant.tenant_code", &c.tenant_code, text),
            row("tenant.api_key", &c.api_key, secret),
            row("tenant.password", &c.password, secret),
            row("tenant.client_secret", &c.client_secret, secret),
            row("tenant.token", &c.token, secret),
            row("tenant.project", &self.project.project, ToString::to_string),
            row("tenant.publish", &self.project.publish, ToString::to_string),
            row(
                "tenant.publish_partial",
                &self.project.publish_partial,
                ToString::to_string,
            ),
            row("tenant.ticket", &self.project.ticket, text),
            row(
                "tenant.non_versioned",
                &self.project.non_versioned,
                ToString::to_string,
            ),
            row(
                "tenant.allow_insecure_http",
                &c.allow_insecure_http,
                ToString::to_string,
            ),
            row(
                "input.mapping",
                &self.input.mapping,
                |m: &Option<std::path::PathBuf>| {
                    m.as_ref()
                        .map_or_else(|| NOT_SET.to_owned(), |p| p.display().to_string())
                },
            ),
            row("input.delimiter", &self.input.delimiter, |d| {
                d.map_or_else(|| "(sniffed)".to_owned(), |c| format!("{c:?}"))
            }),
            row(
                "input.max_users",
                &self.input.max_users,
                ToString::to_string,
            ),
            row("policy.mode", &p.mode, Clone::clone),
            row("policy.deprovision", &p.deprovision, Clone::clone),
            row("policy.scope", &p.scope, |s| list(s, "(every user)")),
            row("policy.protected", &p.protected, |s| list(s, "(none)")),
            row(
                "policy.manage_groups",
                &p.manage_groups,
                ToString::to_string,
            ),
            row("policy.verify", self.verify, |v| {
                v.mode().as_str().to_owned()
            }),
        ];
        for (class, (count, percent)) in GUARD_CLASSES.iter().zip(&p.guards) {
            rows.push(Row {
                name: format!("guards.{}", class.replace(' ', "_")),
                value: format!("at most {} or {} %", count.value, percent.value),
                source: if count.source == Source::Default && percent.source == Source::Default {
                    Source::Default.to_string()
                } else {
                    count.source.to_string()
                },
            });
        }
        rows.extend([
            row(
                "guards.refuse_removals_on_empty_input",
                &p.refuse_removals_on_empty_input,
                ToString::to_string,
            ),
            row(
                "guards.max_row_drop_percent",
                &p.max_row_drop_percent,
                |v| v.map_or_else(|| "(off)".to_owned(), |v| format!("{v} %")),
            ),
            row(
                "limits.rate_limit_minute",
                &c.rate_limit_minute,
                ToString::to_string,
            ),
            row(
                "limits.rate_limit_hour",
                &c.rate_limit_hour,
                ToString::to_string,
            ),
            row("limits.rate_share", &c.rate_share, ToString::to_string),
            row("limits.concurrency", self.concurrency, ToString::to_string),
            row("report.dir", &r.dir, |d| d.display().to_string()),
            row("report.keep_runs", &r.keep_runs, |v| {
                v.map_or_else(|| "(any number)".to_owned(), |n| n.to_string())
            }),
            row("report.keep_days", &r.keep_days, |v| {
                v.map_or_else(|| "(any age)".to_owned(), |n| n.to_string())
            }),
            row("state.dir", &r.state_dir, |d| {
                d.as_ref()
                    .map_or_else(|| NOT_SET.to_owned(), |p| p.display().to_string())
            }),
        ]);
        if !p.force.is_empty() {
            rows.push(Row {
                name: "force".into(),
                value: p
                    .force
                    .iter()
                    .map(|g| format!("{g:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                source: Source::Flag("--force").to_string(),
            });
        }
        rows
    }

    /// The rows as an aligned table.
    pub fn table(&self) -> String {
        let rows = self.rows();
        let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
        let value_width = rows
            .iter()
            .map(|r| r.value.chars().count())
            .max()
            .unwrap_or(0)
            .min(60);
        let mut out = String::new();
        for row in rows {
            let _ = writeln!(
                out,
                "{:name_width$}  {:value_width$}  ({})",
                row.name, row.value, row.source
            );
        }
        out
    }
}

fn list(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        empty.to_owned()
    } else {
        items.join(", ")
    }
}
