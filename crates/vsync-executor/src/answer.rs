//! Sending a request through the client's typed handlers, and mapping the answer's per-item
//! results back to [`ChangeId`]s (by username, user ID or correlation id, never by position).

use std::collections::{HashMap, HashSet};

use vsync_api::{
    AssignmentStatus, LocalTenantProfileAssignmentRequestDto, LocalTenantProfileRevokeRequestDto,
    UserGroupChangeResponseDto, UsersApiResponseDto,
};
use vsync_client::{Client, ClientError};
use vsync_engine::{ChangeId, Direction};
use vsync_model::{UserGroupId, UserId, UserKey};

use crate::request::{GroupSlot, Request};

/// What the tenant said about each item of a request that it answered with a success status.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    pub(crate) applied: Vec<ChangeId>,
    /// Refused items: change, message, rci.
    pub(crate) failed: Vec<(ChangeId, String, Option<String>)>,
    /// Items the answer did not mention.
    pub(crate) missing: Vec<ChangeId>,
    pub(crate) created_users: Vec<(String, UserId)>,
    pub(crate) created_groups: Vec<(String, UserGroupId)>,
}

/// Sends the request through the client's typed handlers.
pub(crate) async fn send(client: &Client, request: &Request) -> Result<Answer, ClientError> {
    match request {
        Request::CreateUsers { items, body } => {
            let answer = client.users().add_users(body).await?;
            Ok(users_answer(
                answer,
                items
                    .iter()
                    .map(|(c, name)| (*c, Key::Name(UserKey::new(name)))),
            ))
        }
        Request::UpdateUsers { items, body } => {
            let answer = client.users().update_users(body).await?;
            Ok(users_answer(
                answer,
                items.iter().map(|(c, id)| (*c, Key::Id(id.clone()))),
            ))
        }
        Request::DeleteUsers { items, body } => {
            let answer = client.users().delete_users(body).await?;
            Ok(users_answer(
                answer,
                items.iter().map(|(c, id)| (*c, Key::Id(id.clone()))),
            ))
        }
        Request::CreateGroups { slots, body } => {
            let answer = client.user_groups().create_user_groups(body).await?;
            Ok(groups_answer(&answer, slots, true))
        }
        Request::PatchGroups { slots, body } => {
            let answer = client.user_groups().patch_user_groups(body).await?;
            Ok(groups_answer(&answer, slots, false))
        }
        Request::DeleteGroups { items, body } => {
            let answer = client.user_groups().delete_user_groups(body).await?;
            let mut out = Answer::default();
            let failures: HashMap<String, (String, Option<String>)> = answer
                .failures
                .unwrap_or_default()
                .into_iter()
                .filter_map(|f| {
                    Some((
                        f.user_group_id?,
                        (
                            f.message.unwrap_or_else(|| "delete refused".to_owned()),
                            f.rci,
                        ),
                    ))
                })
                .collect();
            let successes: HashSet<String> = answer
                .successes
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| s.user_group_id)
                .collect();
            for (change, id) in items {
                if let Some((message, rci)) = failures.get(id.as_str()) {
                    out.failed.push((*change, message.clone(), rci.clone()));
                } else if successes.contains(id.as_str()) {
                    out.applied.push(*change);
                } else {
                    out.missing.push(*change);
                }
            }
            Ok(out)
        }
        Request::Members {
            direction,
            changes,
            body,
        } => {
            let answer = if *direction == Direction::Add {
                client.user_groups().add_users_to_user_group(body).await?
            } else {
                client
                    .user_groups()
                    .remove_users_from_user_group(body)
                    .await?
            };
            let failure = failed_tenant(
                answer.tenants,
                |t| t.status == Some(AssignmentStatus::Failed),
                |t| t.message,
                "membership change refused",
            );
            Ok(all_or_nothing(changes, failure))
        }
        Request::UserPermissions {
            direction,
            changes,
            body,
        } => {
            let answer = if *direction == Direction::Add {
                client.permissions().assign_permissions(body).await?
            } else {
                client.permissions().remove_permissions(body).await?
            };
            let failure = failed_tenant(
                answer.tenants,
                |t| t.status == Some(AssignmentStatus::Failed),
                |t| t.message,
                "permission change refused",
            );
            Ok(all_or_nothing(changes, failure))
        }
        Request::GroupPermissions {
            direction,
            changes,
            body,
        } => {
            let answer = if *direction == Direction::Add {
                client
                    .permissions()
                    .assign_permissions_to_user_groups(body)
                    .await?
            } else {
                client
                    .permissions()
                    .revoke_permissions_from_user_groups(body)
                    .await?
            };
            let failure = (answer.status == Some(AssignmentStatus::Failed)).then(|| {
                answer
                    .message
                    .unwrap_or_else(|| "group permission change refused".to_owned())
            });
            Ok(all_or_nothing(changes, failure))
        }
        Request::Profile {
            direction,
            profile,
            items,
        } => {
            let user_ids: Vec<String> =
                items.iter().map(|(_, id)| id.as_str().to_owned()).collect();
            let mut refused: HashMap<String, (String, Option<String>)> = HashMap::new();
            if *direction == Direction::Add {
                let body = LocalTenantProfileAssignmentRequestDto {
                    target_user_ids: Some(user_ids),
                    validity_start_time: None,
                    validity_end_time: None,
                };
                let answer = client.profiles().assign_profile(profile, &body).await?;
                for bad in answer.bad_user_ids.unwrap_or_default() {
                    if let Some(id) = bad.user_id {
                        let (message, rci) = bad
                            .error
                            .map_or((None, None), |e| (e.error_message, e.root_cause_id));
                        refused.insert(
                            id,
                            (message.unwrap_or_else(|| "bad user ID".to_owned()), rci),
                        );
                    }
                }
                for failed in answer.failed_assignments.unwrap_or_default() {
                    if let Some(id) = failed.user_id {
                        let (message, rci) = failed
                            .error
                            .map_or((None, None), |e| (e.error_message, e.root_cause_id));
                        refused.insert(
                            id,
                            (
                                message.unwrap_or_else(|| "profile assignment failed".to_owned()),
                                rci,
                            ),
                        );
                    }
                }
            } else {
                let body = LocalTenantProfileRevokeRequestDto {
                    target_user_ids: Some(user_ids),
                };
                let answer = client.profiles().remove_profile(profile, &body).await?;
                for failed in answer.failed.unwrap_or_default() {
                    if let Some(id) = failed.user_id {
                        refused.insert(
                            id,
                            (
                                failed
                                    .message
                                    .unwrap_or_else(|| "profile removal failed".to_owned()),
                                None,
                            ),
                        );
                    }
                }
            }
            let mut out = Answer::default();
            for (change, id) in items {
                match refused.get(id.as_str()) {
                    Some((message, rci)) => {
                        out.failed.push((*change, message.clone(), rci.clone()));
                    }
                    None => out.applied.push(*change),
                }
            }
            Ok(out)
        }
    }
}

/// The message of the first tenant an assignment answer reports as failed (`fallback` when it
/// gives none).
fn failed_tenant<T>(
    tenants: Option<Vec<T>>,
    failed: impl Fn(&T) -> bool,
    message: impl FnOnce(T) -> Option<String>,
    fallback: &str,
) -> Option<String> {
    tenants
        .unwrap_or_default()
        .into_iter()
        .find(|t| failed(t))
        .map(|t| message(t).unwrap_or_else(|| fallback.to_owned()))
}

fn all_or_nothing(changes: &[ChangeId], failure: Option<String>) -> Answer {
    let mut out = Answer::default();
    match failure {
        Some(message) => out
            .failed
            .extend(changes.iter().map(|c| (*c, message.clone(), None))),
        None => out.applied.extend_from_slice(changes),
    }
    out
}

enum Key {
    Name(UserKey),
    Id(UserId),
}

/// Maps a v2 bulk users answer back to changes: by username for creates, by user ID otherwise
/// (falling back to the username a failure names).
fn users_answer(
    answer: UsersApiResponseDto,
    items: impl Iterator<Item = (ChangeId, Key)>,
) -> Answer {
    let mut success_by_name: HashMap<UserKey, Option<String>> = HashMap::new();
    let mut success_by_id: HashSet<String> = HashSet::new();
    for s in answer.successes.unwrap_or_default() {
        if let Some(id) = &s.user_id {
            success_by_id.insert(id.clone());
        }
        if let Some(name) = &s.username {
            success_by_name.insert(UserKey::new(name), s.user_id.clone());
        }
    }
    let mut failure_by_name: HashMap<UserKey, (String, Option<String>)> = HashMap::new();
    let mut failure_by_id: HashMap<String, (String, Option<String>)> = HashMap::new();
    for f in answer.failures.unwrap_or_default() {
        let (message, rci) = f.error.map_or((None, None), |e| (e.message, e.rci));
        let entry = (
            message.unwrap_or_else(|| "refused without a message".to_owned()),
            rci,
        );
        if let Some(id) = f.user_id {
            failure_by_id.insert(id, entry.clone());
        }
        if let Some(name) = f.user_name {
            failure_by_name.insert(UserKey::new(&name), entry);
        }
    }
    let mut out = Answer::default();
    for (change, key) in items {
        match key {
            Key::Name(name) => {
                if let Some((message, rci)) = failure_by_name.get(&name) {
                    out.failed.push((change, message.clone(), rci.clone()));
                } else if let Some(id) = success_by_name.get(&name) {
                    out.applied.push(change);
                    if let Some(id) = id {
                        out.created_users
                            .push((name.as_str().to_owned(), UserId::new(id.clone())));
                    }
                } else {
                    out.missing.push(change);
                }
            }
            Key::Id(id) => {
                if let Some((message, rci)) = failure_by_id.get(id.as_str()) {
                    out.failed.push((change, message.clone(), rci.clone()));
                } else if success_by_id.contains(id.as_str()) {
                    out.applied.push(change);
                } else {
                    out.missing.push(change);
                }
            }
        }
    }
    out
}

/// Maps a v2 user-group answer back to changes by correlation id (and, for patches, by group
/// ID when the answer leaves the correlation id out).
fn groups_answer(answer: &UserGroupChangeResponseDto, slots: &[GroupSlot], create: bool) -> Answer {
    let mut out = Answer::default();
    let successes = answer.successes.as_deref().unwrap_or_default();
    let failures = answer.failures.as_deref().unwrap_or_default();
    for slot in slots {
        let by_corr = |c: &Option<String>| c.as_deref() == Some(slot.correlation_id.as_str());
        let by_id = |g: &Option<String>| {
            !create
                && slot
                    .group
                    .as_ref()
                    .is_some_and(|id| g.as_deref() == Some(id.as_str()))
        };
        if let Some(f) = failures
            .iter()
            .find(|f| by_corr(&f.correlation_id) || by_id(&f.user_group_id))
        {
            let message = f
                .message
                .clone()
                .unwrap_or_else(|| "refused without a message".to_owned());
            out.failed.extend(
                slot.changes
                    .iter()
                    .map(|c| (*c, message.clone(), f.rci.clone())),
            );
        } else if let Some(s) = successes
            .iter()
            .find(|s| by_corr(&s.correlation_id) || by_id(&s.user_group_id))
        {
            out.applied.extend_from_slice(&slot.changes);
            if create && let Some(id) = &s.user_group_id {
                out.created_groups
                    .push((slot.name.clone(), UserGroupId::new(id.clone())));
            }
        } else {
            out.missing.extend_from_slice(&slot.changes);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_answers_are_matched_by_correlation_id_not_position() {
        let slots = vec![
            GroupSlot {
                correlation_id: "vs-a-1".into(),
                name: "A".into(),
                group: None,
                changes: vec![ChangeId(1)],
            },
            GroupSlot {
                correlation_id: "vs-a-2".into(),
                name: "B".into(),
                group: None,
                changes: vec![ChangeId(2)],
            },
        ];
        // The answer lists B first.
        let answer = UserGroupChangeResponseDto {
            successes: Some(vec![
                vsync_api::UserGroupChangeSuccessDto {
                    correlation_id: Some("vs-a-2".into()),
                    user_group_id: Some("g-b".into()),
                    ..Default::default()
                },
                vsync_api::UserGroupChangeSuccessDto {
                    correlation_id: Some("vs-a-1".into()),
                    user_group_id: Some("g-a".into()),
                    ..Default::default()
                },
            ]),
            failures: None,
        };
        let out = groups_answer(&answer, &slots, true);
        assert_eq!(
            out.created_groups,
            vec![
                ("A".to_owned(), UserGroupId::new("g-a")),
                ("B".to_owned(), UserGroupId::new("g-b"))
            ]
        );
    }
}
