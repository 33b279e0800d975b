//! Newtype identifiers, one per kind of Visier object.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an identifier as the API returned it.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The identifier as the API spells it.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the identifier.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// The ID Visier gives a user (`userId`).
    UserId
);
id_type!(
    /// The ID of a user group (`userGroupId`).
    UserGroupId
);
id_type!(
    /// The ID of a permission (`permissionId`).
    PermissionId
);
id_type!(
    /// The ID of a profile (`profileId`).
    ProfileId
);
id_type!(
    /// The ID of a draft project (`ProjectDTO.id`, the `ProjectID` header).
    ProjectId
);
id_type!(
    /// The code of an analytic or administrating tenant (`tenantCode`, `TargetTenantID`).
    TenantCode
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialise_as_plain_strings() {
        let id = UserId::new("u-1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"u-1\"");
        let back: UserId = serde_json::from_str("\"u-1\"").unwrap();
        assert_eq!(back, id);
        assert_eq!(id.to_string(), "u-1");
    }
}
