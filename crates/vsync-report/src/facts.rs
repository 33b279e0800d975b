//! [`RunFacts`]: what the caller knows about a run that the plan and outcomes do not say.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// How the run was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunMode {
    /// A plan was computed and saved, nothing applied.
    #[default]
    Plan,
    /// A saved plan was applied.
    Apply,
    /// Read, plan and apply in one run.
    Sync,
    /// Read and plan, showing what a sync would do.
    DryRun,
}

impl RunMode {
    /// The mode as the report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plan => "plan",
            Self::Apply => "apply",
            Self::Sync => "sync",
            Self::DryRun => "dry-run",
        }
    }

    /// Whether the run changes the tenant.
    pub fn applies(self) -> bool {
        matches!(self, Self::Apply | Self::Sync)
    }
}

/// Waits imposed by the API's rate limit (`429` or the client's own pacing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitWaits {
    /// How many times the client waited.
    pub count: u64,
    /// The total time waited, in milliseconds.
    pub total_ms: u64,
}

/// The run's retry budget: the repeats it may make (the client's repeats of a call and the
/// items sent once more after a transient failure, one budget for both) and how many it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryBudgetUse {
    /// Units spent.
    pub used: u64,
    /// The size of the budget.
    pub size: u64,
}

/// The draft project a run made its versioned changes in (user groups, memberships,
/// permission assignments), so that they publish as one production version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunProject {
    /// The project's ID.
    pub id: String,
    /// Its name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the run published it.
    pub published: bool,
    /// Why it was not published and how to publish or discard it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The production versions a run published.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductionVersions {
    /// How many.
    pub count: u64,
    /// Their IDs, latest first, where the tenant named them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
}

/// How an apply was checked, and what the check found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunVerification {
    /// `answers` (from the write answers, re-reading only what they left unknown) or `full`
    /// (a re-read of everything the plan read, diffed again).
    pub method: String,
    /// Changes the answers confirmed.
    pub confirmed: u64,
    /// Changes the answers left unknown.
    pub uncertain: u64,
    /// The lists re-read (`users`, `user groups`, ...); empty when nothing was re-read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reread: Vec<String>,
    /// Calls the re-read made.
    pub reread_calls: u64,
    /// Unknown changes the re-read shows made.
    pub settled: u64,
}

/// Where a run's calls went, and the fewest it could have made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallBreakdown {
    /// Token calls (sign-in and refreshes).
    pub sign_in: u64,
    /// The read the plan was made from (or an apply's staleness check): pages of the lists
    /// read.
    pub read: u64,
    /// Writes (retries included).
    pub writes: u64,
    /// The draft project's calls: create, `commitAndPublish`, and reads of projects and
    /// production versions.
    pub project: u64,
    /// Re-reads after the read: settling unknown outcomes, verifying.
    pub rereads: u64,
    /// Of all of these, repeats of an earlier attempt.
    pub retries: u64,
    /// `429` answers.
    pub throttled: u64,
    /// The fewest calls the run could have made: one sign-in, the read's pages (see the
    /// executor's call count), the plan's lower bound and the project's calls.
    pub lower_bound: u64,
}

/// Facts about a run that the plan and the outcomes do not carry, supplied by the caller.
///
/// Nothing here can hold a credential: there is no field for headers, tokens, passwords or
/// client secrets, and [`Report::new`](crate::Report::new) strips user information, query
/// strings and fragments from [`target_url`](Self::target_url).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunFacts {
    /// The vsync version that produced the report.
    pub tool_version: String,
    /// The tenant code, when one was named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The API's base URL (scheme, host, port and path only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    /// The input files, as given on the command line.
    #[serde(default)]
    pub input_files: Vec<String>,
    /// SHA-256 of the input bytes, lower-case hex.
    #[serde(default)]
    pub input_checksum: String,
    /// How the run was started.
    pub mode: RunMode,
    /// When the run started, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// When the run finished, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// How long the run took, in milliseconds.
    #[serde(default)]
    pub duration_ms: u64,
    /// API calls actually made, retries and reads included.
    #[serde(default)]
    pub api_calls_used: u64,
    /// API calls made per endpoint (`PUT /v2/admin/users`).
    #[serde(default)]
    pub calls_by_endpoint: BTreeMap<String, u64>,
    /// Waits imposed by rate limits.
    #[serde(default)]
    pub rate_limit_waits: RateLimitWaits,
    /// Calls retried after a transient failure.
    #[serde(default)]
    pub retries: u64,
    /// The run's retry budget, used and size; `None` when not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_budget: Option<RetryBudgetUse>,
    /// Whether a re-read of the tenant after the run matched the input; `None` when not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converged: Option<bool>,
    /// What still differs after the run, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remaining_differences: Vec<String>,
    /// How the apply was checked; `None` when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<RunVerification>,
    /// Where the calls went; `None` when the caller did not count them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<CallBreakdown>,
    /// The process's exit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// The run's result in one word or phrase (`success`, `partial failure`, `blocked by guard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The draft project the versioned changes were made in; `None` when the run used none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<RunProject>,
    /// The production versions the run published, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub production_versions: Option<ProductionVersions>,
    /// The account the run signed in as: a username or an OAuth client ID, never a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Each input file read, with its SHA-256.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<FileHash>,
    /// The mapping file, with its SHA-256, when one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<FileHash>,
    /// The policy the run planned under, with the guards' limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<RunPolicy>,
    /// The project the run was asked to use: `auto`, `none` or a draft's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_choice: Option<String>,
}

/// A file and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileHash {
    /// The path, as given.
    pub path: String,
    /// SHA-256 of its bytes, lower-case hex; empty when it could not be read.
    pub sha256: String,
}

/// The policy a run planned under, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunPolicy {
    /// `mirror`, `upsert` or `update-only`.
    pub mode: String,
    /// What happens to users absent from the file: `disable`, `delete`, or `delete after N
    /// days disabled`.
    pub deprovision: String,
    /// Whether groups the file does not mention are managed too.
    pub manage_groups: bool,
    /// The username patterns in scope; empty means every user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    /// The username patterns never changed or removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protected: Vec<String>,
    /// Each guard's limits.
    pub guards: Vec<GuardLimit>,
    /// Removals are withheld when the input's user rows fall more than this many percent
    /// below the live users; `None` when the check is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_row_drop_percent: Option<u32>,
}

/// One guard's limits: at most `maxCount` changes of the class, and at most `maxPercent` of
/// its base.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardLimit {
    /// The class guarded (`deletes`, `disables`, `membership removals`, ...).
    pub class: String,
    /// The most changes of the class.
    pub max_count: u64,
    /// The most changes of the class, in percent of its base.
    pub max_percent: u32,
    /// Whether the run was told to go over the limits.
    pub overridden: bool,
}

impl RunPolicy {
    /// The policy as the report shows it.
    pub fn from_policy(policy: &vsync_engine::Policy) -> Self {
        use vsync_engine::{Deprovision, Mode};
        let g = &policy.guards;
        let guard = |class: &str, guard: &vsync_engine::Guard| GuardLimit {
            class: class.to_owned(),
            max_count: guard.max_count as u64,
            max_percent: guard.max_percent,
            overridden: guard.r#override,
        };
        Self {
            mode: match policy.mode {
                Mode::Mirror => "mirror",
                Mode::Upsert => "upsert",
                Mode::UpdateOnly => "update-only",
            }
            .to_owned(),
            deprovision: match policy.deprovision {
                Deprovision::Disable => "disable".to_owned(),
                Deprovision::Delete => "delete".to_owned(),
                Deprovision::DeleteAfterDisabledDays(days) => {
                    format!("delete after {days} days disabled")
                }
            },
            manage_groups: policy.manage_groups,
            scope: policy.scope.clone(),
            protected: policy.protected.clone(),
            guards: vec![
                guard("deletes", &g.deletes),
                guard("disables", &g.disables),
                guard("membership removals", &g.membership_removals),
                guard("permission revocations", &g.permission_revocations),
                guard("group deletes", &g.group_deletes),
            ],
            max_row_drop_percent: g.max_row_drop_percent,
        }
    }

    /// The mode and what it removes, in a few words.
    pub(crate) fn text(&self) -> String {
        let mut text = format!("{}, deprovision by {}", self.mode, self.deprovision);
        if self.manage_groups {
            text.push_str(", groups managed");
        }
        if !self.scope.is_empty() {
            let _ = write!(text, ", scope {}", self.scope.join(" "));
        }
        if !self.protected.is_empty() {
            let _ = write!(text, ", protected {}", self.protected.join(" "));
        }
        text
    }

    /// The guards' limits, in a few words.
    pub(crate) fn guards_text(&self) -> String {
        let same = self.guards.windows(2).all(|w| {
            (w[0].max_count, w[0].max_percent, w[0].overridden)
                == (w[1].max_count, w[1].max_percent, w[1].overridden)
        });
        let mut parts: Vec<String> = match self.guards.first() {
            Some(g) if same && !g.overridden && self.guards.len() > 1 => {
                vec![format!(
                    "{} or {} % of each class",
                    g.max_count, g.max_percent
                )]
            }
            _ => self
                .guards
                .iter()
                .map(|g| {
                    let over = if g.overridden { " (overridden)" } else { "" };
                    format!("{} {} or {} %{over}", g.class, g.max_count, g.max_percent)
                })
                .collect(),
        };
        if let Some(drop) = self.max_row_drop_percent {
            parts.push(format!("row drop {drop} %"));
        }
        parts.join(", ")
    }
}

impl FileHash {
    /// `path (sha256 …)`, the hash cut to `chars` characters (all of it when `None`).
    pub(crate) fn text(&self, chars: Option<usize>) -> String {
        if self.sha256.is_empty() {
            return self.path.clone();
        }
        match chars {
            Some(n) if n < self.sha256.len() => {
                format!("{} (sha256 {}…)", self.path, &self.sha256[..n])
            }
            _ => format!("{} (sha256 {})", self.path, self.sha256),
        }
    }
}

impl RunFacts {
    /// The project in one line: its ID and name, and whether it was published.
    pub(crate) fn project_text(&self) -> Option<String> {
        let project = self.project.as_ref()?;
        let mut text = project.id.clone();
        if let Some(name) = &project.name {
            let _ = write!(text, " ({name})");
        }
        text.push_str(if project.published {
            ": published"
        } else {
            ": not published"
        });
        Some(text)
    }

    /// The production versions the run published, in a few words.
    pub(crate) fn versions_text(&self) -> Option<String> {
        let versions = self.production_versions.as_ref()?;
        let mut text = format!(
            "{} production version{}",
            versions.count,
            if versions.count == 1 { "" } else { "s" }
        );
        if !versions.ids.is_empty() {
            let shown: Vec<&str> = versions.ids.iter().take(5).map(String::as_str).collect();
            let _ = write!(text, " ({}", shown.join(", "));
            if versions.ids.len() > shown.len() {
                let _ = write!(text, " and {} more", versions.ids.len() - shown.len());
            }
            text.push(')');
        }
        Some(text)
    }

    /// How the apply was checked, in one line: `from the answers: 12 confirmed, nothing
    /// re-read`.
    pub(crate) fn verification_text(&self) -> Option<String> {
        let v = self.verification.as_ref()?;
        let mut text = if v.method == "full" {
            "full re-read".to_owned()
        } else {
            format!("from the answers: {} confirmed", v.confirmed)
        };
        if v.uncertain > 0 {
            let _ = write!(text, ", {} unknown", v.uncertain);
        }
        if v.reread.is_empty() {
            text.push_str(", nothing re-read");
        } else {
            let _ = write!(
                text,
                "{}re-read {} ({} call{})",
                if v.method == "full" { " (" } else { "; " },
                v.reread.join(", "),
                v.reread_calls,
                if v.reread_calls == 1 { "" } else { "s" }
            );
            if v.method == "full" {
                text.push(')');
            }
            if v.settled > 0 {
                let _ = write!(text, ": {} unknown change(s) found made", v.settled);
            }
        }
        Some(text)
    }

    /// Where the calls went, one figure a row (none when not counted).
    pub(crate) fn call_counts(&self) -> Vec<(&'static str, u64)> {
        self.calls.map_or_else(Vec::new, |c| {
            vec![
                ("Calls: sign-in", c.sign_in),
                ("Calls: read", c.read),
                ("Calls: writes", c.writes),
                ("Calls: project", c.project),
                ("Calls: re-reads", c.rereads),
                ("Calls: 429 answers", c.throttled),
                ("Calls: lower bound", c.lower_bound),
            ]
        })
    }

    /// Where the calls went, in one line: `1 sign-in + 3 read + 2 writes + 2 project + 0
    /// re-reads; 0 retries, 0 × 429; lower bound 8`.
    pub(crate) fn calls_text(&self) -> Option<String> {
        let c = self.calls.as_ref()?;
        Some(format!(
            "{} sign-in + {} read + {} write{} + {} project + {} re-read{}; {} retr{}, {} × 429; lower bound {}",
            c.sign_in,
            c.read,
            c.writes,
            if c.writes == 1 { "" } else { "s" },
            c.project,
            c.rereads,
            if c.rereads == 1 { "" } else { "s" },
            c.retries,
            if c.retries == 1 { "y" } else { "ies" },
            c.throttled,
            c.lower_bound
        ))
    }

    /// Who ran what, as label and text: the account, each input and the mapping with their
    /// hashes (cut to `hash_chars`), the policy, the guards' limits and the project asked
    /// for. Empty facts are left out.
    pub(crate) fn record_lines(&self, hash_chars: Option<usize>) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        if let Some(account) = &self.account {
            lines.push(("Account", account.clone()));
        }
        for input in &self.inputs {
            lines.push(("Input file", input.text(hash_chars)));
        }
        if let Some(mapping) = &self.mapping {
            lines.push(("Mapping", mapping.text(hash_chars)));
        }
        if let Some(policy) = &self.policy {
            lines.push(("Policy", policy.text()));
            lines.push(("Guards", policy.guards_text()));
        }
        if let Some(choice) = &self.project_choice {
            lines.push(("Project asked", choice.clone()));
        }
        lines
    }

    /// The facts with [`target_url`](Self::target_url) reduced to what is safe to show.
    pub(crate) fn redacted(mut self) -> Self {
        self.target_url = self.target_url.as_deref().map(redact_url);
        self
    }
}

/// A URL without user information, query string or fragment: `https://user:pw@host/path?k=v`
/// becomes `https://host/path`. Text that is not a URL loses anything after `?` or `#` and
/// before an `@`.
pub fn redact_url(url: &str) -> String {
    let url = url.trim();
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let url = &url[..end];
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_url_strips_userinfo_query_and_fragment() {
        let cases = [
            ("https://acme.api.visier.io", "https://acme.api.visier.io"),
            (
                "https://acme.api.visier.io/v1/",
                "https://acme.api.visier.io/v1/",
            ),
            (
                "https://admin:secret-pw@acme.api.visier.io:8443/x?apikey=secret#f",
                "https://acme.api.visier.io:8443/x",
            ),
            ("http://token@127.0.0.1:3000", "http://127.0.0.1:3000"),
            ("user:pw@host/path?q", "host/path"),
        ];
        for (raw, redacted) in cases {
            assert_eq!(redact_url(raw), redacted, "{raw}");
        }
    }

    #[test]
    fn run_mode_serialises_kebab_case() {
        assert_eq!(
            serde_json::to_string(&RunMode::DryRun).unwrap(),
            "\"dry-run\""
        );
        for mode in [
            RunMode::Plan,
            RunMode::Apply,
            RunMode::Sync,
            RunMode::DryRun,
        ] {
            assert_eq!(serde_json::to_value(mode).unwrap(), mode.as_str());
        }
    }
}
