//! The write-ahead journal: what each batch was about to do, and what it did.
//!
//! # Format
//!
//! JSON lines, one [`Record`] per line, appended and fsynced one line at a time:
//!
//! ```text
//! {"type":"header","version":1,"planHash":"9f…","fingerprint":"3c…","started":"2026-…Z","pid":4242,"resumed":false}
//! {"type":"intent","batch":"1.1","call":1,"attempt":1,"changes":[0,1,2],"usernames":["a@x.io","b@x.io","c@x.io"]}
//! {"type":"result","batch":"1.1","call":1,"outcomes":[{"change":0,"status":"applied"},{"change":2,"status":"failed","message":"…","rci":"…","httpStatus":400}],"createdUsers":{"a@x.io":"u-17"}}
//! {"type":"intent","batch":"3.1","call":3,"attempt":1,"changes":[9],"correlationIds":{"Sales":"vs-1f3a9c20-1"}}
//! {"type":"end","interrupted":false,"finished":"2026-…Z"}
//! ```
//!
//! - `header`: the plan's hash (SHA-256 of its JSON) and live fingerprint; a resume refuses a
//!   journal of another plan.
//! - `intent`: written (and fsynced) **before** the request is sent: the batch id (`call.n`,
//!   unique in the journal), the plan call, the attempt, the changes it carries, and for
//!   creates the usernames and the correlation ids sent (fresh for every request).
//! - `result`: written after the answer: a status per change (`applied`, `failed`, `skipped`,
//!   `retry` for a transient failure that a later batch retries, `unknown`), Visier's message
//!   and `rci`, and the IDs of the users and groups the batch created, so later phases can
//!   resolve `UserRef::Key` / `GroupRef::Name` after a resume.
//! - `projectCreating`, `project`, `projectPublished`: the draft project the run makes its
//!   versioned changes in. `projectCreating` (its name) is written before the create is sent,
//!   `project` (its id) before the first change goes into it, `projectPublished` after its one
//!   `commitAndPublish`; a resume or the next sync continues in a project that has a `project`
//!   record and no `projectPublished`, and finds one that has only `projectCreating` by name.
//! - `end`: the run finished or was interrupted cleanly.
//!
//! An intent without a result is a batch whose outcome is unknown (the process died while
//! it was in flight). A torn last line (killed mid-write) is ignored.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vsync_engine::{ChangeId, Plan};
use vsync_model::{NameKey, ProjectId, UserGroupId, UserId, UserKey};

use crate::error::ExecError;

/// The version of the journal format.
pub const JOURNAL_VERSION: u32 = 1;

/// The status of a change as the journal records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum JournalStatus {
    /// The API confirmed it.
    Applied,
    /// The API refused it for good.
    Failed,
    /// Not attempted.
    Skipped,
    /// A transient failure; a later batch retries it.
    Retry,
    /// The outcome is not known (yet).
    Unknown,
}

impl JournalStatus {
    /// Whether the change needs nothing more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Applied | Self::Failed)
    }
}

/// One change's outcome in a `result` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalOutcome {
    /// The change.
    pub change: ChangeId,
    /// What happened.
    pub status: JournalStatus,
    /// Visier's or the executor's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Visier's root-cause ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rci: Option<String>,
    /// The HTTP status of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Record {
    /// The first line of a run (and of each resume of it).
    #[serde(rename_all = "camelCase")]
    Header {
        /// [`JOURNAL_VERSION`].
        version: u32,
        /// [`plan_hash`] of the plan applied.
        plan_hash: String,
        /// The live fingerprint the plan was made from.
        fingerprint: String,
        /// When the run started (RFC 3339).
        started: String,
        /// The process.
        pid: u32,
        /// Whether this run resumes an earlier one.
        #[serde(default)]
        resumed: bool,
    },
    /// A batch about to be sent.
    #[serde(rename_all = "camelCase")]
    Intent {
        /// The batch, unique within the journal.
        batch: String,
        /// The plan call the batch belongs to.
        call: u32,
        /// 1 for the first try of the call's items, more for retries and halves.
        attempt: u32,
        /// The changes the batch carries.
        changes: Vec<ChangeId>,
        /// For user creates: the usernames sent.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        usernames: Vec<String>,
        /// For group creates and patches: group name (or ID) to the correlation id sent.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        correlation_ids: BTreeMap<String, String>,
    },
    /// What a batch did.
    #[serde(rename_all = "camelCase")]
    Result {
        /// The batch.
        batch: String,
        /// The plan call.
        call: u32,
        /// Per change.
        outcomes: Vec<JournalOutcome>,
        /// Username to the ID of each user the batch created.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        created_users: BTreeMap<String, UserId>,
        /// Group name to the ID of each group the batch created.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        created_groups: BTreeMap<String, UserGroupId>,
    },
    /// A draft project is about to be created for the run.
    #[serde(rename_all = "camelCase")]
    ProjectCreating {
        /// The name it is created with (how a lost answer is settled).
        name: String,
    },
    /// The project the run's versioned changes go to, written before the first of them.
    #[serde(rename_all = "camelCase")]
    Project {
        /// The project.
        id: ProjectId,
        /// Its name, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Whether vsync created it for the run (rather than being given it).
        created: bool,
    },
    /// The project was published with `commitAndPublish`.
    #[serde(rename_all = "camelCase")]
    ProjectPublished {
        /// The project.
        id: ProjectId,
        /// The production version it became, when the answer named one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<String>,
    },
    /// The run ended without being killed.
    #[serde(rename_all = "camelCase")]
    End {
        /// Whether it stopped early (Ctrl-C, SIGTERM).
        interrupted: bool,
        /// When (RFC 3339).
        finished: String,
    },
}

/// SHA-256 (hex) of the plan's JSON: which plan a journal belongs to.
pub fn plan_hash(plan: &Plan) -> String {
    let bytes = serde_json::to_vec(plan).expect("plans serialise");
    hex::encode(Sha256::digest(&bytes))
}

/// The current time in RFC 3339 (UTC): the one clock reading of journals, locks, plans,
/// run records and log events.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// An open journal, appended to one fsynced line at a time.
#[derive(Debug)]
pub struct JournalWriter {
    file: Mutex<File>,
    path: PathBuf,
}

impl JournalWriter {
    /// Starts a new journal at `path`, replacing any earlier file.
    pub fn create(path: &Path) -> Result<Self, ExecError> {
        Self::open_with(path, true)
    }

    /// Appends to the journal at `path` (a resume), creating it if needed.
    pub fn open(path: &Path) -> Result<Self, ExecError> {
        Self::open_with(path, false)
    }

    fn open_with(path: &Path, truncate: bool) -> Result<Self, ExecError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| ExecError::journal(path, "cannot create its directory", Some(e)))?;
        }
        let mut options = OpenOptions::new();
        options.create(true);
        if truncate {
            options.write(true).truncate(true);
        } else {
            options.append(true);
        }
        let file = options
            .open(path)
            .map_err(|e| ExecError::journal(path, "cannot open for writing", Some(e)))?;
        Ok(Self {
            file: Mutex::new(file),
            path: path.to_owned(),
        })
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record and waits until it is on disk.
    pub fn append(&self, record: &Record) -> Result<(), ExecError> {
        let mut line = serde_json::to_vec(record).expect("journal records serialise");
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        file.write_all(&line)
            .and_then(|()| file.sync_data())
            .map_err(|e| ExecError::journal(&self.path, "cannot append", Some(e)))
    }
}

/// An intent that has no result: a batch that may or may not have reached the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingBatch {
    /// The batch.
    pub batch: String,
    /// The plan call.
    pub call: u32,
    /// Its changes.
    pub changes: Vec<ChangeId>,
    /// Usernames sent, for creates.
    pub usernames: Vec<String>,
    /// Correlation ids sent, for group creates and patches.
    pub correlation_ids: BTreeMap<String, String>,
}

/// The project a journal names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalProject {
    /// The project.
    pub id: ProjectId,
    /// Its name, when known.
    pub name: Option<String>,
    /// Whether vsync created it for the run.
    pub created: bool,
    /// Whether the run published it.
    pub published: bool,
}

/// What a journal says about a run, read back for a resume.
#[derive(Debug, Clone, Default)]
pub struct JournalState {
    /// The plan hash of the first header.
    pub plan_hash: String,
    /// The fingerprint of the first header.
    pub fingerprint: String,
    /// The last word on each change.
    pub outcomes: HashMap<ChangeId, JournalOutcome>,
    /// Users the run created, by key.
    pub created_users: HashMap<UserKey, UserId>,
    /// Groups the run created, by name key.
    pub created_groups: HashMap<NameKey, UserGroupId>,
    /// Batches sent without a recorded result.
    pub pending: Vec<PendingBatch>,
    /// The highest batch sequence number per call, so a resume numbers its batches after them.
    pub last_batch: HashMap<u32, u32>,
    /// Whether the journal has a header; an empty journal (the run died before writing one)
    /// recorded nothing, and nothing was sent.
    pub started: bool,
    /// Every correlation id ever sent, by group name (or ID, for patches).
    pub sent_correlation_ids: HashMap<String, Vec<String>>,
    /// Whether the run ended cleanly.
    pub ended: bool,
    /// The project the run made its versioned changes in.
    pub project: Option<JournalProject>,
    /// The name of a project the run was creating when it stopped, if no `project` record
    /// followed.
    pub project_creating: Option<String>,
}

impl JournalState {
    /// The project of the run that is still to be published: named by the journal, not
    /// published by the run.
    pub fn unpublished_project(&self) -> Option<&JournalProject> {
        self.project.as_ref().filter(|p| !p.published)
    }
}

impl JournalState {
    /// Reads a journal. A torn last line is ignored; any other bad line is an error.
    pub fn load(path: &Path) -> Result<Self, ExecError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ExecError::journal(path, "cannot read", Some(e)))?;
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut records = Vec::with_capacity(lines.len());
        for (index, line) in lines.iter().enumerate() {
            match serde_json::from_str::<Record>(line) {
                Ok(record) => records.push(record),
                Err(_) if index + 1 == lines.len() && !text.ends_with('\n') => {
                    tracing::warn!(path = %path.display(), "ignoring the torn last line of the journal");
                }
                Err(e) => {
                    return Err(ExecError::journal(
                        path,
                        format!("line {} is not a journal record: {e}", index + 1),
                        None,
                    ));
                }
            }
        }
        Self::from_records(path, records)
    }

    fn from_records(path: &Path, records: Vec<Record>) -> Result<Self, ExecError> {
        let mut state = JournalState::default();
        let mut intents: BTreeMap<String, PendingBatch> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut answered: HashSet<String> = HashSet::new();
        let mut saw_header = false;
        for record in records {
            match record {
                Record::Header {
                    version,
                    plan_hash,
                    fingerprint,
                    ..
                } => {
                    if version != JOURNAL_VERSION {
                        return Err(ExecError::journal(
                            path,
                            format!("journal version {version} is not supported"),
                            None,
                        ));
                    }
                    if !saw_header {
                        state.plan_hash = plan_hash;
                        state.fingerprint = fingerprint;
                        saw_header = true;
                    }
                    state.ended = false;
                }
                Record::Intent {
                    batch,
                    call,
                    changes,
                    usernames,
                    correlation_ids,
                    ..
                } => {
                    if let Some(seq) = batch.rsplit('.').next().and_then(|s| s.parse::<u32>().ok())
                    {
                        let last = state.last_batch.entry(call).or_default();
                        *last = (*last).max(seq);
                    }
                    for (name, corr) in &correlation_ids {
                        state
                            .sent_correlation_ids
                            .entry(name.clone())
                            .or_default()
                            .push(corr.clone());
                    }
                    order.push(batch.clone());
                    intents.insert(
                        batch.clone(),
                        PendingBatch {
                            batch,
                            call,
                            changes,
                            usernames,
                            correlation_ids,
                        },
                    );
                }
                Record::Result {
                    batch,
                    outcomes,
                    created_users,
                    created_groups,
                    ..
                } => {
                    answered.insert(batch);
                    for outcome in outcomes {
                        state.outcomes.insert(outcome.change, outcome);
                    }
                    for (username, id) in created_users {
                        state.created_users.insert(UserKey::new(&username), id);
                    }
                    for (name, id) in created_groups {
                        state.created_groups.insert(NameKey::new(&name), id);
                    }
                }
                Record::ProjectCreating { name } => state.project_creating = Some(name),
                Record::Project { id, name, created } => {
                    state.project_creating = None;
                    state.project = Some(JournalProject {
                        id,
                        name,
                        created,
                        published: false,
                    });
                }
                Record::ProjectPublished { id, .. } => {
                    if let Some(project) = state.project.as_mut().filter(|p| p.id == id) {
                        project.published = true;
                    }
                }
                Record::End { .. } => state.ended = true,
            }
        }
        if !saw_header {
            if order.is_empty() && state.outcomes.is_empty() && state.project.is_none() {
                return Ok(state);
            }
            return Err(ExecError::journal(path, "has no header line", None));
        }
        state.started = true;
        for batch in order {
            if answered.contains(&batch) {
                continue;
            }
            if let Some(pending) = intents.remove(&batch) {
                state.pending.push(pending);
            }
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Record {
        Record::Header {
            version: JOURNAL_VERSION,
            plan_hash: "h".into(),
            fingerprint: "f".into(),
            started: "t".into(),
            pid: 1,
            resumed: false,
        }
    }

    #[test]
    fn intent_without_result_is_pending_and_results_keep_ids() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.journal");
        let journal = JournalWriter::open(&path).unwrap();
        journal.append(&header()).unwrap();
        journal
            .append(&Record::Intent {
                batch: "1.1".into(),
                call: 1,
                attempt: 1,
                changes: vec![ChangeId(0), ChangeId(1)],
                usernames: vec!["a@x.io".into(), "b@x.io".into()],
                correlation_ids: BTreeMap::new(),
            })
            .unwrap();
        journal
            .append(&Record::Result {
                batch: "1.1".into(),
                call: 1,
                outcomes: vec![JournalOutcome {
                    change: ChangeId(0),
                    status: JournalStatus::Applied,
                    message: None,
                    rci: None,
                    http_status: None,
                }],
                created_users: BTreeMap::from([("A@x.io".to_owned(), UserId::new("u1"))]),
                created_groups: BTreeMap::new(),
            })
            .unwrap();
        journal
            .append(&Record::Intent {
                batch: "2.1".into(),
                call: 2,
                attempt: 1,
                changes: vec![ChangeId(5)],
                usernames: vec![],
                correlation_ids: BTreeMap::new(),
            })
            .unwrap();
        drop(journal);
        // A torn line, as a SIGKILL mid-write leaves it.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(br#"{"type":"res"#)
            .unwrap();

        let state = JournalState::load(&path).unwrap();
        assert_eq!(state.plan_hash, "h");
        assert_eq!(state.outcomes[&ChangeId(0)].status, JournalStatus::Applied);
        assert_eq!(
            state.created_users[&UserKey::new("a@x.io")],
            UserId::new("u1")
        );
        assert_eq!(state.pending.len(), 1);
        assert_eq!(state.pending[0].changes, vec![ChangeId(5)]);
        assert_eq!(state.last_batch[&1], 1);
        assert!(!state.ended);
    }

    /// A run killed before its header reached the disk sent nothing: its journal is empty.
    #[test]
    fn an_empty_journal_is_a_run_that_sent_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.journal");
        std::fs::write(&path, "").unwrap();
        let state = JournalState::load(&path).unwrap();
        assert!(!state.started && state.pending.is_empty());
    }

    #[test]
    fn the_project_is_unpublished_until_its_published_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.journal");
        let journal = JournalWriter::open(&path).unwrap();
        journal.append(&header()).unwrap();
        journal
            .append(&Record::ProjectCreating {
                name: "vsync sync".into(),
            })
            .unwrap();
        let state = JournalState::load(&path).unwrap();
        assert_eq!(state.project_creating.as_deref(), Some("vsync sync"));
        assert!(state.unpublished_project().is_none());
        journal
            .append(&Record::Project {
                id: ProjectId::new("p-1"),
                name: Some("vsync sync".into()),
                created: true,
            })
            .unwrap();
        let state = JournalState::load(&path).unwrap();
        assert_eq!(state.project_creating, None);
        assert_eq!(
            state.unpublished_project().map(|p| p.id.as_str()),
            Some("p-1")
        );
        journal
            .append(&Record::ProjectPublished {
                id: ProjectId::new("p-1"),
                version: Some("v-1".into()),
            })
            .unwrap();
        let state = JournalState::load(&path).unwrap();
        assert!(state.project.as_ref().unwrap().published);
        assert!(state.unpublished_project().is_none());
    }

    #[test]
    fn a_bad_line_in_the_middle_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.journal");
        std::fs::write(&path, "{\"type\":\"nonsense\"}\n{\"type\":\"end\",\"interrupted\":false,\"finished\":\"x\"}\n")
            .unwrap();
        assert!(JournalState::load(&path).is_err());
    }
}
