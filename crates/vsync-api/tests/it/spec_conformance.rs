//! Every schema of `spec/users-api.openapi.yaml` and
//! `spec/projects-api.openapi.yaml` has a Rust type that reads and writes
//! all of its fields under the spec's names and JSON types.
//!
//! For each schema a sample object is built with every property set (a
//! string, `true`, `7`, one-element arrays, nested objects), decoded into
//! the Rust type and encoded again: a misspelt field, a missing field or a
//! wrong JSON type (for example `accountEnabled` as bool where the spec says
//! string) changes the JSON and fails the test.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use serde_yaml::Value as Yaml;

use vsync_api::*;

const SPEC: &str = include_str!("../../spec/users-api.openapi.yaml");
const PROJECTS_SPEC: &str = include_str!("../../spec/projects-api.openapi.yaml");

/// Both specs, the users spec first.
pub fn specs() -> [Yaml; 2] {
    [
        serde_yaml::from_str(SPEC).unwrap(),
        serde_yaml::from_str(PROJECTS_SPEC).unwrap(),
    ]
}

/// The spec that defines schema `name` (the users spec for `Status`, which
/// both define alike).
fn spec_of<'a>(specs: &'a [Yaml; 2], name: &str) -> &'a Yaml {
    specs
        .iter()
        .find(|s| schemas(s).contains_key(name))
        .unwrap_or_else(|| panic!("no schema {name} in either spec"))
}

type RoundTrip = fn(&Value) -> Result<(Value, Value), String>;

fn round_trip<T>(sample: &Value) -> Result<(Value, Value), String>
where
    T: serde::de::DeserializeOwned + serde::Serialize + Default,
{
    let typed: T = serde_json::from_value(sample.clone()).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    let empty = serde_json::to_value(T::default()).map_err(|e| e.to_string())?;
    Ok((back, empty))
}

macro_rules! table {
    ($($schema:literal => $ty:ty,)+) => {
        fn table() -> Vec<(&'static str, RoundTrip)> {
            vec![$(($schema, round_trip::<$ty> as RoundTrip)),+]
        }
    };
}

table!(
    "AuthenticationRequest" => AuthenticationRequest,
    "Status" => Status,
    "TokenRequestBody" => TokenRequestBody,
    "TokenResponse" => TokenResponse,
    "UserCreationAPIResponseDTO" => UserCreationApiResponseDto,
    "admin.DeleteUserResponse" => DeleteUserResponse,
    "admin.ElementIDsDTO" => ElementIdsDto,
    "admin.PermissionResponseDTO" => PermissionResponseDto,
    "admin.PermissionsListDTO" => PermissionsListDto,
    "admin.PermissionsToUserGroupForTenantDTO" => PermissionsToUserGroupForTenantDto,
    "admin.PermissionsToUserGroupRequestDTO" => PermissionsToUserGroupRequestDto,
    "admin.PermissionsToUserGroupsRequestDTO" => PermissionsToUserGroupsRequestDto,
    "admin.SecurityAssignmentResponseDTO" => SecurityAssignmentResponseDto,
    "admin.SimpleUserDTO" => SimpleUserDto,
    "admin.TargetProjectForTenantDTO" => TargetProjectForTenantDto,
    "admin.TargetProjectForTenantsListDTO" => TargetProjectForTenantsListDto,
    "admin.TenantAssignmentsDTO" => TenantAssignmentsDto,
    "admin.UserGroupChangeDefinitionDTO" => UserGroupChangeDefinitionDto,
    "admin.UserGroupChangeDimensionFilterDTO" => UserGroupChangeDimensionFilterDto,
    "admin.UserGroupChangeFailureDTO" => UserGroupChangeFailureDto,
    "admin.UserGroupChangeFilterDTO" => UserGroupChangeFilterDto,
    "admin.UserGroupChangeMemberSelectionDTO" => UserGroupChangeMemberSelectionDto,
    "admin.UserGroupChangeResponseDTO" => UserGroupChangeResponseDto,
    "admin.UserGroupChangeSuccessDTO" => UserGroupChangeSuccessDto,
    "admin.UserGroupChangeUsersDTO" => UserGroupChangeUsersDto,
    "admin.UserGroupDeleteDTO" => UserGroupDeleteDto,
    "admin.UserGroupDeleteFailureDTO" => UserGroupDeleteFailureDto,
    "admin.UserGroupDeleteResponseDTO" => UserGroupDeleteResponseDto,
    "admin.UserGroupDeleteSuccessDTO" => UserGroupDeleteSuccessDto,
    "admin.UserGroupFiltersDTO" => UserGroupFiltersDto,
    "admin.UserGroupGetAPIResponseDTO" => UserGroupGetApiResponseDto,
    "admin.UserGroupRevertDTO" => UserGroupRevertDto,
    "admin.UserGroupSingleDeleteResponseDTO" => UserGroupSingleDeleteResponseDto,
    "admin.UserGroupsChangeDTO" => UserGroupsChangeDto,
    "admin.UserGroupsDeleteRequestDTO" => UserGroupsDeleteRequestDto,
    "admin.UserGroupsGetAPIResponseDTO" => UserGroupsGetApiResponseDto,
    "admin.UserGroupsRevertRequestDTO" => UserGroupsRevertRequestDto,
    "admin.UserGroupsUsersDTO" => UserGroupsUsersDto,
    "admin.UserGroupsUsersForTenantDTO" => UserGroupsUsersForTenantDto,
    "admin.UserSecurityAssignmentsDTO" => UserSecurityAssignmentsDto,
    "admin.UsersToUserGroupRequestDTO" => UsersToUserGroupRequestDto,
    "admin.UsersToUserGroupsRequestDTO" => UsersToUserGroupsRequestDto,
    "admin.VisibleForSelectionDTO" => VisibleForSelectionDto,
    "admin.BusinessLocationDTO" => BusinessLocationDto,
    "admin.CustomPropertyDTO" => CustomPropertyDto,
    "admin.HomeAnalysisByUserGroupDTO" => HomeAnalysisByUserGroupDto,
    "admin.TenantDetailsTraitsDTO" => TenantDetailsTraitsDto,
    "admin.TenantIndustryInfoDTO" => TenantIndustryInfoDto,
    "admin.TenantManagementAPIGetResponseDTO" => TenantManagementApiGetResponseDto,
    "admin.TenantManagementAPIListResponseDTO" => TenantManagementApiListResponseDto,
    "admin.TenantNamesFilterDTO" => TenantNamesFilterDto,
    "servicing.CommitAndPublishOperationResponseDTO" => CommitAndPublishOperationResponseDto,
    "servicing.GetProductionVersionsAPIResponseDTO" => GetProductionVersionsApiResponseDto,
    "servicing.GetProjectsAPIResponseDTO" => GetProjectsApiResponseDto,
    "servicing.ProjectDTO" => ProjectDto,
    "servicing.ProjectOperationRequestDTO" => ProjectOperationRequestDto,
    "servicing.ProjectOperationResponseDTO" => ProjectOperationResponseDto,
    "servicing.AdditionalCapabilitiesDTO" => AdditionalCapabilitiesDto,
    "servicing.AdminCapabilityConfigDTO" => AdminCapabilityConfigDto,
    "servicing.AllPermissionsAssignedForLocalTenantDTO" => AllPermissionsAssignedForLocalTenantDto,
    "servicing.AllProfileAssignedForLocalTenantDTO" => AllProfileAssignedForLocalTenantDto,
    "servicing.AllUserGroupsAssignedForLocalTenantDTO" => AllUserGroupsAssignedForLocalTenantDto,
    "servicing.AllUsersGetAPIResponseDTO" => AllUsersGetApiResponseDto,
    "servicing.AssignRevokePermissionByPermissionDTO" => AssignRevokePermissionByPermissionDto,
    "servicing.AssignRevokePermissionByTenantDTO" => AssignRevokePermissionByTenantDto,
    "servicing.AssignRevokePermissionByUserDTO" => AssignRevokePermissionByUserDto,
    "servicing.AssignRevokePermissionRequestDTO" => AssignRevokePermissionRequestDto,
    "servicing.AssignRevokePermissionsRequestDTO" => AssignRevokePermissionsRequestDto,
    "servicing.AssignRevokePermissionsResponseDTO" => AssignRevokePermissionsResponseDto,
    "servicing.CapabilitiesDTO" => CapabilitiesDto,
    "servicing.DataSecurityProfileDTO" => DataSecurityProfileDto,
    "servicing.DimensionFilterDTO" => DimensionFilterDto,
    "servicing.DynamicDimensionFilterDTO" => DynamicDimensionFilterDto,
    "servicing.DynamicPropertyMappingDTO" => DynamicPropertyMappingDto,
    "servicing.ErrorDTO" => ErrorDto,
    "servicing.FailedLocalTenantProfileAssignmentDTO" => FailedLocalTenantProfileAssignmentDto,
    "servicing.FailedLocalTenantProfileRevokeDTO" => FailedLocalTenantProfileRevokeDto,
    "servicing.GetPermissionsAPIResponseDTO" => GetPermissionsApiResponseDto,
    "servicing.InheritedAccessConfigDTO" => InheritedAccessConfigDto,
    "servicing.InheritedReferenceMemberFilterConfigDTO" => InheritedReferenceMemberFilterConfigDto,
    "servicing.LastLoginDTO" => LastLoginDto,
    "servicing.LocalTenantProfileAssignmentRequestDTO" => LocalTenantProfileAssignmentRequestDto,
    "servicing.LocalTenantProfileAssignmentResponseDTO" => LocalTenantProfileAssignmentResponseDto,
    "servicing.LocalTenantProfileRevokeRequestDTO" => LocalTenantProfileRevokeRequestDto,
    "servicing.LocalTenantProfileRevokeResponseDTO" => LocalTenantProfileRevokeResponseDto,
    "servicing.MemberFilterConfigDTO" => MemberFilterConfigDto,
    "servicing.MemberSelectionDTO" => MemberSelectionDto,
    "servicing.PermissionAssignedByTenantDTO" => PermissionAssignedByTenantDto,
    "servicing.PermissionAssignedForLocalTenantDTO" => PermissionAssignedForLocalTenantDto,
    "servicing.PermissionAssignedUserDTO" => PermissionAssignedUserDto,
    "servicing.PermissionAssignedUsersDTO" => PermissionAssignedUsersDto,
    "servicing.PermissionBulkOperationResponseDTO" => PermissionBulkOperationResponseDto,
    "servicing.PermissionDTO" => PermissionDto,
    "servicing.PermissionErrorDTO" => PermissionErrorDto,
    "servicing.PermissionFailureDTO" => PermissionFailureDto,
    "servicing.PermissionSuccessDTO" => PermissionSuccessDto,
    "servicing.ProfileAssignedForLocalTenantDTO" => ProfileAssignedForLocalTenantDto,
    "servicing.ProfileAssignmentDTO" => ProfileAssignmentDto,
    "servicing.ProfileGetAPIResponseDTO" => ProfileGetApiResponseDto,
    "servicing.ProfilesGetAPIResponseDTO" => ProfilesGetApiResponseDto,
    "servicing.PropertyAccessConfigDTO" => PropertyAccessConfigDto,
    "servicing.PropertySetConfigDTO" => PropertySetConfigDto,
    "servicing.RoleModulesConfigDTO" => RoleModulesConfigDto,
    "servicing.ShareableDataAccessSet" => ShareableDataAccessSet,
    "servicing.SourceSecurityConfigDTO" => SourceSecurityConfigDto,
    "servicing.SourceSecurityProfileDTO" => SourceSecurityProfileDto,
    "servicing.StaticDimensionFilterDTO" => StaticDimensionFilterDto,
    "servicing.SuccessfulLocalTenantProfileAssignmentDTO" => SuccessfulLocalTenantProfileAssignmentDto,
    "servicing.TargetSecurityConfigDTO" => TargetSecurityConfigDto,
    "servicing.TargetsForAllDataCategoriesDTO" => TargetsForAllDataCategoriesDto,
    "servicing.TargetsForDataCategoryDTO" => TargetsForDataCategoryDto,
    "servicing.UserCreationAPIRequestDTO" => UserCreationApiRequestDto,
    "servicing.UserGetAPIResponseDTO" => UserGetApiResponseDto,
    "servicing.UserGroupAssignedForLocalTenantDTO" => UserGroupAssignedForLocalTenantDto,
    "servicing.UserIdErrorDTO" => UserIdErrorDto,
    "servicing.UserPropertyDTO" => UserPropertyDto,
    "servicing.UserUpdateAPIRequestDTO" => UserUpdateApiRequestDto,
    "servicing.UserV3ApiRequestDTO" => UserV3ApiRequestDto,
    "servicing.UserV3ApiResponseDTO" => UserV3ApiResponseDto,
    "servicing.UsersAPIErrorMessageDTO" => UsersApiErrorMessageDto,
    "servicing.UsersAPIFailureDTO" => UsersApiFailureDto,
    "servicing.UsersAPIResponseDTO" => UsersApiResponseDto,
    "servicing.UsersAPISuccessDTO" => UsersApiSuccessDto,
    "servicing.UsersCreationAPIRequestDTO" => UsersCreationApiRequestDto,
    "servicing.UsersDeleteAPIRequestDTO" => UsersDeleteApiRequestDto,
    "servicing.UsersUpdateAPIRequestDTO" => UsersUpdateApiRequestDto,
    "servicing.UsersUpdateAPIUserDTO" => UsersUpdateApiUserDto,
);

pub fn schemas(spec: &Yaml) -> &serde_yaml::Mapping {
    spec["components"]["schemas"]
        .as_mapping()
        .expect("components.schemas is a mapping")
}

fn ref_name(node: &Yaml) -> Option<&str> {
    if let Some(r) = node.get("$ref").and_then(Yaml::as_str) {
        return r.rsplit('/').next();
    }
    let all_of = node.get("allOf")?.as_sequence()?;
    match all_of.as_slice() {
        [only] => ref_name(only),
        _ => None,
    }
}

/// A value of the schema `node` with every property present.
fn sample(spec: &Yaml, node: &Yaml, field: &str, depth: usize) -> Value {
    assert!(depth < 64, "schemas nest too deep at {field}");
    if let Some(name) = ref_name(node) {
        return sample(spec, &schemas(spec)[name], field, depth + 1);
    }
    if let Some(values) = node.get("enum").and_then(Yaml::as_sequence) {
        return json!(values[0].as_str().expect("string enum"));
    }
    match node.get("type").and_then(Yaml::as_str) {
        Some("string") => json!(format!("{field}-value")),
        Some("boolean") => json!(true),
        Some("integer") => json!(7),
        Some("array") => json!([sample(spec, &node["items"], field, depth + 1)]),
        Some("object") | None => {
            let mut out = Map::new();
            if let Some(props) = node.get("properties").and_then(Yaml::as_mapping) {
                for (key, prop) in props {
                    let key = key.as_str().expect("property names are strings");
                    out.insert(key.to_owned(), sample(spec, prop, key, depth + 1));
                }
            }
            Value::Object(out)
        }
        Some(other) => panic!("unhandled type {other} at {field}"),
    }
}

#[test]
fn every_schema_has_a_type() {
    let specs = specs();
    let in_spec: BTreeSet<&str> = specs
        .iter()
        .flat_map(|s| schemas(s).keys().map(|k| k.as_str().unwrap()))
        .collect();
    let in_table: BTreeSet<&str> = table().iter().map(|(name, _)| *name).collect();
    assert_eq!(in_spec, in_table);
}

#[test]
fn schemas_in_both_specs_are_the_same() {
    let [users, projects] = specs();
    for (name, schema) in schemas(&projects) {
        if let Some(other) = schemas(&users).get(name) {
            assert_eq!(schema, other, "{name:?} differs between the specs");
        }
    }
}

#[test]
fn every_type_round_trips_a_full_sample_of_its_schema() {
    let specs = specs();
    let mut failures = Vec::new();
    for (name, check) in table() {
        let spec = spec_of(&specs, name);
        let full = sample(spec, &schemas(spec)[name], name, 0);
        match check(&full) {
            Ok((back, empty)) => {
                if back != full {
                    failures.push(format!("{name}: wrote {back} for {full}"));
                }
                if empty != json!({}) {
                    failures.push(format!("{name}: default writes {empty}, expected {{}}"));
                }
            }
            Err(err) => failures.push(format!("{name}: {err}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn account_enabled_types_follow_the_spec() {
    let [spec, _] = specs();
    for (name, schema) in schemas(&spec) {
        let Some(field) = schema
            .get("properties")
            .and_then(|p| p.get("accountEnabled"))
        else {
            continue;
        };
        let ty = field["type"].as_str().unwrap();
        let name = name.as_str().unwrap();
        let expected = if name == "servicing.UserGetAPIResponseDTO" {
            "boolean"
        } else {
            "string"
        };
        assert_eq!(ty, expected, "{name}.accountEnabled");
    }
}
