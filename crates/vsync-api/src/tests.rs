//! Wire-shape tests: the JSON these types read and write.

use serde_json::{Value, json};

use crate::*;

fn round_trip<T>(value: &Value) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: T = serde_json::from_value(value.clone()).expect("decodes");
    let back = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(&back, value, "round trip changed the JSON");
    typed
}

#[test]
fn account_enabled_is_a_string_in_bulk_success_and_creation() {
    let success: UsersApiSuccessDto = round_trip(&json!({
        "userId": "u1",
        "username": "ann@example.com",
        "displayName": "Ann",
        "employeeId": "E1",
        "accountEnabled": "true",
        "email": "ann@example.com"
    }));
    assert_eq!(success.account_enabled.as_deref(), Some("true"));

    let request = UserCreationApiRequestDto {
        username: Some("ann@example.com".into()),
        account_enabled: Some(bool_str(false)),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"username": "ann@example.com", "accountEnabled": "false"})
    );

    let created: UserCreationApiResponseDto =
        round_trip(&json!({"userId": "u2", "accountEnabled": "false"}));
    assert_eq!(
        created.account_enabled.as_deref().and_then(parse_bool_str),
        Some(false)
    );

    // A boolean where the spec says string is rejected, as Visier's SDK does.
    assert!(serde_json::from_value::<UsersApiSuccessDto>(json!({"accountEnabled": true})).is_err());
}

#[test]
fn account_enabled_is_a_bool_in_user_get() {
    let user: UserGetApiResponseDto = round_trip(&json!({
        "userId": "u1",
        "username": "ann@example.com",
        "accountEnabled": true,
        "lastLogin": {"timestamp": "1700000000000"},
        "userGroups": {"assignedUserGroups": [{"userGroupId": "g1", "displayName": "Sales"}]}
    }));
    assert_eq!(user.account_enabled, Some(true));
    assert!(
        serde_json::from_value::<UserGetApiResponseDto>(json!({"accountEnabled": "true"})).is_err()
    );
}

#[test]
fn bulk_failures_use_user_name_and_successes_username() {
    let response: UsersApiResponseDto = round_trip(&json!({
        "successes": [{"userId": "u1", "username": "ann@example.com"}],
        "failures": [{
            "userId": "u2",
            "userName": "bob@example.com",
            "displayName": "Bob",
            "error": {"message": "duplicate", "rci": "RCI-42"}
        }]
    }));
    let failure = &response.failures.as_ref().unwrap()[0];
    assert_eq!(failure.user_name.as_deref(), Some("bob@example.com"));
    assert_eq!(
        failure.error.as_ref().unwrap().rci.as_deref(),
        Some("RCI-42")
    );
    assert_eq!(
        response.successes.as_ref().unwrap()[0].username.as_deref(),
        Some("ann@example.com")
    );
    // `username` on a failure is not the wire name: it is ignored, not mapped.
    let wrong: UsersApiFailureDto = serde_json::from_value(json!({"username": "x"})).unwrap();
    assert_eq!(wrong.user_name, None);
}

#[test]
fn permissions_ids_keeps_its_plural_spelling() {
    let request: PermissionsToUserGroupsRequestDto = round_trip(&json!({
        "userGroups": [{"userGroupId": "g1", "permissionsIds": ["p1", "p2"]}]
    }));
    assert_eq!(
        request.user_groups.unwrap()[0].permissions_ids.as_deref(),
        Some(&["p1".to_owned(), "p2".to_owned()][..])
    );
}

#[test]
fn token_types_use_snake_case() {
    let token: TokenResponse = round_trip(&json!({
        "access_token": "a",
        "refresh_token": "r",
        "id_token": "i",
        "token_type": "Bearer",
        "expires_in": 3600
    }));
    assert_eq!(token.expires_in, Some(3600));

    let body: TokenRequestBody = round_trip(&json!({
        "grant_type": "refresh_token",
        "client_id": "c",
        "code": "None"
    }));
    assert_eq!(body.grant_type, Some(GrantType::RefreshToken));
    // A grant type the spec does not list is kept as it came, not given a meaning.
    let body: TokenRequestBody = round_trip(&json!({ "grant_type": "client_credentials" }));
    assert_eq!(
        body.grant_type,
        Some(GrantType::Other("client_credentials".into()))
    );
}

#[test]
fn unknown_fields_are_accepted() {
    let status: Status = serde_json::from_value(json!({
        "localizedMessage": "nope",
        "code": "Forbidden",
        "rci": "R1",
        "userError": true,
        "somethingNew": {"nested": [1, 2, 3]}
    }))
    .unwrap();
    assert_eq!(status.rci.as_deref(), Some("R1"));
    assert_eq!(status.user_error, Some(true));

    let group: UserGroupChangeDefinitionDto =
        serde_json::from_value(json!({"userGroupId": "g1", "futureField": 1})).unwrap();
    assert_eq!(group.user_group_id.as_deref(), Some("g1"));
}

#[test]
fn permission_keeps_unknown_detail_fields() {
    let permission: PermissionDto = round_trip(&json!({
        "permissionId": "p1",
        "displayName": "Diversity Access",
        "description": "d",
        "correlationId": "perm-1",
        "adminCapabilityConfig": {"allCapabilitiesAccess": false, "capabilities": ["x"]},
        "dataSecurityProfiles": [{
            "analyticObjectId": "Employee",
            "allDataPointAccess": false,
            "analyticObjectStatus": "Valid",
            "propertySetConfig": {"propertyAccessConfigs": [
                {"propertyId": "Employee.Age", "accessLevel": "Detailed", "propertyStatus": "SomethingNew"}
            ]}
        }],
        "newDetail": {"a": [true]}
    }));
    assert_eq!(
        permission.extra.get("newDetail"),
        Some(&json!({"a": [true]}))
    );
    let profile = &permission.data_security_profiles.as_ref().unwrap()[0];
    let property = &profile
        .property_set_config
        .as_ref()
        .unwrap()
        .property_access_configs
        .as_ref()
        .unwrap()[0];
    assert_eq!(property.access_level, Some(AccessLevel::Detailed));
    assert_eq!(
        property.property_status,
        Some(ValidityStatus::Other("SomethingNew".into()))
    );
}

#[test]
fn enums_fall_back_to_other_and_round_trip() {
    let tenant: TenantAssignmentsDto =
        round_trip(&json!({"tenantCode": "T1", "status": "Succeed"}));
    assert_eq!(tenant.status, Some(AssignmentStatus::Succeed));
    let tenant: TenantAssignmentsDto = round_trip(&json!({"status": "PartiallySucceeded"}));
    assert_eq!(
        tenant.status,
        Some(AssignmentStatus::Other("PartiallySucceeded".into()))
    );
    assert_eq!(UserGroupDetail::Details.as_str(), "details");
    assert_eq!(
        "users".parse::<UserGroupDetail>().unwrap(),
        UserGroupDetail::Users
    );
}

#[test]
fn user_group_v2_definition_round_trips() {
    let change: UserGroupsChangeDto = round_trip(&json!({
        "userGroups": [{
            "displayName": "Sales",
            "description": "All of sales",
            "correlationId": "ug-sales",
            "permissionIds": {"ids": ["p1"]},
            "users": {
                "includeAllUsers": false,
                "manuallyIncludedIds": {"ids": ["u1", "u2"]},
                "manuallyExcludedIds": {"ids": []},
                "dynamicFilterDefinition": {"filters": [{
                    "analyticObjectId": "Employee",
                    "dimensionFilters": [{
                        "dimensionId": "Location",
                        "memberSelections": [{"isExcluded": false, "namePath": ["North America", "US"]}]
                    }]
                }]}
            },
            "visibleForSelection": {"enabled": true, "features": ["AnalyticsFeatures", "NewFeature"]}
        }]
    }));
    let group = &change.user_groups.as_ref().unwrap()[0];
    // An empty list and an omitted list stay distinct.
    assert_eq!(
        group.users.as_ref().unwrap().manually_excluded_ids,
        Some(ElementIdsDto { ids: Some(vec![]) })
    );
    let features = group
        .visible_for_selection
        .as_ref()
        .unwrap()
        .features
        .as_ref()
        .unwrap();
    assert_eq!(features[1], SelectionFeature::Other("NewFeature".into()));
}

#[test]
fn v3_upsert_omits_unset_lists() {
    let request = UserV3ApiRequestDto {
        display_name: Some("Ann".into()),
        account_enabled: Some(bool_str(true)),
        user_group_ids: Some(vec![]),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"displayName": "Ann", "accountEnabled": "true", "userGroupIds": []})
    );
}

#[test]
fn empty_objects_decode() {
    let _: DeleteUserResponse = round_trip(&json!({}));
    let _: UserGroupSingleDeleteResponseDto = round_trip(&json!({}));
    let status: Status = serde_json::from_str("{}").unwrap();
    assert_eq!(status, Status::default());
}

#[test]
fn authentication_request_is_a_form() {
    let form = AuthenticationRequest {
        username: Some("ann".into()),
        password: Some("pw".into()),
        vanity_name: Some("acme".into()),
    };
    let value = serde_json::to_value(&form).unwrap();
    assert_eq!(
        value,
        json!({"username": "ann", "password": "pw", "vanityName": "acme"})
    );
}

#[test]
fn token_request_form_keeps_sdk_none_strings() {
    // Visier's SDK sends unused fields as the literal string `None`.
    let form = "grant_type=password&client_id=cid&scope=read&username=ann&password=pw&code=None&refresh_token=None";
    let body: TokenRequestBody = serde_urlencoded::from_str(form).unwrap();
    assert_eq!(body.grant_type, Some(GrantType::Password));
    assert_eq!(body.username.as_deref(), Some("ann"));
    assert_eq!(body.code.as_deref(), Some("None"));
    assert_eq!(body.refresh_token.as_deref(), Some("None"));

    let encoded = serde_urlencoded::to_string(TokenRequestBody {
        grant_type: Some(GrantType::RefreshToken),
        client_id: Some("cid".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(encoded, "grant_type=refresh_token&client_id=cid");
}

#[test]
fn asid_login_form_decodes_with_and_without_vanity_name() {
    let login: AuthenticationRequest =
        serde_urlencoded::from_str("username=ann%40x.io&password=p%26w").unwrap();
    assert_eq!(login.username.as_deref(), Some("ann@x.io"));
    assert_eq!(login.password.as_deref(), Some("p&w"));
    assert_eq!(login.vanity_name, None);
    let login: AuthenticationRequest =
        serde_urlencoded::from_str("username=a&password=b&vanityName=acme").unwrap();
    assert_eq!(login.vanity_name.as_deref(), Some("acme"));
}

#[test]
fn query_strings_use_wire_names() {
    let query = query::UserGroupsV2Query {
        with: Some(UserGroupDetail::Users),
        limit: Some(limits::MAX_GROUPS_PAGE_V2),
        start: Some(0),
        correlation_ids: Some(query::join_correlation_ids(["ug-1", "ug-2"])),
        ..Default::default()
    };
    let encoded = serde_urlencoded::to_string(&query).unwrap();
    assert_eq!(
        encoded,
        "with=users&limit=1000&start=0&correlationIds=ug-1%2Cug-2"
    );
    assert_eq!(
        serde_urlencoded::from_str::<query::UserGroupsV2Query>(&encoded).unwrap(),
        query
    );

    let users: query::UsersV1Query = serde_urlencoded::from_str(
        "assignedUserGroups=true&limit=1000&start=2000&tenantCode=WFF_j1",
    )
    .unwrap();
    assert_eq!(users.assigned_user_groups, Some(true));
    assert_eq!(users.limit, Some(1000));
    assert_eq!(users.start, Some(2000));
    assert_eq!(users.tenant_code.as_deref(), Some("WFF_j1"));
    assert_eq!(
        serde_urlencoded::from_str::<query::UsersV1Query>("").unwrap(),
        query::UsersV1Query::default()
    );
}

#[test]
fn element_ids_wrap_and_unwrap() {
    let ids = ElementIdsDto::new(["u1", "u2"]);
    assert_eq!(
        serde_json::to_value(&ids).unwrap(),
        json!({"ids": ["u1", "u2"]})
    );
    assert_eq!(ids.as_slice(), ["u1", "u2"]);
    assert_eq!(
        serde_json::to_value(ElementIdsDto::new(Vec::<String>::new())).unwrap(),
        json!({"ids": []})
    );
    assert!(ElementIdsDto::default().as_slice().is_empty());
}
