//! The analytic tenants an administrating tenant manages
//! (`GET /v2/admin/tenants`, `projects-api.openapi.yaml`).

use serde::{Deserialize, Serialize};

use crate::{DataProfileType, IndustryClassificationType, TenantType};

/// The location of operations or where business is performed.
///
/// Schema: `admin.BusinessLocationDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessLocationDto {
    /// ISO 3166 alpha-2 country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// The postal code of the business location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

/// A key-value property of an analytic tenant.
///
/// Schema: `admin.CustomPropertyDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomPropertyDto {
    /// The key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The analysis a user group sees when its users log in.
///
/// Schema: `admin.HomeAnalysisByUserGroupDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HomeAnalysisByUserGroupDto {
    /// The user group ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// The analysis shown to that user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_analysis_id: Option<String>,
}

/// A tenant's traits: aggregation rights, tenant type, data profile.
///
/// Schema: `admin.TenantDetailsTraitsDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantDetailsTraitsDto {
    /// Opted in to Visier's data aggregation program; omitted when `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation_rights: Option<bool>,
    /// The tenant's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_type: Option<TenantType>,
    /// How the tenant's data is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_profile_type: Option<DataProfileType>,
}

/// A tenant's industry code and its classification system.
///
/// Schema: `admin.TenantIndustryInfoDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantIndustryInfoDto {
    /// The industry code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry_code: Option<String>,
    /// The classification system the code belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry_classification_type: Option<IndustryClassificationType>,
}

/// One analytic tenant; fields outside the request's `mask` are omitted.
///
/// Schema: `admin.TenantManagementAPIGetResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantManagementApiGetResponseDto {
    /// The tenant code, for example `WFF_j1r~i1o`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The name displayed within Visier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_display_name: Option<String>,
    /// Whether the tenant is enabled or disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The date the tenant was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision_date: Option<String>,
    /// The data version the tenant uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_data_version: Option<String>,
    /// The date that data version was published to production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_version_date: Option<String>,
    /// The modules assigned to the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchased_modules: Option<Vec<String>>,
    /// The 6-digit NAICS code of the tenant's industry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry_code: Option<u32>,
    /// The primary location of operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_business_location: Option<BusinessLocationDto>,
    /// `true` for an administrating tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_administer_other_tenants: Option<bool>,
    /// Domains in which Visier can be embedded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeddable_domains: Option<Vec<String>>,
    /// Customizable key-value properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_properties: Option<Vec<CustomPropertyDto>>,
    /// Issuers of the SSO providers that can authenticate this tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_instance_issuers: Option<Vec<String>>,
    /// The administrating tenant's name in Visier URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vanity_url_name: Option<String>,
    /// The analysis shown when a user logs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_analysis_id: Option<String>,
    /// The analysis shown to specific user groups when they log in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_analysis_by_user_group: Option<Vec<HomeAnalysisByUserGroupDto>>,
    /// The URL that redirects users into a portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub click_through_link: Option<String>,
    /// Whether the click-through link is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub click_through_link_enabled: Option<String>,
    /// The default currency shown in the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_currency: Option<String>,
    /// Domains allowed in the `idp_url` OAuth parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_o_auth_idp_url_domains: Option<Vec<String>>,
    /// The NAICS code calculated from the tenant's business unit data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_industry_code: Option<i32>,
    /// The latest headcount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_size: Option<i32>,
    /// Aggregation rights, tenant type and data profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traits: Option<TenantDetailsTraitsDto>,
    /// The industry code and its classification system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry_info: Option<TenantIndustryInfoDto>,
    /// Modules added by hand, outside a purchased bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manually_added_modules: Option<Vec<String>>,
}

/// A page of analytic tenants.
///
/// Schema: `admin.TenantManagementAPIListResponseDTO`. Used as:
/// - the response body (200) of `GET /v2/admin/tenants`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantManagementApiListResponseDto {
    /// The analytic tenants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenants: Option<Vec<TenantManagementApiGetResponseDto>>,
    /// The limit of tenants returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index the page starts at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// The tenants and fields to list, combined with the query's `tenantCodes`
/// and `mask` (set union).
///
/// Schema: `admin.TenantNamesFilterDTO`. Used as:
/// - the optional request body of `GET /v2/admin/tenants`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantNamesFilterDto {
    /// Tenant codes, all full (`WFF_j1r~c7o`) or all short (`c7o`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_codes: Option<Vec<String>>,
    /// Comma-separated fields to include.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<String>,
}
