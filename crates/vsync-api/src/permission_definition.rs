//! The data security, capability and content settings inside a permission.
//!
//! Only the simulator's permission store and round-trips need these; user
//! sync reads the permission ID and name.

use crate::{AccessLevel, ValidityStatus};
use serde::{Deserialize, Serialize};

/// The capabilities assigned in the permission.
///
/// Schema: `servicing.AdminCapabilityConfigDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminCapabilityConfigDto {
    /// If `true`, the permission has all possible capabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_capabilities_access: Option<bool>,
    /// A list of the capabilities assigned in the permission. Not required if `allCapabilitiesAccess` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<String>>,
}

/// An entry of [`PermissionDto::data_security_profiles`](crate::PermissionDto::data_security_profiles).
///
/// Schema: `servicing.DataSecurityProfileDTO`.
///
/// That field: a list of objects representing the data security for each item in a permission.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSecurityProfileDto {
    /// The unique ID of the analytic object assigned data security in this permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytic_object_id: Option<String>,
    /// A list of objects representing the data access for an analytic object’s properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_set_config: Option<PropertySetConfigDto>,
    /// If `true`, the permission grants access to the entire population.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_data_point_access: Option<bool>,
    /// Custom filters that define population access for an item in the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_filter_configs: Option<Vec<MemberFilterConfigDto>>,
    /// The events and related objects inherited from the analytic object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_access_configs: Option<Vec<InheritedAccessConfigDto>>,
    /// Configures the analytic object to inherit population access filters from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_reference_member_filter_config: Option<InheritedReferenceMemberFilterConfigDto>,
    /// The analytic object's validity status. Valid values: Valid, NoData, NotFound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytic_object_status: Option<ValidityStatus>,
}

/// An entry of [`MemberFilterConfigDto::dimension_filters`](crate::MemberFilterConfigDto::dimension_filters).
///
/// Schema: `servicing.DimensionFilterDTO`.
///
/// That field: a list of objects representing the custom filters that define population access for the item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DimensionFilterDto {
    /// See [`StaticDimensionFilterDto`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub static_dimension_filter: Option<StaticDimensionFilterDto>,
    /// See [`DynamicDimensionFilterDto`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_dimension_filter: Option<DynamicDimensionFilterDto>,
}

/// The value of [`DimensionFilterDto::dynamic_dimension_filter`](crate::DimensionFilterDto::dynamic_dimension_filter).
///
/// Schema: `servicing.DynamicDimensionFilterDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DynamicDimensionFilterDto {
    /// The dimension ID associated with the filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension_id: Option<String>,
    /// The subject reference path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_reference_path: Option<Vec<String>>,
    /// The properties assigned population access in the dynamic filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_property_mappings: Option<Vec<DynamicPropertyMappingDto>>,
    /// The dimension's validity status. Valid values: Valid, NoData, NotFound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension_status: Option<ValidityStatus>,
}

/// An entry of [`DynamicDimensionFilterDto::dynamic_property_mappings`](crate::DynamicDimensionFilterDto::dynamic_property_mappings).
///
/// Schema: `servicing.DynamicPropertyMappingDTO`.
///
/// That field: the properties assigned population access in the dynamic filter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DynamicPropertyMappingDto {
    /// The unique ID of the property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hierarchy_property_id: Option<String>,
    /// The user property that you want to link the name property or organization head to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_property: Option<UserPropertyDto>,
    /// The property's validity status. Valid values: `Valid`, `NotFound`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hierarchy_property_status: Option<ValidityStatus>,
}

/// An entry of [`DataSecurityProfileDto::inherited_access_configs`](crate::DataSecurityProfileDto::inherited_access_configs).
///
/// Schema: `servicing.InheritedAccessConfigDTO`.
///
/// That field: the events and related objects inherited from the analytic object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InheritedAccessConfigDto {
    /// The analytic object ID associated with the inherited access configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytic_object_id: Option<String>,
    /// The flag for removing access to the inherited analytic object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_access: Option<bool>,
    /// Custom filters that define population access for an inherited analytic object in the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_filter_configs: Option<Vec<MemberFilterConfigDto>>,
}

/// Configures the analytic object to inherit population access filters from.
///
/// Schema: `servicing.InheritedReferenceMemberFilterConfigDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InheritedReferenceMemberFilterConfigDto {
    /// The unique ID of the analytic object that the source analytic object should inherit filters from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_analytic_object_id: Option<String>,
    /// The optional object name of a binding (strong) reference to the target analytic object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytic_object_reference: Option<String>,
}

/// An entry of [`DataSecurityProfileDto::member_filter_configs`](crate::DataSecurityProfileDto::member_filter_configs).
///
/// Schema: `servicing.MemberFilterConfigDTO`.
///
/// That field: custom filters that define population access for an item in the permission.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberFilterConfigDto {
    /// A list of objects representing the custom filters that define population access for the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension_filters: Option<Vec<DimensionFilterDto>>,
}

/// An entry of [`StaticDimensionFilterDto::member_selections`](crate::StaticDimensionFilterDto::member_selections).
///
/// Schema: `servicing.MemberSelectionDTO`.
///
/// That field: a list of objects representing the dimension members assigned population access in the member filter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberSelectionDto {
    /// The member name path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_path: Option<Vec<String>>,
    /// If `true`, population access is granted for all members except this member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<bool>,
    /// The dimension member's validity status. Valid values: Valid, NotFound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension_member_status: Option<ValidityStatus>,
}

/// An entry of [`PropertySetConfigDto::property_access_configs`](crate::PropertySetConfigDto::property_access_configs).
///
/// Schema: `servicing.PropertyAccessConfigDTO`.
///
/// That field: the data access for a property.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyAccessConfigDto {
    /// The property ID associated with the property access configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_id: Option<String>,
    /// The analytic object ID of the property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytic_object_id: Option<String>,
    /// The path to the analytic object reference. Empty if the configuration is not a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytic_object_reference_paths: Option<Vec<String>>,
    /// The access level of the property. Valid values are: `Aggregate`, `Detailed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_level: Option<AccessLevel>,
    /// The property's validity status. Valid values: `Valid`, `NoData`, `NotFound`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_status: Option<ValidityStatus>,
}

/// A list of objects representing the data access for an analytic object’s properties.
///
/// Schema: `servicing.PropertySetConfigDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertySetConfigDto {
    /// The data access for a property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_access_configs: Option<Vec<PropertyAccessConfigDto>>,
    /// A shareable data access set. Shareable data access sets may be linked in multiple permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shareable_data_access_set: Option<ShareableDataAccessSet>,
}

/// A list of content packages assigned to the permission.
///
/// Schema: `servicing.RoleModulesConfigDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleModulesConfigDto {
    /// The unique IDs of the content packages assigned to the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_package_ids: Option<Vec<String>>,
}

/// A shareable data access set. Shareable data access sets may be linked in multiple permissions.
///
/// Schema: `servicing.ShareableDataAccessSet`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareableDataAccessSet {
    /// The unique identifier of the shareable data access set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_access_set_id: Option<String>,
}

/// The sources assigned in the permission.
///
/// Schema: `servicing.SourceSecurityConfigDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceSecurityConfigDto {
    /// The sources this permission grants access to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_security_profiles: Option<Vec<SourceSecurityProfileDto>>,
    /// If `true`, the permission grants the ability to create, read, update, and delete all sources. Default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_write_access_to_all_sources: Option<bool>,
}

/// An entry of [`SourceSecurityConfigDto::source_security_profiles`](crate::SourceSecurityConfigDto::source_security_profiles).
///
/// Schema: `servicing.SourceSecurityProfileDTO`.
///
/// That field: the sources this permission grants access to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceSecurityProfileDto {
    /// The unique identifier of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
}

/// The value of [`DimensionFilterDto::static_dimension_filter`](crate::DimensionFilterDto::static_dimension_filter).
///
/// Schema: `servicing.StaticDimensionFilterDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaticDimensionFilterDto {
    /// The dimension ID associated with the filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension_id: Option<String>,
    /// The subject reference path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_reference_path: Option<Vec<String>>,
    /// A list of objects representing the dimension members assigned population access in the member filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_selections: Option<Vec<MemberSelectionDto>>,
    /// The dimension's validity status. Valid values: Valid, NoData, NotFound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension_status: Option<ValidityStatus>,
}

/// A list of data categories and their targets assigned in the permission.
///
/// Schema: `servicing.TargetSecurityConfigDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetSecurityConfigDto {
    /// The data security for targets in all data categories in the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_security_for_all: Option<TargetsForAllDataCategoriesDto>,
    /// The data security for targets in specific data categories in the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_security_profiles: Option<Vec<TargetsForDataCategoryDto>>,
}

/// The data security for targets in all data categories in the permission.
///
/// Schema: `servicing.TargetsForAllDataCategoriesDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetsForAllDataCategoriesDto {
    /// If `true`, the permission grants access to all targets in all data categories. Default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_to_all_targets: Option<bool>,
    /// Distinct targets to grant access to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ids: Option<Vec<String>>,
}

/// An entry of [`TargetSecurityConfigDto::target_security_profiles`](crate::TargetSecurityConfigDto::target_security_profiles).
///
/// Schema: `servicing.TargetsForDataCategoryDTO`.
///
/// That field: the data security for targets in specific data categories in the permission.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetsForDataCategoryDto {
    /// The unique identifier of the data category for which the target access definition applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_category_id: Option<String>,
    /// If `true`, the permission grants access to all targets in all data categories. Default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_to_all_targets: Option<bool>,
    /// Distinct targets to grant access to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ids: Option<Vec<String>>,
}

/// The user property that you want to link the name property or organization head to.
///
/// Schema: `servicing.UserPropertyDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPropertyDto {
    /// The name property to map to in the dynamic filter. Valid values are one of `username`, `email`, `employeeId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
