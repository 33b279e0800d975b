//! Helpers shared by the handlers: paging, transient item failures,
//! correlation IDs, and the tenants (and projects) a v1 body targets, with a v1
//! security call run in each of them ([`per_target`]).

use std::collections::HashSet;

use vsync_api::limits::CORRELATION_ID_LIFETIME_DAYS;
use vsync_api::query::split_correlation_ids;
use vsync_api::{AssignmentStatus, CorrelationId, TargetProjectForTenantsListDto};

use crate::app::{Key, Tx};
use crate::http::ApiError;
use crate::state::{Tenant, now_ms};

const DAY_MS: i64 = 86_400_000;

/// The message of a transient per-item failure.
pub(crate) const TRANSIENT: &str =
    "Transient failure: the operation timed out while saving this item; retry the request";

/// Checks `start`/`limit` against a maximum; returns (start, limit).
pub(crate) fn page(
    start: Option<u32>,
    limit: Option<u32>,
    default: u32,
    max: u32,
) -> Result<(usize, usize), ApiError> {
    let limit = limit.unwrap_or(default);
    if limit > max {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is over the maximum of {max}"
        )));
    }
    Ok((start.unwrap_or(0) as usize, limit as usize))
}

/// What a v1 security call did in one tenant it targets.
pub(crate) struct TargetOutcome<T> {
    /// The tenant (and project).
    pub(crate) key: Key,
    /// `Failed` when the tenant had problems.
    pub(crate) status: AssignmentStatus,
    /// The problems, joined.
    pub(crate) message: Option<String>,
    /// What the call answers for the tenant.
    pub(crate) items: T,
}

/// Runs a v1 security call (memberships, permission assignments) in every tenant it targets:
/// `each` changes one tenant, collecting its problems, and says whether it changed it; the
/// tenants changed are marked for saving.
pub(crate) fn per_target<T>(
    tx: &mut Tx<'_>,
    list: Option<&TargetProjectForTenantsListDto>,
    mut each: impl FnMut(&mut Tenant, &mut Vec<String>) -> (T, bool),
) -> Result<Vec<TargetOutcome<T>>, ApiError> {
    let keys = target_keys(tx, list)?;
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let mut problems = Vec::new();
        let (items, changed) = each(tx.tenant(&key), &mut problems);
        if changed {
            tx.mark(&key);
        }
        out.push(TargetOutcome {
            key,
            status: if problems.is_empty() {
                AssignmentStatus::Succeed
            } else {
                AssignmentStatus::Failed
            },
            message: (!problems.is_empty()).then(|| problems.join("; ")),
            items,
        });
    }
    Ok(out)
}

/// The tenants (and projects) a v1 body names, or the request's.
pub(crate) fn target_keys(
    tx: &Tx<'_>,
    list: Option<&TargetProjectForTenantsListDto>,
) -> Result<Vec<Key>, ApiError> {
    match list.and_then(|l| l.target_project_for_tenants.as_ref()) {
        Some(targets) if !targets.is_empty() => targets
            .iter()
            .map(|t| tx.key(t.tenant_code.as_deref(), t.project_id.as_deref()))
            .collect(),
        _ => Ok(vec![tx.key(None, None)?]),
    }
}

/// Live correlation IDs of `kind` in `t`, limited to `wanted`.
pub(crate) fn correlated(t: &Tenant, kind: &str, wanted: &str) -> HashSet<String> {
    let now = now_ms();
    let lifetime = i64::from(CORRELATION_ID_LIFETIME_DAYS) * DAY_MS;
    split_correlation_ids(wanted)
        .filter_map(|c| t.data.correlation_ids.get(c))
        .filter(|r| r.kind == kind && now - r.created_ms < lifetime)
        .map(|r| r.object_id.clone())
        .collect()
}

/// Checks a correlation ID of a create: format, unique in the request,
/// not used in the last 7 days.
pub(crate) fn check_correlation(
    t: &Tenant,
    id: Option<&str>,
    seen: &mut HashSet<String>,
) -> Result<(), String> {
    let Some(id) = id else { return Ok(()) };
    CorrelationId::validate(id).map_err(|e| e.to_string())?;
    if !seen.insert(id.to_owned()) {
        return Err(format!("correlation id {id} is used twice in this request"));
    }
    let lifetime = i64::from(CORRELATION_ID_LIFETIME_DAYS) * DAY_MS;
    if let Some(r) = t.data.correlation_ids.get(id)
        && now_ms() - r.created_ms < lifetime
    {
        return Err(format!(
            "correlation id {id} was already used in the last {CORRELATION_ID_LIFETIME_DAYS} days"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_over_maximum_is_refused() {
        assert!(page(None, Some(1001), 1000, 1000).is_err());
        assert_eq!(page(Some(5), None, 1000, 1000).unwrap(), (5, 1000));
    }
}
