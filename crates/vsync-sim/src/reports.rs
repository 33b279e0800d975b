//! The five XLSX reports, written with rust_xlsxwriter, with the columns
//! their descriptions in the spec name.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use vsync_api::query::{ApplicationLogsQuery, TenantCodeQuery};

use crate::app::{App, Ctx};
use crate::http::{ApiError, Query};
use crate::state::Tenant;

/// Columns of each report, so tests and docs can name them.
pub mod columns {
    /// Application logs.
    pub const APPLICATION_LOGS: &[&str] =
        &["Timestamp (UTC)", "Tenant", "Username", "Event", "Details"];
    /// A user's data security.
    pub const DATA_SECURITY: &[&str] = &[
        "Username",
        "Permission",
        "Permission ID",
        "Assigned Through",
        "Analytic Object",
        "Population Access",
        "Property",
        "Property Access",
    ];
    /// Profile assignments.
    pub const PROFILE_ASSIGNMENTS: &[&str] = &[
        "Tenant",
        "Username",
        "User ID",
        "Profile",
        "Profile ID",
        "Validity Start",
        "Validity End",
    ];
    /// Permission assignments, per user.
    pub const PERMISSION_ASSIGNMENTS: &[&str] = &[
        "Tenant",
        "Username",
        "User ID",
        "Permission",
        "Permission ID",
        "Assigned Through",
    ];
    /// Permission usage across the user base.
    pub const PERMISSION_USAGE: &[&str] = &["Permission", "Permission ID", "Users Assigned"];
    /// The permissions list.
    pub const PERMISSIONS_LIST: &[&str] =
        &["Permission Name", "Permission Description", "Permission ID"];
}

struct Sheet {
    name: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

fn build(sheets: Vec<Sheet>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name)?;
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
        ws.autofit();
    }
    wb.save_to_buffer()
}

fn xlsx(file: &str, sheets: Vec<Sheet>) -> Result<Response, ApiError> {
    let bytes = build(sheets).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            format!("failed to write the report: {e}"),
        )
    })?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(vsync_api::headers::XLSX_CONTENT_TYPE),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

fn iso(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}

fn time_or_blank(value: Option<&str>) -> String {
    value.map_or_else(String::new, |v| {
        v.parse::<i64>().map_or_else(|_| v.to_owned(), iso)
    })
}

fn parse_ms(name: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    value
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                ApiError::bad_request(format!(
                    "{name} must be milliseconds since the Unix epoch, not {v:?}"
                ))
            })
        })
        .transpose()
}

/// `GET /v1/admin/users/reports/application-logs`.
pub(crate) async fn application_logs(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(q): Query<ApplicationLogsQuery>,
) -> Result<Response, ApiError> {
    let start = parse_ms("startTime", q.start_time.as_deref())?;
    let end = parse_ms("endTime", q.end_time.as_deref())?;
    let rows = app.read(&ctx, |t| {
        Ok(t.data
            .application_log
            .iter()
            .filter(|e| {
                start.is_none_or(|s| e.timestamp_ms >= s) && end.is_none_or(|x| e.timestamp_ms < x)
            })
            .map(|e| {
                vec![
                    iso(e.timestamp_ms),
                    t.data.tenant_code.clone(),
                    e.username.clone(),
                    e.event.clone(),
                    e.details.clone(),
                ]
            })
            .collect())
    })?;
    xlsx(
        "application-logs.xlsx",
        vec![Sheet {
            name: "Application Logs",
            headers: columns::APPLICATION_LOGS,
            rows,
        }],
    )
}

/// Every permission a user holds and through what: `Direct` or the user
/// group's name.
fn holdings(t: &Tenant, user_id: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = t
        .data
        .permission_assignments
        .get(user_id)
        .into_iter()
        .flatten()
        .map(|p| (p.clone(), "Direct".to_owned()))
        .collect();
    for g in t.groups_of(user_id) {
        for p in &g.permission_ids {
            out.push((p.clone(), format!("User group: {}", g.display_name)));
        }
    }
    out
}

/// `GET /v1/admin/users/{userId}/reports/data-security`.
pub(crate) async fn data_security(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(user_id): Path<String>,
    Query(_q): Query<TenantCodeQuery>,
) -> Result<Response, ApiError> {
    let rows = app.read(&ctx, |t| {
        let u = t
            .user(&user_id)
            .ok_or_else(|| ApiError::not_found(format!("user {user_id} not found")))?;
        let mut rows = Vec::new();
        for (pid, through) in holdings(t, &user_id) {
            let Some(p) = t.permission(&pid) else {
                continue;
            };
            let profiles = p
                .definition
                .data_security_profiles
                .clone()
                .unwrap_or_default();
            if profiles.is_empty() {
                rows.push(vec![
                    u.username.clone(),
                    p.display_name.clone(),
                    pid.clone(),
                    through.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
            for d in profiles {
                let object = d.analytic_object_id.clone().unwrap_or_default();
                let population = if d.all_data_point_access == Some(true) {
                    "All data points"
                } else {
                    "Filtered"
                }
                .to_owned();
                let props = d
                    .property_set_config
                    .and_then(|c| c.property_access_configs)
                    .unwrap_or_default();
                if props.is_empty() {
                    rows.push(vec![
                        u.username.clone(),
                        p.display_name.clone(),
                        pid.clone(),
                        through.clone(),
                        object.clone(),
                        population.clone(),
                        String::new(),
                        String::new(),
                    ]);
                }
                for pc in props {
                    rows.push(vec![
                        u.username.clone(),
                        p.display_name.clone(),
                        pid.clone(),
                        through.clone(),
                        object.clone(),
                        population.clone(),
                        pc.property_id.unwrap_or_default(),
                        pc.access_level.map(|a| a.to_string()).unwrap_or_default(),
                    ]);
                }
            }
        }
        Ok(rows)
    })?;
    xlsx(
        "data-security.xlsx",
        vec![Sheet {
            name: "Data Security",
            headers: columns::DATA_SECURITY,
            rows,
        }],
    )
}

/// `GET /v1/admin/users/reports/profile-assignments`.
pub(crate) async fn profile_assignments(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(_q): Query<TenantCodeQuery>,
) -> Result<Response, ApiError> {
    let rows = app.read(&ctx, |t| {
        let mut rows = Vec::new();
        for u in t.users() {
            for a in t.profiles_of(&u.user_id) {
                rows.push(vec![
                    t.data.tenant_code.clone(),
                    u.username.clone(),
                    u.user_id.clone(),
                    t.profile(&a.profile_id)
                        .map(|p| p.display_name.clone())
                        .unwrap_or_default(),
                    a.profile_id.clone(),
                    time_or_blank(a.validity_start_time.as_deref()),
                    time_or_blank(a.validity_end_time.as_deref()),
                ]);
            }
        }
        Ok(rows)
    })?;
    xlsx(
        "profile-assignments.xlsx",
        vec![Sheet {
            name: "Profile Assignments",
            headers: columns::PROFILE_ASSIGNMENTS,
            rows,
        }],
    )
}

/// `GET /v1/admin/users/reports/permission-assignments`: per user (users
/// without permissions included), and usage per permission.
pub(crate) async fn permission_assignments(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(_q): Query<TenantCodeQuery>,
) -> Result<Response, ApiError> {
    let (rows, usage) = app.read(&ctx, |t| {
        let mut rows = Vec::new();
        let mut counts: std::collections::HashMap<String, std::collections::HashSet<String>> =
            std::collections::HashMap::new();
        for u in t.users() {
            let held = holdings(t, &u.user_id);
            if held.is_empty() {
                rows.push(vec![
                    t.data.tenant_code.clone(),
                    u.username.clone(),
                    u.user_id.clone(),
                    String::new(),
                    String::new(),
                    "(no permissions)".to_owned(),
                ]);
            }
            for (pid, through) in held {
                counts
                    .entry(pid.clone())
                    .or_default()
                    .insert(u.user_id.clone());
                let name = t
                    .permission(&pid)
                    .map(|p| p.display_name.clone())
                    .unwrap_or_default();
                rows.push(vec![
                    t.data.tenant_code.clone(),
                    u.username.clone(),
                    u.user_id.clone(),
                    name,
                    pid,
                    through,
                ]);
            }
        }
        let usage = t
            .data
            .permissions
            .iter()
            .map(|p| {
                vec![
                    p.display_name.clone(),
                    p.permission_id.clone(),
                    counts
                        .get(&p.permission_id)
                        .map_or(0, std::collections::HashSet::len)
                        .to_string(),
                ]
            })
            .collect();
        Ok((rows, usage))
    })?;
    xlsx(
        "permission-assignments.xlsx",
        vec![
            Sheet {
                name: "User Permissions",
                headers: columns::PERMISSION_ASSIGNMENTS,
                rows,
            },
            Sheet {
                name: "Permission Usage",
                headers: columns::PERMISSION_USAGE,
                rows: usage,
            },
        ],
    )
}

/// `GET /v1/admin/users/reports/permissions-list`.
pub(crate) async fn permissions_list(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(_q): Query<TenantCodeQuery>,
) -> Result<Response, ApiError> {
    let rows = app.read(&ctx, |t| {
        Ok(t.data
            .permissions
            .iter()
            .map(|p| {
                vec![
                    p.display_name.clone(),
                    p.description.clone().unwrap_or_default(),
                    p.permission_id.clone(),
                ]
            })
            .collect())
    })?;
    xlsx(
        "permissions-list.xlsx",
        vec![Sheet {
            name: "Permissions",
            headers: columns::PERMISSIONS_LIST,
            rows,
        }],
    )
}
