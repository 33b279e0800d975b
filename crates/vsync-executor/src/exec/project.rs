//! The draft project of a run: one production version per run instead of one per request.
//!
//! Visier publishes a production version for every request that changes something it versions
//! (user groups, memberships, permission assignments) when the request names no project. With
//! [`ProjectChoice::Auto`] a run that has such changes makes them in a draft project and
//! publishes it once, after the last of them applied:
//!
//! 1. Before the first batch: when the plan has a versioned change still to make, the project
//!    is created (its name journaled first, its id journaled before any change goes into it);
//!    a project the journal (or the caller) names and that is still open is continued instead.
//! 2. Every versioned request carries `ProjectID`, and so do the reads that must see the
//!    project's uncommitted changes (settling an unknown group create, a resume's re-reads).
//!    User creates, updates and deletes and profile assignments carry none: Visier applies
//!    them at once.
//! 3. After the last phase: when every versioned change applied, one `commitAndPublish`
//!    (never repeated blindly: a lost answer is settled by whether the project is still
//!    open). Otherwise the project is held, unpublished, with the applied part in it, and the
//!    outcome says how to finish, publish or discard it; `publish_partial` publishes it anyway.
//!
//! A crash leaves the project's id in the journal: [`Executor::resume`](crate::Executor::resume)
//! continues in it and publishes it once.

use std::sync::OnceLock;

use vsync_api::query::ProductionVersionsQuery;
use vsync_api::{ProjectDto, ProjectOperationResponseDto};
use vsync_client::{Client, ClientError};
use vsync_engine::outcome::Status;
use vsync_engine::{ChangeId, Plan};
use vsync_model::ProjectId;

use super::Run;
use crate::error::ExecError;
use crate::journal::{JournalState, Record};

/// Where a run makes its versioned changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProjectChoice {
    /// In production: every versioned request publishes its own production version.
    #[default]
    None,
    /// In a draft project made for the run when it has versioned changes, published once at
    /// the end; a run without versioned changes makes no project.
    Auto {
        /// How to create it.
        project: NewProject,
        /// A draft of an earlier run to continue in, when it is still open (the next sync
        /// after a partial failure).
        continue_in: Option<ProjectId>,
    },
    /// In this project, as it is; published at the end only when `publish`.
    Existing {
        /// The project.
        id: ProjectId,
        /// Publish it after the run.
        publish: bool,
    },
}

/// The draft project a run creates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewProject {
    /// Its name (unique enough to find it again by: vsync, the command, the time, the input's
    /// hash).
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// The change ticket (`ticketNumber`).
    pub ticket_number: Option<String>,
}

/// How the run's project ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectState {
    /// Published with one `commitAndPublish`.
    Published,
    /// Left open on purpose: a given project, not asked to be published.
    Open,
    /// Not published: versioned changes failed or were not attempted, or the run stopped. It
    /// holds the part that applied.
    Held,
    /// `commitAndPublish` failed; the project holds every change.
    PublishFailed,
}

/// The run's project and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectOutcome {
    /// The project.
    pub id: ProjectId,
    /// Its name, when known.
    pub name: Option<String>,
    /// Whether vsync created it (this run, or the run it continues).
    pub created: bool,
    /// How it ended.
    pub state: ProjectState,
    /// Why it was not published and what to do; the publish error's `rci` is in
    /// [`ProjectOutcome::rci`].
    pub message: Option<String>,
    /// Visier's root-cause ID, when publishing failed.
    pub rci: Option<String>,
}

impl ProjectOutcome {
    /// Whether the project was published.
    pub fn published(&self) -> bool {
        self.state == ProjectState::Published
    }
}

/// A production version the run published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedVersion {
    /// Its ID, when the tenant named it.
    pub id: Option<String>,
    /// Its version number, when the tenant named it.
    pub version_number: Option<i32>,
}

/// What became of a project a journal names.
enum Found {
    Open,
    Published,
    Gone,
}

/// The project a run is working in.
#[derive(Debug)]
pub(super) struct ActiveProject {
    id: ProjectId,
    name: Option<String>,
    created: bool,
    publish: bool,
    /// The run's client, in the project.
    client: Client,
}

/// The project part of a run: set once before the first batch.
#[derive(Debug, Default)]
pub(super) struct ProjectSlot {
    active: OnceLock<ActiveProject>,
    /// The latest production version before the run (no project): `Some(None)` when there
    /// was none, `None` when it was not listed.
    versions_before: OnceLock<Option<String>>,
}

fn ids_of(plan: &Plan, versioned: bool) -> Vec<ChangeId> {
    plan.calls()
        .filter(|c| c.body.api_operation().is_versioned() == versioned)
        .flat_map(|c| c.body.change_ids())
        .collect()
}

fn version_of(answer: &ProjectOperationResponseDto) -> Option<PublishedVersion> {
    answer
        .commit_and_publish
        .as_ref()
        .and_then(|c| c.published_version.as_ref())
        .map(|v| PublishedVersion {
            id: v.id.clone(),
            version_number: v.version_number,
        })
}

impl Run {
    /// The client for a request of `op`: in the run's project when it has one and `op` is
    /// versioned, in production otherwise.
    pub(super) fn client_for(&self, op: vsync_api::paths::Operation) -> &Client {
        match self.project.active.get() {
            Some(project) if op.is_versioned() => &project.client,
            _ => &self.client,
        }
    }

    /// The client for reads that must see the project's uncommitted changes.
    pub(super) fn versioned_reads(&self) -> &Client {
        self.project
            .active
            .get()
            .map_or(&self.client, |p| &p.client)
    }

    fn activate(&self, id: ProjectId, name: Option<String>, created: bool, publish: bool) {
        let client = self.client.in_project(Some(id.as_str()));
        let _ = self.project.active.set(ActiveProject {
            id,
            name,
            created,
            publish,
            client,
        });
    }

    /// Whether a versioned change of `plan` is still to be made (by the run so far, and by the
    /// journal a resume continues).
    fn versioned_pending(&self, plan: &Plan, journal: Option<&JournalState>) -> bool {
        ids_of(plan, true).into_iter().any(|c| {
            !self.is_final(c)
                && journal
                    .and_then(|j| j.outcomes.get(&c))
                    .is_none_or(|o| !o.status.is_final())
        })
    }

    /// Before the first batch: the project the versioned changes go to (created, continued
    /// from `journal`, or given), journaled before anything is sent into it. Without a
    /// project, the latest production version is noted so the versions the run makes can be
    /// counted.
    pub(super) async fn open_project(
        &self,
        plan: &Plan,
        journal: Option<&JournalState>,
    ) -> Result<(), ExecError> {
        let earlier = journal.and_then(|j| j.unpublished_project());
        match &self.opts.project {
            ProjectChoice::None if earlier.is_none() => {
                if self.opts.count_versions && self.versioned_pending(plan, journal) {
                    match self.latest_version().await {
                        Ok(latest) => {
                            let _ = self.project.versions_before.set(latest);
                        }
                        Err(e) => tracing::warn!(
                            "could not list the production versions; the versions this run makes will not be counted: {e}"
                        ),
                    }
                }
                Ok(())
            }
            ProjectChoice::Existing { id, publish } => {
                self.require_open(id).await?;
                self.journal(&Record::Project {
                    id: id.clone(),
                    name: None,
                    created: false,
                });
                self.activate(id.clone(), None, false, *publish);
                Ok(())
            }
            choice => {
                // A project the journal names (a resume), or that the caller found (the next
                // sync), is continued while it is open.
                let (continued, new) = match choice {
                    ProjectChoice::Auto {
                        project,
                        continue_in,
                    } => (
                        earlier
                            .map(|p| (p.id.clone(), p.name.clone(), p.created))
                            .or_else(|| continue_in.clone().map(|id| (id, None, true))),
                        Some(project),
                    ),
                    _ => (
                        earlier.map(|p| (p.id.clone(), p.name.clone(), p.created)),
                        None,
                    ),
                };
                if let Some((id, name, created)) = continued {
                    match self.status_of(&id).await? {
                        Found::Open => {
                            if earlier.is_none() {
                                self.journal(&Record::Project {
                                    id: id.clone(),
                                    name: name.clone(),
                                    created,
                                });
                            }
                            self.activate(id, name, created, true);
                            return Ok(());
                        }
                        // Published after its last change, before the journal could say so
                        // (a crash between the two): its changes are in production.
                        Found::Published => {
                            tracing::info!(project = %id, "the run's project was already published");
                            self.journal(&Record::ProjectPublished { id, version: None });
                        }
                        Found::Gone => {
                            return Err(ExecError::Project {
                                id,
                                message: "the run's project was discarded, and the changes it \
                                          held with it: plan again"
                                    .to_owned(),
                            });
                        }
                    }
                }
                let Some(new) = new else { return Ok(()) };
                if let Some(name) = journal.and_then(|j| j.project_creating.as_deref())
                    && let Some(found) = self.find_by_name(name).await?
                {
                    self.adopt(found, name);
                    return Ok(());
                }
                if self.versioned_pending(plan, journal) {
                    self.create(new).await?;
                }
                Ok(())
            }
        }
    }

    /// A project must be open to take changes; one that is not ends the run before it starts.
    async fn require_open(&self, id: &ProjectId) -> Result<(), ExecError> {
        let open = self
            .client
            .projects()
            .list_open_projects()
            .await
            .map_err(|e| ExecError::client("list the open projects", e))?;
        if open.iter().any(|p| p.id.as_deref() == Some(id.as_str())) {
            return Ok(());
        }
        Err(ExecError::Project {
            id: id.clone(),
            message: "is not an open project of this tenant (published, deleted or unknown): \
                      its changes cannot be continued; plan again"
                .to_owned(),
        })
    }

    /// Whether a project is open, was published, or is gone (deleted or unknown).
    async fn status_of(&self, id: &ProjectId) -> Result<Found, ExecError> {
        let projects = self.client.projects();
        let open = projects
            .list_open_projects()
            .await
            .map_err(|e| ExecError::client("list the open projects", e))?;
        if open.iter().any(|p| p.id.as_deref() == Some(id.as_str())) {
            return Ok(Found::Open);
        }
        match projects.get_project(id).await {
            Ok(_) => Ok(Found::Published),
            Err(e) if e.status().is_some_and(|s| s.is_client_error()) && !e.is_auth() => {
                Ok(Found::Gone)
            }
            Err(e) => Err(ExecError::client("read the run's project", e)),
        }
    }

    async fn find_by_name(&self, name: &str) -> Result<Option<ProjectDto>, ExecError> {
        let found = self
            .client
            .projects()
            .find_open_by_name(name)
            .await
            .map_err(|e| ExecError::client("list the open projects", e))?;
        Ok(found.into_iter().last())
    }

    fn adopt(&self, found: ProjectDto, name: &str) {
        let id = ProjectId::new(found.id.unwrap_or_default());
        self.journal(&Record::Project {
            id: id.clone(),
            name: Some(name.to_owned()),
            created: true,
        });
        tracing::info!(project = %id, name, "working in project");
        self.activate(id, Some(name.to_owned()), true, true);
    }

    /// Creates the run's draft project; a lost answer is settled by listing the open projects
    /// by name, and a create that did not happen is sent once more.
    async fn create(&self, new: &NewProject) -> Result<(), ExecError> {
        self.journal(&Record::ProjectCreating {
            name: new.name.clone(),
        });
        let body = ProjectDto {
            name: Some(new.name.clone()),
            description: new.description.clone(),
            ticket_number: new.ticket_number.clone(),
            ..ProjectDto::default()
        };
        let projects = self.client.projects();
        let made = match projects.create_project(&body).await {
            Ok(made) => made,
            Err(e) if e.is_outcome_unknown() => {
                if let Some(found) = self.find_by_name(&new.name).await? {
                    found
                } else {
                    projects
                        .create_project(&body)
                        .await
                        .map_err(|e| ExecError::client("create the run's project", e))?
                }
            }
            Err(e) => return Err(ExecError::client("create the run's project", e)),
        };
        let Some(id) = made.id.clone() else {
            return Err(ExecError::Plan(
                "the tenant created a project without an id".into(),
            ));
        };
        self.adopt(
            ProjectDto {
                id: Some(id),
                ..made
            },
            &new.name,
        );
        Ok(())
    }

    /// The latest production version's ID (`None` when there is none).
    async fn latest_version(&self) -> Result<Option<String>, ClientError> {
        let page = self
            .client
            .projects()
            .get_production_versions(ProductionVersionsQuery {
                limit: Some(1),
                start: None,
            })
            .await?;
        Ok(page
            .published_versions
            .unwrap_or_default()
            .into_iter()
            .next()
            .and_then(|v| v.id))
    }

    /// The versions published since `before` (latest first), from the first page of the
    /// listing.
    async fn versions_since(
        &self,
        before: Option<&str>,
    ) -> Result<Vec<PublishedVersion>, ClientError> {
        let page = self
            .client
            .projects()
            .get_production_versions(ProductionVersionsQuery::default())
            .await?;
        Ok(page
            .published_versions
            .unwrap_or_default()
            .into_iter()
            .take_while(|v| before.is_none() || v.id.as_deref() != before)
            .map(|v| PublishedVersion {
                id: v.id,
                version_number: v.version_number,
            })
            .collect())
    }

    /// After the last phase: publishes the project when every versioned change applied (or
    /// `publish_partial`), else holds it and says how to finish it. Without a project, lists
    /// the versions the run published.
    pub(super) async fn close_project(
        &self,
        plan: &Plan,
        interrupted: bool,
        failed: bool,
    ) -> (Option<ProjectOutcome>, Option<Vec<PublishedVersion>>) {
        let Some(project) = self.project.active.get() else {
            let Some(before) = self.project.versions_before.get() else {
                return (None, None);
            };
            return match self.versions_since(before.as_deref()).await {
                Ok(versions) => (None, Some(versions)),
                Err(e) => {
                    tracing::warn!("could not list the production versions: {e}");
                    (None, None)
                }
            };
        };
        let mut outcome = ProjectOutcome {
            id: project.id.clone(),
            name: project.name.clone(),
            created: project.created,
            state: ProjectState::Held,
            message: None,
            rci: None,
        };
        let id = &project.id;
        let unapplied = ids_of(plan, true)
            .into_iter()
            .filter(|c| {
                self.state()
                    .outcomes
                    .get(c)
                    .is_none_or(|o| o.status != Status::Applied)
            })
            .count();
        let finish = format!(
            "`vsync apply --resume` or the next `vsync sync` continues in it and publishes it; \
             `vsync project publish {id}` publishes it as it is, `vsync project discard {id}` \
             discards it"
        );
        if interrupted || failed {
            outcome.message = Some(format!(
                "not published: the run stopped; it holds the changes made so far. {finish}"
            ));
            return (Some(outcome), Some(Vec::new()));
        }
        if !project.publish {
            outcome.state = ProjectState::Open;
            outcome.message = Some(format!(
                "left open: publish it in Visier, or with `vsync project publish {id}`"
            ));
            return (Some(outcome), Some(Vec::new()));
        }
        if unapplied > 0 && !self.opts.publish_partial {
            outcome.message = Some(format!(
                "not published: {unapplied} versioned change{} did not apply; it holds the part \
                 that did. {finish}",
                if unapplied == 1 { "" } else { "s" }
            ));
            return (Some(outcome), Some(Vec::new()));
        }
        match self.publish(id, project.name.as_deref()).await {
            Ok(version) => {
                outcome.state = ProjectState::Published;
                self.journal(&Record::ProjectPublished {
                    id: id.clone(),
                    version: version.as_ref().and_then(|v| v.id.clone()),
                });
                (Some(outcome), Some(version.into_iter().collect()))
            }
            Err(e) => {
                outcome.state = ProjectState::PublishFailed;
                outcome.rci = e.rci();
                outcome.message = Some(format!(
                    "publishing failed ({}); it holds every change of the run: \
                     `vsync project publish {id}` publishes it, `vsync project discard {id}` \
                     discards it",
                    e.with_causes()
                ));
                (Some(outcome), Some(Vec::new()))
            }
        }
    }

    /// One `commitAndPublish`. A lost answer is settled by reading: a project no longer open
    /// was published (its version looked up in the listing); one still open was not, and is
    /// published once more.
    async fn publish(
        &self,
        id: &ProjectId,
        name: Option<&str>,
    ) -> Result<Option<PublishedVersion>, ExecError> {
        let projects = self.client.projects();
        let context = "publish the run's project";
        match projects.commit_and_publish(id).await {
            Ok(answer) => return Ok(version_of(&answer)),
            Err(e) if e.is_outcome_unknown() => {
                tracing::warn!(project = %id, "the answer to commitAndPublish was lost: checking whether the project is still open");
            }
            Err(e) => return Err(ExecError::client(context, e)),
        }
        let open = projects
            .list_open_projects()
            .await
            .map_err(|e| ExecError::client("list the open projects", e))?;
        if open.iter().any(|p| p.id.as_deref() == Some(id.as_str())) {
            let answer = projects
                .commit_and_publish(id)
                .await
                .map_err(|e| ExecError::client(context, e))?;
            return Ok(version_of(&answer));
        }
        let page = projects
            .get_production_versions(ProductionVersionsQuery::default())
            .await
            .map_err(|e| ExecError::client("list the production versions", e))?;
        Ok(page
            .published_versions
            .unwrap_or_default()
            .into_iter()
            .find(|v| {
                v.id.as_deref() == Some(id.as_str())
                    || (name.is_some() && v.name.as_deref() == name)
            })
            .map(|v| PublishedVersion {
                id: v.id,
                version_number: v.version_number,
            }))
    }
}
