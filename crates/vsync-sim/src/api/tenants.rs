//! `GET /v2/admin/tenants`: the analytic tenants the administrating tenant
//! manages, paged, filtered by code and data profile, each cut to `mask`.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::Value;
use vsync_api::limits::{HEAVY_TENANT_FIELDS, MAX_TENANTS_PAGE, MAX_TENANTS_PAGE_HEAVY};
use vsync_api::query::TenantsV2Query;
use vsync_api::{
    BusinessLocationDto, DataProfileType, IndustryClassificationType, TenantDetailsTraitsDto,
    TenantIndustryInfoDto, TenantManagementApiGetResponseDto, TenantNamesFilterDto, TenantType,
};

use crate::api::common::page;
use crate::app::{App, Ctx, lock};
use crate::http::{ApiError, Query, ok};
use crate::state::{Tenant, hash_str, opaque_id};

/// The fields `mask` may name, in the spec's order.
const FIELDS: &[&str] = &[
    "tenantCode",
    "tenantDisplayName",
    "currentDataVersion",
    "traits",
    "dataVersionDate",
    "provisionDate",
    "vanityUrlName",
    "status",
    "canAdministerOtherTenants",
    "industryCode",
    "industryInfo",
    "purchasedModules",
    "manuallyAddedModules",
    "embeddableDomains",
    "allowedOAuthIdpUrlDomains",
    "customProperties",
    "ssoInstanceIssuers",
    "homeAnalysisId",
    "homeAnalysisByUserGroup",
    "clickThroughLink",
    "clickThroughLinkEnabled",
    "defaultCurrency",
    "primaryBusinessLocation",
    "effectiveIndustryCode",
    "companySize",
];

/// 2024-01-15, when the simulated tenants were provisioned.
const PROVISIONED_MS: &str = "1705276800000";

fn describe(t: &Tenant, admin: &str) -> TenantManagementApiGetResponseDto {
    let code = &t.data.tenant_code;
    let short = code.rsplit('~').next().unwrap_or(code);
    TenantManagementApiGetResponseDto {
        tenant_code: Some(code.clone()),
        tenant_display_name: Some(format!("Analytic tenant {short}")),
        status: Some("Enabled".to_owned()),
        provision_date: Some(PROVISIONED_MS.to_owned()),
        current_data_version: Some(opaque_id(hash_str(code), 1)),
        data_version_date: Some(PROVISIONED_MS.to_owned()),
        purchased_modules: Some(vec!["People".to_owned()]),
        industry_code: Some(541_511),
        primary_business_location: Some(BusinessLocationDto {
            country_code: Some("CA".to_owned()),
            postal_code: Some("V6B 1A1".to_owned()),
        }),
        can_administer_other_tenants: Some(false),
        embeddable_domains: Some(Vec::new()),
        custom_properties: Some(Vec::new()),
        sso_instance_issuers: Some(Vec::new()),
        vanity_url_name: Some(admin.to_lowercase()),
        home_analysis_id: None,
        home_analysis_by_user_group: Some(Vec::new()),
        click_through_link: None,
        click_through_link_enabled: Some("false".to_owned()),
        default_currency: Some("USD".to_owned()),
        allowed_o_auth_idp_url_domains: Some(Vec::new()),
        effective_industry_code: Some(541_511),
        company_size: Some(i32::try_from(t.users().len()).unwrap_or(i32::MAX)),
        traits: Some(TenantDetailsTraitsDto {
            aggregation_rights: None,
            tenant_type: Some(TenantType::PartnerCustomer),
            data_profile_type: Some(DataProfileType::Regular),
        }),
        industry_info: Some(TenantIndustryInfoDto {
            industry_code: Some("541511".to_owned()),
            industry_classification_type: Some(IndustryClassificationType::Naics),
        }),
        manually_added_modules: Some(Vec::new()),
    }
}

/// Comma-separated values, trimmed, empty ones dropped.
fn list(value: Option<&str>) -> impl Iterator<Item = String> + '_ {
    value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `GET /v2/admin/tenants`. The optional body (`TenantNamesFilterDTO`) adds
/// tenant codes and mask fields to the query's.
pub(crate) async fn list_tenants(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(q): Query<TenantsV2Query>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let filter: TenantNamesFilterDto = if body.iter().all(u8::is_ascii_whitespace) {
        TenantNamesFilterDto::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))?
    };
    let mut mask: BTreeSet<String> = list(q.mask.as_deref())
        .chain(list(filter.mask.as_deref()))
        .collect();
    if let Some(bad) = mask.iter().find(|f| !FIELDS.contains(&f.as_str())) {
        return Err(ApiError::bad_request(format!(
            "mask field {bad:?} is not one of {}",
            FIELDS.join(", ")
        )));
    }
    let heavy = mask.is_empty() || HEAVY_TENANT_FIELDS.iter().any(|f| mask.contains(*f));
    let max = if heavy {
        MAX_TENANTS_PAGE_HEAVY
    } else {
        MAX_TENANTS_PAGE
    };
    let (start, limit) = page(q.start, q.limit, max, max)?;
    if mask.is_empty() {
        mask = FIELDS.iter().map(|f| (*f).to_owned()).collect();
    }
    let codes: BTreeSet<String> = list(q.tenant_codes.as_deref())
        .chain(filter.tenant_codes.into_iter().flatten())
        .collect();
    let full = codes.iter().filter(|c| c.contains('~')).count();
    if full != 0 && full != codes.len() {
        return Err(ApiError::bad_request(
            "tenantCodes mixes full and short tenant codes: use one format",
        ));
    }
    if let Some(profile) = q.data_profile.as_deref()
        && let DataProfileType::Other(other) = DataProfileType::from_wire(profile)
    {
        return Err(ApiError::bad_request(format!(
            "dataProfile {other:?} is not a data profile"
        )));
    }
    let world = lock(&app.world);
    if ctx.tenant != world.admin {
        return Err(ApiError::forbidden(format!(
            "tenant {} is not an administrating tenant",
            ctx.tenant
        )));
    }
    let tenants: Vec<Value> = world
        .tenants
        .values()
        .filter(|t| t.data.tenant_code != world.admin)
        .filter(|t| {
            let code = &t.data.tenant_code;
            let short = code.rsplit('~').next().unwrap_or(code);
            codes.is_empty() || codes.contains(code) || codes.contains(short)
        })
        .filter(|_| q.data_profile.as_deref().is_none_or(|p| p == "Regular"))
        .skip(start)
        .take(limit)
        .map(|t| {
            let mut v = serde_json::to_value(describe(t, &world.admin)).unwrap_or_default();
            if let Value::Object(map) = &mut v {
                map.retain(|k, _| mask.contains(k));
            }
            v
        })
        .collect();
    drop(world);
    Ok(ok(&serde_json::json!({
        "tenants": tenants,
        "limit": limit,
        "start": start,
    })))
}
