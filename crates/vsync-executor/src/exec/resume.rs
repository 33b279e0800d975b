//! Resuming a run from its journal: final outcomes and created IDs taken over, and the calls
//! whose outcome is unknown settled by re-reading the objects they touched.

use std::collections::HashSet;
use std::path::Path;

use tokio_util::sync::CancellationToken;
use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{CallBody, ChangeId, Plan};
use vsync_model::{UserGroupId, UserId, UserKey};

use super::{
    ApplyOutcome, ExecOptions, Executor, Run, Settled, Settlement, check_version, dry_run,
};
use crate::error::ExecError;
use crate::fetch;
use crate::journal::{JournalState, JournalStatus, JournalWriter, Record, plan_hash};

impl Executor {
    /// Continues the run that `journal` records: calls with a result are done; calls with an
    /// intent but no result have an unknown outcome, and the objects they touched are re-read
    /// before anything is sent again (creates by username or correlation id, deletes by
    /// listing); idempotent calls (updates, memberships, assignments) are simply sent again.
    pub async fn resume(
        &self,
        plan: &Plan,
        journal: &Path,
        shutdown: CancellationToken,
    ) -> Result<ApplyOutcome, ExecError> {
        check_version(plan)?;
        let state = JournalState::load(journal)?;
        let hash = plan_hash(plan);
        if !state.started {
            // The run died before its first line: nothing was sent, start over.
            let fresh = Executor {
                opts: ExecOptions {
                    journal: Some(journal.to_owned()),
                    ..self.opts.clone()
                },
                ..self.clone()
            };
            return Box::pin(fresh.apply(plan, shutdown)).await;
        }
        if state.plan_hash != hash {
            return Err(ExecError::journal(
                journal,
                format!(
                    "belongs to another plan (journal {}, plan {hash})",
                    state.plan_hash
                ),
                None,
            ));
        }
        if self.opts.dry_run {
            return Ok(dry_run(plan));
        }
        let writer = JournalWriter::open(journal)?;
        let run = Run::new(self, plan, Some(writer), shutdown);
        run.header(plan, true)?;
        // Into the run's project first: the re-reads below must see its changes.
        Box::pin(run.open_project(plan, Some(&state))).await?;
        Box::pin(run.restore(plan, &state)).await?;
        Box::pin(run.execute(plan)).await
    }
}

impl Run {
    /// Takes over what a journal says: final outcomes and created IDs, then settles the batches
    /// whose outcome is unknown by re-reading the objects they touched.
    pub(super) async fn restore(
        &self,
        plan: &Plan,
        journal: &JournalState,
    ) -> Result<(), ExecError> {
        {
            let mut state = self.state();
            state.ids.users.extend(
                journal
                    .created_users
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
            state.ids.groups.extend(
                journal
                    .created_groups
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
            for (change, outcome) in &journal.outcomes {
                if outcome.status.is_final() {
                    let status = if outcome.status == JournalStatus::Applied {
                        Status::Applied
                    } else {
                        Status::Failed
                    };
                    state.outcomes.insert(
                        *change,
                        ChangeOutcome {
                            change: *change,
                            status,
                            message: outcome.message.clone(),
                            rci: outcome.rci.clone(),
                            http_status: outcome.http_status,
                            call: self.calls.get(change).copied(),
                        },
                    );
                }
            }
            for (call, seq) in &journal.last_batch {
                state.seq.insert(*call, *seq);
            }
        }
        // Changes that may have been applied without the journal knowing.
        let mut unsure: HashSet<ChangeId> = journal
            .pending
            .iter()
            .flat_map(|p| p.changes.iter().copied())
            .collect();
        unsure.extend(
            journal
                .outcomes
                .iter()
                .filter(|(_, o)| o.status == JournalStatus::Unknown)
                .map(|(c, _)| *c),
        );
        unsure.retain(|c| !self.is_final(*c));
        if unsure.is_empty() {
            return Ok(());
        }
        let mut settled = Settled::default();
        let mut user_creates = Vec::new();
        let mut group_creates = Vec::new();
        let mut user_deletes = Vec::new();
        let mut group_deletes = Vec::new();
        for call in plan.calls() {
            match &call.body {
                CallBody::CreateUsers { users } => {
                    user_creates.extend(
                        users
                            .iter()
                            .filter(|u| unsure.contains(&u.change))
                            .map(|u| (u.change, u.username.clone())),
                    );
                }
                CallBody::CreateGroups { groups } => {
                    for g in groups.iter().filter(|g| unsure.contains(&g.change)) {
                        let mut changes = vec![g.change];
                        changes.extend(g.permissions.iter().map(|p| p.change));
                        changes.extend(g.members.iter().map(|m| m.change));
                        group_creates.push((g.name.clone(), changes));
                    }
                }
                CallBody::DeleteUsers { users } => {
                    user_deletes.extend(
                        users
                            .iter()
                            .filter(|u| unsure.contains(&u.change))
                            .map(|u| (u.change, u.value.clone())),
                    );
                }
                CallBody::DeleteGroups { groups } => {
                    group_deletes.extend(
                        groups
                            .iter()
                            .filter(|g| unsure.contains(&g.change))
                            .map(|g| (g.change, g.value.clone())),
                    );
                }
                _ => {}
            }
        }
        if !user_creates.is_empty() || !user_deletes.is_empty() {
            let users = fetch::user_ids_by_key(&self.client).await?;
            let live_ids: HashSet<&UserId> = users.values().collect();
            for (change, username) in &user_creates {
                if let Some(id) = users.get(&UserKey::new(username)) {
                    self.record_user(&mut settled, username, id.clone());
                    self.settle(
                        &mut settled,
                        *change,
                        &Settlement::new(JournalStatus::Applied).message("found on resume"),
                    );
                }
            }
            for (change, id) in &user_deletes {
                if !live_ids.contains(id) {
                    self.settle(
                        &mut settled,
                        *change,
                        &Settlement::new(JournalStatus::Applied).message("found deleted on resume"),
                    );
                }
            }
        }
        if !group_creates.is_empty() {
            let ids: Vec<String> = group_creates
                .iter()
                .flat_map(|(name, _)| {
                    journal
                        .sent_correlation_ids
                        .get(name)
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            let found = fetch::groups_by_correlation(self.versioned_reads(), &ids).await?;
            for (name, changes) in &group_creates {
                let sent = journal
                    .sent_correlation_ids
                    .get(name)
                    .cloned()
                    .unwrap_or_default();
                if let Some((id, _)) = sent.iter().find_map(|c| found.get(c)) {
                    self.record_group(&mut settled, name, id.clone());
                    self.settle_all(
                        &mut settled,
                        changes,
                        &Settlement::new(JournalStatus::Applied).message("found on resume"),
                    );
                }
            }
        }
        if !group_deletes.is_empty() {
            let groups = fetch::group_ids_by_name(self.versioned_reads()).await?;
            let live: HashSet<&UserGroupId> = groups.values().collect();
            for (change, id) in &group_deletes {
                if !live.contains(id) {
                    self.settle(
                        &mut settled,
                        *change,
                        &Settlement::new(JournalStatus::Applied).message("found deleted on resume"),
                    );
                }
            }
        }
        self.journal(&Record::Result {
            batch: "resume".into(),
            call: 0,
            outcomes: settled.outcomes,
            created_users: settled.created_users,
            created_groups: settled.created_groups,
        });
        Ok(())
    }
}
