//! String enums of the spec, each with an `Other` variant that keeps values
//! Visier adds later, so decoding never fails on a new value and the value
//! round-trips unchanged.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a string enum with known variants and an `Other(String)` fallback.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value the spec does not list, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every value the spec lists, in the spec's order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(other) => other,
                }
            }

            /// Maps a wire value to a variant; unknown values become `Other`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok(Self::from_wire(&value))
            }
        }
    };
}

string_enum! {
    /// The outcome of an assignment for one tenant
    /// (`admin.TenantAssignmentsDTO.status`,
    /// `servicing.AssignRevokePermissionByTenantDTO.status`, and the
    /// untyped `admin.PermissionsToUserGroupForTenantDTO.status`).
    #[derive(Default)]
    AssignmentStatus {
        /// The outcome is not known.
        #[default]
        Unknown => "Unknown",
        /// The assignment or removal succeeded.
        Succeed => "Succeed",
        /// The assignment or removal failed.
        Failed => "Failed",
    }
}

string_enum! {
    /// The access level of a property in a permission
    /// (`servicing.PropertyAccessConfigDTO.accessLevel`).
    AccessLevel {
        /// No access.
        None => "None",
        /// The property can be used in aggregations only.
        Aggregate => "Aggregate",
        /// The property can be seen at the level of individual records.
        Detailed => "Detailed",
    }
}

string_enum! {
    /// The validity status of an object referenced by a permission
    /// (`analyticObjectStatus`, `propertyStatus`, `dimensionStatus`,
    /// `dimensionMemberStatus`, `hierarchyPropertyStatus`).
    #[derive(Default)]
    ValidityStatus {
        /// No status was computed.
        #[default]
        Unset => "Unset",
        /// The object exists and has loaded data.
        Valid => "Valid",
        /// The object exists but has no loaded data.
        NoData => "NoData",
        /// The object does not exist.
        NotFound => "NotFound",
    }
}

string_enum! {
    /// A feature in which a user group can be seen and selected
    /// (`admin.VisibleForSelectionDTO.features`).
    SelectionFeature {
        /// Analytics features, such as sharing an analysis.
        AnalyticsFeatures => "AnalyticsFeatures",
        /// Studio features.
        StudioFeatures => "StudioFeatures",
    }
}

string_enum! {
    /// How a user came to hold a permission
    /// (`servicing.PermissionAssignedUserDTO.permissionFrom`; a plain string
    /// in the spec whose values its description lists).
    PermissionFrom {
        /// The permission was assigned to the user directly.
        User => "User",
        /// The permission was assigned through a user group.
        UserGroup => "UserGroup",
        /// The permission was assigned directly and through a user group.
        UserAndUserGroup => "UserAndUserGroup",
    }
}

string_enum! {
    /// The OAuth 2.0 grant type (`TokenRequestBody.grant_type`; a plain
    /// string in the spec whose values its description lists, plus the
    /// `refresh_token` grant the official SDK refreshes with). Any other
    /// value, `client_credentials` included, is `Other`: no public Visier
    /// source documents it.
    GrantType {
        /// The authorization code grant.
        AuthorizationCode => "authorization_code",
        /// The resource owner password grant.
        Password => "password",
        /// The refresh token grant.
        RefreshToken => "refresh_token",
        /// The SAML 2.0 bearer assertion grant.
        Saml2Bearer => "urn:ietf:params:oauth:grant-type:saml2-bearer",
        /// The Visier ASID token grant.
        AsidToken => "urn:visier:params:oauth:grant-type:asid-token",
    }
}

string_enum! {
    /// How much detail `GET /v2/admin/user-groups` returns (the `with`
    /// query parameter).
    UserGroupDetail {
        /// Include the user group's permissions.
        Permissions => "permissions",
        /// Include the users in the user group.
        Users => "users",
        /// Include all available information.
        Details => "details",
    }
}

string_enum! {
    /// A value of the `Prefer` header that controls locking when
    /// `NonVersioned: true`.
    NvLock {
        /// Run calls sequentially (`nvLock=global`).
        Global => "nvLock=global",
        /// Allow parallel calls; a conflicting call answers 409
        /// (`nvLock=artifact`).
        Artifact => "nvLock=artifact",
        /// Disable the global lock (`nvLock=none`).
        None => "nvLock=none",
    }
}

string_enum! {
    /// What the requesting user may do with a project
    /// (`servicing.ProjectDTO.capabilities`).
    ProjectCapability {
        /// Shared to the user with `View` access.
        CanRead => "canRead",
        /// Shared to the user with `Edit` access.
        CanWrite => "canWrite",
        /// Shared to the user with `Share` access.
        CanShare => "canShare",
        /// The user owns the project.
        Owner => "owner",
    }
}

string_enum! {
    /// The type of a project (`servicing.ProjectDTO.projectType`).
    ProjectType {
        /// A standard draft project.
        Standard => "Standard",
        /// A prototype project.
        Prototype => "Prototype",
        /// The type is not known.
        UnknownType => "UnknownType",
    }
}

string_enum! {
    /// An operation on a draft project
    /// (`servicing.ProjectOperationRequestDTO.operation`).
    ProjectOperation {
        /// No operation.
        Unknown => "unknown",
        /// Commit the requesting user's changes and publish the project to
        /// production: one new production version.
        CommitAndPublish => "commitAndPublish",
    }
}

string_enum! {
    /// A stage of draft projects to list (the `with` query parameter of
    /// `GET /v1/admin/projects`; a plain string in the spec whose values its
    /// description lists).
    ProjectStage {
        /// Open projects, where changes are made (the default).
        Open => "Open",
        /// Projects in the approval stage; they cannot be changed.
        Approval => "Approval",
        /// Rejected projects; they cannot be committed.
        Rejected => "Rejected",
        /// Archived projects; they cannot be committed.
        Archived => "Archived",
    }
}

string_enum! {
    /// A tenant's type (`admin.TenantDetailsTraitsDTO.tenantType`).
    TenantType {
        /// Visier's root administrating tenant.
        RootAdmin => "ROOT_ADMIN",
        /// A root tenant.
        Root => "ROOT",
        /// A blueprint tenant.
        Blueprint => "BLUEPRINT",
        /// An analytic tenant of an enterprise customer, managed by Visier.
        Enterprise => "ENTERPRISE",
        /// The root of an enterprise.
        EnterpriseRoot => "ENTERPRISE_ROOT",
        /// A benchmark tenant.
        Benchmark => "BENCHMARK",
        /// An administrating tenant managed by a partner.
        Partner => "PARTNER",
        /// An analytic tenant managed by a partner for its customer.
        PartnerCustomer => "PARTNER_CUSTOMER",
        /// A small-business blueprint.
        SmbBp => "SMB_BP",
        /// A small-business customer.
        SmbCustomer => "SMB_CUSTOMER",
        /// The type is not known.
        Unknown => "UNKNOWN",
    }
}

string_enum! {
    /// How a tenant's data is used
    /// (`admin.TenantDetailsTraitsDTO.dataProfileType`).
    DataProfileType {
        /// Data for business decisions.
        Regular => "Regular",
        /// Data for development, staging and testing.
        Integration => "Integration",
        /// Data for demonstrations and training.
        Demo => "Demo",
        /// A consolidated analytics tenant.
        Cat => "Cat",
        /// Data for testing.
        Test => "Test",
        /// The profile is not known.
        DataProfileUnknown => "DataProfileUnknown",
        /// A Product Intelligence tenant.
        ProductIntelligence => "ProductIntelligence",
    }
}

string_enum! {
    /// The classification system of a tenant's industry code
    /// (`admin.TenantIndustryInfoDTO.industryClassificationType`).
    IndustryClassificationType {
        /// The system is not known.
        UnknownClassification => "UNKNOWN_CLASSIFICATION",
        /// Canada, Mexico and the United States.
        Naics => "NAICS",
        /// The European Union.
        Nace => "NACE",
    }
}
