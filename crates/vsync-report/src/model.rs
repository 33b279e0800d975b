//! The normalised report: one [`ReportRow`] per change, the [`Summary`] and the side tables,
//! built once by [`Report::new`] and rendered by every format.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{
    Action, Change, ChangeId, Entity, GuardCause, GuardKind, GuardOutcome, PhaseKind, Plan, Skip,
};
use vsync_model::SourceRef;

use crate::facts::RunFacts;
use crate::format::{Label, thousands};
use crate::problems::ProblemRow;

/// The report format's name, the `format` field of the JSON.
pub const REPORT_FORMAT: &str = "vsync-report";

/// The report format's version. Additive changes (new fields, new enum values) keep it;
/// renaming or removing a field, or changing a field's meaning, raises it.
pub const REPORT_VERSION: u32 = 1;

/// Where a change came from in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowSource {
    /// The file, as given on the command line.
    pub file: String,
    /// The sheet, for workbooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The row as the spreadsheet shows it (the header is row 1).
    pub row: u64,
}

impl From<&SourceRef> for RowSource {
    fn from(source: &SourceRef) -> Self {
        Self {
            file: source.file().to_owned(),
            sheet: source.sheet_name().map(str::to_owned),
            row: source.row,
        }
    }
}

/// One changed field: the value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldRow {
    /// The field, as the API names it (`displayName`, `accountEnabled`).
    pub field: String,
    /// The live value; `None` when there was none (creates).
    pub before: Option<String>,
    /// The new value; `None` when it is cleared.
    pub after: Option<String>,
}

/// One planned change and what happened to it: the line every format renders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRow {
    /// The change's number in the plan.
    pub change: u32,
    /// What the change is about.
    pub entity: Entity,
    /// What it does.
    pub action: Action,
    /// The username or group name.
    pub key: String,
    /// For relations: the group, permission or profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The input row; `None` for deprovisioning and deletions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RowSource>,
    /// The changed fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldRow>,
    /// What happened.
    pub status: Status,
    /// Visier's or the executor's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Visier's root-cause ID, to quote to support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rci: Option<String>,
    /// The HTTP status of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The plan phase that carried the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<PhaseKind>,
    /// The call's number in the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<u32>,
    /// The batch within the phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<u32>,
    /// The call's method and path (`PUT /v2/admin/users`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
}

impl ReportRow {
    /// The changed fields in one line: `displayName: Jon Smith -> John Smith; email: ...`.
    pub fn fields_text(&self) -> String {
        self.fields
            .iter()
            .map(|f| {
                format!(
                    "{}: {} -> {}",
                    f.field,
                    f.before.as_deref().unwrap_or("∅"),
                    f.after.as_deref().unwrap_or("∅")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Why a row is on the Skipped/Protected list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipKind {
    /// A row or user the policy leaves alone (out of scope, protected, dynamic group...).
    Skipped,
    /// A change a tripped guard kept out of the plan.
    Withheld,
}

/// A row or user the run left alone, or a change a guard withheld.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkipRow {
    /// Left alone by policy, or withheld by a guard.
    pub kind: SkipKind,
    /// The reason code: the engine's skip reason (`protected`, `outOfScope`...) or the guard
    /// (`deletes`, `rowDrop`...) for withheld changes.
    pub reason: String,
    /// The username or group name.
    pub key: String,
    /// The related group, permission or profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// For withheld changes: what the change is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<Entity>,
    /// For withheld changes: what it would have done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// The input row, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RowSource>,
    /// The reason in words.
    pub message: String,
}

/// Changes counted by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    /// Every change counted.
    pub total: usize,
    /// Planned, not applied.
    pub planned: usize,
    /// Applied.
    pub applied: usize,
    /// Refused by the API.
    pub failed: usize,
    /// Not attempted.
    pub skipped: usize,
    /// Outcome unknown.
    pub unknown: usize,
}

impl StatusCounts {
    /// Counts one change.
    pub fn add(&mut self, status: Status) {
        self.total += 1;
        *self.get_mut(status) += 1;
    }

    /// The count of one status.
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Planned => self.planned,
            Status::Applied => self.applied,
            Status::Failed => self.failed,
            Status::Skipped => self.skipped,
            Status::Unknown => self.unknown,
        }
    }

    fn get_mut(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Planned => &mut self.planned,
            Status::Applied => &mut self.applied,
            Status::Failed => &mut self.failed,
            Status::Skipped => &mut self.skipped,
            Status::Unknown => &mut self.unknown,
        }
    }

    /// The most serious status present: failed, unknown, skipped, applied, then planned.
    pub fn worst(&self) -> Option<Status> {
        STATUSES_BY_SEVERITY.into_iter().find(|s| self.get(*s) > 0)
    }
}

/// Every status, most serious first.
pub const STATUSES_BY_SEVERITY: [Status; 5] = [
    Status::Failed,
    Status::Unknown,
    Status::Skipped,
    Status::Applied,
    Status::Planned,
];

/// Every status, in the order reports list them.
pub const STATUSES: [Status; 5] = [
    Status::Applied,
    Status::Failed,
    Status::Skipped,
    Status::Unknown,
    Status::Planned,
];

/// The changes of one entity and action, by status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityActionCount {
    /// The entity.
    pub entity: Entity,
    /// The action.
    pub action: Action,
    /// The counts.
    #[serde(flatten)]
    pub counts: StatusCounts,
}

/// What a guard found, with how to proceed when it withheld changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardRow {
    /// The guard.
    pub guard: GuardKind,
    /// Changes of the guarded class (for the source-file checks: the input's user rows).
    pub count: usize,
    /// What the percentage is taken of.
    pub base: usize,
    /// The most allowed (for the source-file checks: the fewest rows accepted).
    pub limit: usize,
    /// Whether the threshold was crossed.
    pub tripped: bool,
    /// Whether the guard was overridden.
    pub overridden: bool,
    /// Changes withheld from the plan.
    pub withheld: usize,
    /// The outcome in words.
    pub message: String,
    /// For a guard that withheld changes: the policy setting that lets them through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how_to_override: Option<String>,
    /// The first changes the guard counted: their rows, or the users absent from the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<GuardCause>,
}

impl GuardRow {
    fn new(outcome: &GuardOutcome) -> Self {
        Self {
            guard: outcome.guard,
            count: outcome.count,
            base: outcome.base,
            limit: outcome.limit,
            tripped: outcome.tripped,
            overridden: outcome.overridden,
            withheld: outcome.withheld,
            message: outcome.message.clone(),
            how_to_override: outcome.blocked().then(|| override_hint(outcome.guard)),
            causes: outcome.causes.clone(),
        }
    }

    /// Whether the guard withheld changes.
    pub fn blocked(&self) -> bool {
        self.tripped && !self.overridden
    }
}

fn override_hint(guard: GuardKind) -> String {
    let (flag, setting) = match guard {
        GuardKind::Deletes => ("deletes", "max_deletes / max_delete_percent"),
        GuardKind::Disables => ("disables", "max_disables / max_disable_percent"),
        GuardKind::MembershipRemovals => (
            "membership-removals",
            "max_membership_removals / max_membership_removal_percent",
        ),
        GuardKind::PermissionRevocations => (
            "permission-revocations",
            "max_permission_revocations / max_permission_revocation_percent",
        ),
        GuardKind::GroupDeletes => (
            "group-deletes",
            "max_group_deletes / max_group_delete_percent",
        ),
        GuardKind::EmptyInput | GuardKind::RowDrop => {
            return "check the input file first; if it is right, run again with --force source-checks".to_owned();
        }
    };
    format!(
        "review the withheld changes; if they are intended, run again with --force {flag}, or raise {setting} in [guards] of vsync.toml"
    )
}

/// One API call of the plan and what happened to its changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRow {
    /// The call's number in the plan.
    pub call: u32,
    /// The phase.
    pub phase: PhaseKind,
    /// The batch within the phase.
    pub batch: u32,
    /// The HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The most serious status of the call's changes (`None` for a call with none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The call's changes by status.
    pub changes: StatusCounts,
    /// The HTTP status, from the first outcome that gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The first root-cause ID among the call's failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rci: Option<String>,
    /// The first message among the call's failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The figures of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// The run in one line, as the terminal and Markdown show it first.
    pub headline: String,
    /// Every change by status.
    pub changes: StatusCounts,
    /// Changes by entity and action, then by status.
    pub by_entity_action: Vec<EntityActionCount>,
    /// Rows and users left alone by policy.
    pub skipped: usize,
    /// Of those, users left alone because they are protected (or the signed-in account).
    pub protected: usize,
    /// Changes withheld by tripped guards.
    pub withheld: usize,
    /// Guards that had something to count.
    pub guards_evaluated: usize,
    /// Guards whose threshold was crossed.
    pub guards_tripped: usize,
    /// Tripped guards that were not overridden (they withheld changes).
    pub guards_blocked: usize,
    /// Calls in the plan.
    pub planned_calls: usize,
    /// The fewest calls the limits allow for the plan's changes.
    pub lower_bound: usize,
}

/// The reconcile report: the run's facts, the summary, and one row per change, skip, guard and
/// call. Build it with [`Report::new`]; render it with [`write_json`](Report::write_json),
/// [`write_xlsx`](Report::write_xlsx), [`write_markdown`](Report::write_markdown) and
/// [`render_terminal`](Report::render_terminal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// [`REPORT_FORMAT`].
    pub format: String,
    /// [`REPORT_VERSION`].
    pub version: u32,
    /// The run's facts, with the target URL redacted.
    pub run: RunFacts,
    /// The figures.
    pub summary: Summary,
    /// Every guard the engine evaluated.
    pub guards: Vec<GuardRow>,
    /// One row per planned change, in plan order.
    pub changes: Vec<ReportRow>,
    /// Rows left alone and changes withheld.
    pub skipped: Vec<SkipRow>,
    /// One row per planned call, in execution order.
    pub calls: Vec<CallRow>,
    /// The problems that kept the run from planning at all (then every other list is empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ProblemRow>,
}

struct Placement {
    phase: PhaseKind,
    call: u32,
    batch: u32,
    endpoint: String,
}

impl Report {
    /// Builds the report of `plan` and the `outcomes` of applying it.
    ///
    /// A change without an outcome is `planned` when the run applies nothing
    /// ([`RunMode::Plan`](crate::RunMode::Plan), [`RunMode::DryRun`](crate::RunMode::DryRun))
    /// and `unknown` otherwise (the executor reports every change it handled, so a missing
    /// outcome means nobody knows). Outcomes for changes the plan does not hold are ignored.
    pub fn new(plan: &Plan, outcomes: &[ChangeOutcome], facts: RunFacts) -> Self {
        let facts = facts.redacted();
        let mut placements: HashMap<ChangeId, Placement> = HashMap::new();
        let mut call_index: HashMap<u32, (PhaseKind, u32, String)> = HashMap::new();
        for phase in &plan.phases {
            for call in &phase.calls {
                let (method, path) = call.body.endpoint();
                let endpoint = format!("{method} {path}");
                call_index.insert(call.id.0, (phase.kind, call.batch, endpoint.clone()));
                for id in call.body.change_ids() {
                    placements.entry(id).or_insert_with(|| Placement {
                        phase: phase.kind,
                        call: call.id.0,
                        batch: call.batch,
                        endpoint: endpoint.clone(),
                    });
                }
            }
        }
        let by_change: HashMap<ChangeId, &ChangeOutcome> =
            outcomes.iter().map(|o| (o.change, o)).collect();
        let applies = facts.mode.applies();
        let changes: Vec<ReportRow> = plan
            .changes
            .iter()
            .map(|change| {
                let mut row = base_row(change, placements.get(&change.id));
                match by_change.get(&change.id) {
                    Some(outcome) => {
                        row.status = outcome.status;
                        row.message.clone_from(&outcome.message);
                        row.rci.clone_from(&outcome.rci);
                        row.http_status = outcome.http_status;
                        if let Some(call) = outcome.call
                            && let Some((phase, batch, endpoint)) = call_index.get(&call.0)
                        {
                            row.call = Some(call.0);
                            row.phase = Some(*phase);
                            row.batch = Some(*batch);
                            row.endpoint = Some(endpoint.clone());
                        }
                    }
                    None if applies => {
                        row.status = Status::Unknown;
                        row.message = Some("no outcome was recorded for this change".to_owned());
                    }
                    None => {}
                }
                row
            })
            .collect();

        let calls = call_rows(plan, &changes);
        let guards: Vec<GuardRow> = plan.guards.iter().map(GuardRow::new).collect();
        let skipped: Vec<SkipRow> = plan
            .skips
            .iter()
            .map(skip_row)
            .chain(withheld_rows(plan))
            .collect();

        let mut counts = StatusCounts::default();
        let mut by_entity_action: BTreeMap<(Entity, Action), StatusCounts> = BTreeMap::new();
        for row in &changes {
            counts.add(row.status);
            by_entity_action
                .entry((row.entity, row.action))
                .or_default()
                .add(row.status);
        }
        let skips = plan.skips.len();
        let protected = skipped
            .iter()
            .filter(|s| {
                s.kind == SkipKind::Skipped
                    && matches!(s.reason.as_str(), "protected" | "signedInAccount")
            })
            .count();
        let mut summary = Summary {
            headline: String::new(),
            changes: counts,
            by_entity_action: by_entity_action
                .into_iter()
                .map(|((entity, action), counts)| EntityActionCount {
                    entity,
                    action,
                    counts,
                })
                .collect(),
            skipped: skips,
            protected,
            withheld: plan.withheld.len(),
            guards_evaluated: guards.len(),
            guards_tripped: guards.iter().filter(|g| g.tripped).count(),
            guards_blocked: guards.iter().filter(|g| g.blocked()).count(),
            planned_calls: plan.call_count(),
            lower_bound: plan.lower_bound(),
        };
        summary.headline = headline(&summary, &facts, &changes);
        Self {
            format: REPORT_FORMAT.to_owned(),
            version: REPORT_VERSION,
            run: facts,
            summary,
            guards,
            changes,
            skipped,
            calls,
            problems: Vec::new(),
        }
    }

    /// The rows whose change failed or whose outcome is unknown: what someone has to look at.
    pub fn failures(&self) -> impl Iterator<Item = &ReportRow> {
        self.changes
            .iter()
            .filter(|r| matches!(r.status, Status::Failed | Status::Unknown))
    }

    /// Whether every change was applied (or, for a run that applies nothing, planned) and no
    /// guard withheld anything.
    pub fn is_clean(&self) -> bool {
        let c = &self.summary.changes;
        c.failed == 0 && c.unknown == 0 && c.skipped == 0 && self.summary.guards_blocked == 0
    }
}

fn base_row(change: &Change, placement: Option<&Placement>) -> ReportRow {
    ReportRow {
        change: change.id.0,
        entity: change.entity(),
        action: change.action(),
        key: change.key.clone(),
        target: change.target.clone(),
        source: change.source.as_ref().map(RowSource::from),
        fields: change
            .field_texts()
            .into_iter()
            .map(|f| FieldRow {
                field: f.field.to_string(),
                before: f.before,
                after: f.after,
            })
            .collect(),
        status: Status::Planned,
        message: None,
        rci: None,
        http_status: None,
        phase: placement.map(|p| p.phase),
        call: placement.map(|p| p.call),
        batch: placement.map(|p| p.batch),
        endpoint: placement.map(|p| p.endpoint.clone()),
    }
}

fn skip_row(skip: &Skip) -> SkipRow {
    let reason = serde_json::to_value(skip.reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{:?}", skip.reason));
    SkipRow {
        kind: SkipKind::Skipped,
        reason,
        key: skip.key.clone(),
        target: skip.target.clone(),
        entity: None,
        action: None,
        source: skip.source.as_ref().map(RowSource::from),
        message: skip.message.clone(),
    }
}

/// The guard that withholds a change of this class, if one of the plan's blocked guards does.
fn withholding_guard(change: &Change, blocked: &[GuardKind]) -> Option<GuardKind> {
    let class = change.guard_class();
    // The source-file checks withhold every change; they are listed first when they trip.
    blocked
        .iter()
        .copied()
        .find(|g| matches!(g, GuardKind::EmptyInput | GuardKind::RowDrop))
        .or(class.filter(|c| blocked.contains(c)))
}

fn withheld_rows(plan: &Plan) -> impl Iterator<Item = SkipRow> + '_ {
    let blocked: Vec<GuardKind> = plan
        .guards
        .iter()
        .filter(|g| g.blocked())
        .map(|g| g.guard)
        .collect();
    plan.withheld.iter().map(move |change| {
        let guard = withholding_guard(change, &blocked);
        let reason = guard.map_or_else(|| "guard".to_owned(), |g| g.label().to_owned());
        let message = match guard {
            Some(g) => format!("withheld by the {} guard", g.text()),
            None => "withheld by a tripped guard".to_owned(),
        };
        SkipRow {
            kind: SkipKind::Withheld,
            reason,
            key: change.key.clone(),
            target: change.target.clone(),
            entity: Some(change.entity()),
            action: Some(change.action()),
            source: change.source.as_ref().map(RowSource::from),
            message,
        }
    })
}

fn call_rows(plan: &Plan, rows: &[ReportRow]) -> Vec<CallRow> {
    let index: HashMap<u32, &ReportRow> = rows.iter().map(|r| (r.change, r)).collect();
    plan.phases
        .iter()
        .flat_map(|phase| phase.calls.iter().map(move |call| (phase.kind, call)))
        .map(|(phase, call)| {
            let (method, path) = call.body.endpoint();
            let mut counts = StatusCounts::default();
            let mut http_status = None;
            let mut rci = None;
            let mut message = None;
            let mut ids = call.body.change_ids();
            ids.dedup();
            for id in ids {
                let Some(row) = index.get(&id.0) else {
                    continue;
                };
                counts.add(row.status);
                http_status = http_status.or(row.http_status);
                if row.status == Status::Failed {
                    rci = rci.or_else(|| row.rci.clone());
                    message = message.or_else(|| row.message.clone());
                }
            }
            CallRow {
                call: call.id.0,
                phase,
                batch: call.batch,
                method: method.to_owned(),
                path: path.to_owned(),
                status: counts.worst(),
                changes: counts,
                http_status,
                rci,
                message,
            }
        })
        .collect()
}

fn headline(summary: &Summary, facts: &RunFacts, rows: &[ReportRow]) -> String {
    let c = &summary.changes;
    let calls = if facts.mode.applies() && facts.api_calls_used > 0 {
        facts.api_calls_used as usize
    } else {
        summary.planned_calls
    };
    // Like with like: the calls a run used against the bound of all of them (sign-in, read,
    // writes, project), the calls a plan would make against the plan's bound.
    let lower_bound = match facts.calls {
        Some(breakdown) if facts.mode.applies() && facts.api_calls_used > 0 => {
            breakdown.lower_bound as usize
        }
        _ => summary.lower_bound,
    };
    let calls_text = format!(
        "{} call{} (lower bound {})",
        thousands(calls),
        plural(calls),
        thousands(lower_bound)
    );
    let mut line = if c.total == 0 {
        "no changes: the tenant already matches the input".to_owned()
    } else if c.planned == c.total {
        let verb = if facts.mode == crate::RunMode::Plan {
            "plan"
        } else {
            "dry run"
        };
        format!(
            "{verb}: {} change{} would be made in {calls_text}",
            thousands(c.total),
            plural(c.total)
        )
    } else {
        let mut line = if c.applied == c.total {
            format!(
                "applied {} change{} in {calls_text}",
                thousands(c.total),
                plural(c.total)
            )
        } else {
            format!(
                "applied {} of {} changes in {calls_text}",
                thousands(c.applied),
                thousands(c.total)
            )
        };
        let mut problems = Vec::new();
        for status in [
            Status::Failed,
            Status::Unknown,
            Status::Skipped,
            Status::Planned,
        ] {
            let n = c.get(status);
            if n > 0 {
                let label = if status == Status::Planned {
                    "not applied"
                } else {
                    status.label()
                };
                problems.push(format!("{} {label}", thousands(n)));
            }
        }
        if !problems.is_empty() {
            line.push_str(", ");
            line.push_str(&problems.join(", "));
        }
        let rcis: Vec<&str> = rows
            .iter()
            .filter(|r| r.status == Status::Failed)
            .filter_map(|r| r.rci.as_deref())
            .collect();
        match rcis.as_slice() {
            [] if c.failed > 0 => line.push_str(" — see the Failures sheet"),
            [] => {}
            [one] => {
                let _ = write!(line, " — see rci {one}");
            }
            [first, ..] => {
                let _ = write!(
                    line,
                    " — see rci {first} and {} more in the Failures sheet",
                    rcis.len() - 1
                );
            }
        }
        line
    };
    if summary.guards_blocked > 0 {
        {
            let _ = write!(
                line,
                "; {} guard{} tripped, {} change{} withheld",
                summary.guards_blocked,
                plural(summary.guards_blocked),
                thousands(summary.withheld),
                plural(summary.withheld)
            );
        };
    }
    line
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
