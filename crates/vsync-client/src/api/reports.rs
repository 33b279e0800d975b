//! The five XLSX reports, streamed to a file.
//!
//! The body is written to a temporary file beside `path` and put in
//! place ([`vsync_fs::PendingFile`]) once complete, so a broken download
//! never leaves a truncated report under the final name. A download cut short is repeated (reports are reads).

use std::path::{Path, PathBuf};
use std::time::Duration;

use http::StatusCode;
use vsync_api::paths::{self, Operation};
use vsync_api::query::{ApplicationLogsQuery, TenantCodeQuery};
use vsync_model::UserId;

use super::handler;
use crate::ClientError;
use crate::core::{Mode, Sink};

handler!(
    /// XLSX reports: `client.reports()`.
    ReportsHandler
);

/// A report written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    /// Where it was written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The `Content-Type` the server gave.
    pub content_type: Option<String>,
    /// The HTTP status.
    pub status: StatusCode,
    /// From sending the request to the last byte written.
    pub round_trip: Duration,
}

impl ReportsHandler {
    async fn download(
        &self,
        op: Operation,
        path: String,
        query: &impl serde::Serialize,
        to: &Path,
    ) -> Result<ReportFile, ClientError> {
        let req = self.request(op, path).query(query)?;
        let raw = self
            .client
            .execute(&req, Mode::Typed, Sink::File(to))
            .await?;
        let bytes = tokio::fs::metadata(to)
            .await
            .map_err(|source| ClientError::Io {
                path: to.to_owned(),
                source,
            })?
            .len();
        Ok(ReportFile {
            path: to.to_owned(),
            bytes,
            content_type: raw
                .headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            status: raw.status,
            round_trip: raw.round_trip,
        })
    }

    fn tenant(&self, op: Operation) -> TenantCodeQuery {
        TenantCodeQuery {
            tenant_code: self.tenant_code(op, None),
        }
    }

    /// `GET /v1/admin/users/reports/permissions-list`
    /// (`UsersV1_GetAllPermissionsXLSX`).
    pub async fn get_all_permissions_xlsx(&self, to: &Path) -> Result<ReportFile, ClientError> {
        let op = Operation::PermissionsListReport;
        self.download(
            op,
            paths::REPORT_PERMISSIONS_LIST.into(),
            &self.tenant(op),
            to,
        )
        .await
    }

    /// `GET /v1/admin/users/reports/application-logs`
    /// (`UsersV1_GetApplicationLogsXLSX`).
    pub async fn get_application_logs_xlsx(
        &self,
        mut query: ApplicationLogsQuery,
        to: &Path,
    ) -> Result<ReportFile, ClientError> {
        let op = Operation::ApplicationLogsReport;
        query.tenant_code = self.tenant_code(op, query.tenant_code);
        self.download(op, paths::REPORT_APPLICATION_LOGS.into(), &query, to)
            .await
    }

    /// `GET /v1/admin/users/{userId}/reports/data-security`
    /// (`UsersV1_GetDataSecurityReportXLSX`).
    pub async fn get_data_security_report_xlsx(
        &self,
        user: &UserId,
        to: &Path,
    ) -> Result<ReportFile, ClientError> {
        let op = Operation::DataSecurityReport;
        self.download(
            op,
            paths::report_data_security(user.as_str()),
            &self.tenant(op),
            to,
        )
        .await
    }

    /// `GET /v1/admin/users/reports/profile-assignments`
    /// (`UsersV1_GetProfileAssignmentsXLSX`).
    pub async fn get_profile_assignments_xlsx(&self, to: &Path) -> Result<ReportFile, ClientError> {
        let op = Operation::ProfileAssignmentsReport;
        self.download(
            op,
            paths::REPORT_PROFILE_ASSIGNMENTS.into(),
            &self.tenant(op),
            to,
        )
        .await
    }

    /// `GET /v1/admin/users/reports/permission-assignments`
    /// (`UsersV1_GetUserPermissionsXLSX`).
    pub async fn get_user_permissions_xlsx(&self, to: &Path) -> Result<ReportFile, ClientError> {
        let op = Operation::PermissionAssignmentsReport;
        self.download(
            op,
            paths::REPORT_PERMISSION_ASSIGNMENTS.into(),
            &self.tenant(op),
            to,
        )
        .await
    }
}
