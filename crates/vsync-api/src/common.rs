//! Types shared by several resources.

use serde::{Deserialize, Serialize};

/// An entry of [`TargetProjectForTenantsListDto::target_project_for_tenants`](crate::TargetProjectForTenantsListDto::target_project_for_tenants).
///
/// Schema: `admin.TargetProjectForTenantDTO`.
///
/// That field: administrating tenants can specify the tenants and projects in which to make assignments to users.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetProjectForTenantDto {
    /// The tenant code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The project in which to make changes for the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// Administrating tenants can specify the tenants and projects in which to assign users to user groups or remove users from user groups.
///
/// Schema: `admin.TargetProjectForTenantsListDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetProjectForTenantsListDto {
    /// Administrating tenants can specify the tenants and projects in which to make assignments to users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_project_for_tenants: Option<Vec<TargetProjectForTenantDto>>,
}
