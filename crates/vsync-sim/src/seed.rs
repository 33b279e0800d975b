//! Deterministic seeding: realistic people, a permission and profile
//! catalog, and a few user groups with members.

use std::collections::BTreeSet;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vsync_api::{
    AccessLevel, AdminCapabilityConfigDto, CapabilitiesDto, DataSecurityProfileDto, PermissionDto,
    PropertyAccessConfigDto, PropertySetConfigDto,
};

use crate::state::{
    ProfileAssignment, SimGroup, SimPermission, SimProfile, SimUser, Tenant, TenantSnapshot,
    hash_str,
};

const FIRST_NAMES: &[&str] = &[
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Amelia",
    "Oliver",
    "Sophia",
    "Elijah",
    "Isabella",
    "James",
    "Ava",
    "William",
    "Mia",
    "Benjamin",
    "Evelyn",
    "Lucas",
    "Harper",
    "Henry",
    "Luna",
    "Theodore",
    "Camila",
    "Jack",
    "Gianna",
    "Levi",
    "Elizabeth",
    "Alexander",
    "Eleanor",
    "Jackson",
    "Ella",
    "Mateo",
    "Abigail",
    "Daniel",
    "Sofia",
    "Michael",
    "Avery",
    "Mason",
    "Scarlett",
    "Sebastian",
    "Emily",
    "Ethan",
    "Aria",
    "Logan",
    "Penelope",
    "Owen",
    "Chloe",
    "Samuel",
    "Layla",
    "Jacob",
    "Mila",
    "Asher",
    "Nora",
    "Aiden",
    "Hazel",
    "John",
    "Madison",
    "Joseph",
    "Ellie",
    "Wyatt",
    "Priya",
    "Arjun",
    "Mei",
    "Hiroshi",
    "Fatima",
    "Omar",
    "Ingrid",
    "Lars",
    "Zoe",
    "Diego",
];

const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Patel",
    "Kim",
    "Chen",
    "Tanaka",
    "Okafor",
    "Larsen",
    "Novak",
    "Schmidt",
    "Rossi",
    "Dubois",
];

/// The permission catalog: display name and description.
pub const PERMISSIONS: &[(&str, &str)] = &[
    (
        "Analyst",
        "Analyze workforce metrics across the organization.",
    ),
    (
        "HR Business Partner",
        "Detailed employee data for the partner's client groups.",
    ),
    (
        "Executive Dashboards",
        "Read-only access to executive dashboards.",
    ),
    (
        "Recruiting Analytics",
        "Requisitions, candidates and hiring funnels.",
    ),
    ("Compensation Viewer", "Aggregate compensation metrics."),
    ("Data Steward", "Manage data quality and source mappings."),
    (
        "Manager Self-Service",
        "A manager's view of their own organization.",
    ),
    (
        "Diversity Access",
        "Diversity, equity and inclusion metrics.",
    ),
    ("Workforce Planning", "Headcount plans and scenarios."),
    ("Talent Reviews", "Performance and potential ratings."),
    ("Payroll Auditor", "Payroll records for audit."),
    ("Benefits Administrator", "Benefit enrollment data."),
    ("Learning Analytics", "Courses, completions and skills."),
    (
        "Retention Insights",
        "Attrition risk and retention metrics.",
    ),
    ("Super Admin", "Every administrative capability."),
];

/// The profile catalog: display name and capabilities.
pub const PROFILES: &[(&str, &[&str])] = &[
    (
        "Administrator",
        &["Administration", "Analytics", "Data", "Users"],
    ),
    ("Enterprise Analyst", &["Analytics", "Export"]),
    ("Viewer", &["Analytics"]),
    ("Power User", &["Analytics", "Export", "Designer"]),
    ("Data Engineer", &["Data", "Sources"]),
    ("Executive", &["Analytics", "Dashboards"]),
];

/// The user groups: name, description, permission names, share of users
/// included by hand (per mille), include all users.
const GROUPS: &[(&str, &str, &[&str], u32, bool)] = &[
    (
        "All Managers",
        "People managers at every level.",
        &["Manager Self-Service"],
        150,
        false,
    ),
    (
        "HR Team",
        "The HR organization.",
        &["HR Business Partner", "Analyst"],
        60,
        false,
    ),
    (
        "Finance Analysts",
        "Finance partners who read compensation.",
        &["Compensation Viewer", "Analyst"],
        40,
        false,
    ),
    (
        "Executives",
        "The executive leadership team.",
        &["Executive Dashboards"],
        15,
        false,
    ),
    (
        "Sales Leaders",
        "Sales directors and VPs.",
        &["Executive Dashboards", "Retention Insights"],
        30,
        false,
    ),
    (
        "Recruiting Team",
        "Recruiters and sourcers.",
        &["Recruiting Analytics"],
        40,
        false,
    ),
    (
        "Data Stewards",
        "Owners of data quality.",
        &["Data Steward"],
        10,
        false,
    ),
    ("All Employees", "Everyone in the tenant.", &[], 0, true),
];

/// The reference time of generated data (2025-06-01T00:00:00Z), so a seed
/// gives the same tenant on any day.
pub const REFERENCE_MS: i64 = 1_748_736_000_000;

/// The domain of generated usernames.
pub const DOMAIN: &str = "jupiter.example";

/// Builds a tenant: catalog, groups, `with_admin` then `users` people.
pub fn seed_tenant(code: &str, seed: u64, users: usize, admin: Option<&str>) -> Tenant {
    let tenant_seed = seed ^ hash_str(code);
    let mut rng = ChaCha8Rng::seed_from_u64(tenant_seed);
    let mut t = Tenant::from_snapshot(TenantSnapshot::new(code, tenant_seed));

    for (name, description) in PERMISSIONS {
        let id = t.next_id();
        let detailed = matches!(
            *name,
            "HR Business Partner" | "Payroll Auditor" | "Super Admin"
        );
        let definition = PermissionDto {
            permission_id: Some(id.clone()),
            display_name: Some((*name).to_owned()),
            description: Some((*description).to_owned()),
            data_security_profiles: Some(vec![DataSecurityProfileDto {
                analytic_object_id: Some("Employee".to_owned()),
                all_data_point_access: Some(*name == "Super Admin"),
                property_set_config: Some(PropertySetConfigDto {
                    property_access_configs: Some(vec![PropertyAccessConfigDto {
                        property_id: Some("Employee.Compensation".to_owned()),
                        analytic_object_id: Some("Employee".to_owned()),
                        access_level: Some(if detailed {
                            AccessLevel::Detailed
                        } else {
                            AccessLevel::Aggregate
                        }),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
                ..Default::default()
            }]),
            admin_capability_config: Some(AdminCapabilityConfigDto {
                all_capabilities_access: Some(*name == "Super Admin"),
                capabilities: Some(Vec::new()),
            }),
            ..Default::default()
        };
        t.data.permissions.push(SimPermission {
            permission_id: id,
            display_name: (*name).to_owned(),
            description: Some((*description).to_owned()),
            definition,
        });
    }

    for (name, capabilities) in PROFILES {
        let id = t.next_id();
        t.data.profiles.push(SimProfile {
            profile_id: id,
            display_name: (*name).to_owned(),
            capabilities: capabilities
                .iter()
                .map(|c| CapabilitiesDto {
                    capability: Some((*c).to_owned()),
                    access_level: Some(if *name == "Viewer" { "Read" } else { "Full" }.to_owned()),
                    view_level: Some("Detailed".to_owned()),
                })
                .collect(),
            additional_capabilities: if *name == "Administrator" {
                vec!["Manage users".to_owned(), "Manage permissions".to_owned()]
            } else {
                Vec::new()
            },
        });
    }

    let perm_id = |t: &Tenant, name: &str| {
        t.data
            .permissions
            .iter()
            .find(|p| p.display_name == name)
            .map(|p| p.permission_id.clone())
    };
    for (name, description, perms, _, all) in GROUPS {
        let id = t.next_id();
        let permission_ids = perms.iter().filter_map(|p| perm_id(&t, p)).collect();
        t.data.groups.push(SimGroup {
            user_group_id: id,
            display_name: (*name).to_owned(),
            description: Some((*description).to_owned()),
            permission_ids,
            include_all_users: *all,
            manually_included_ids: Vec::new(),
            manually_excluded_ids: Vec::new(),
            dynamic_filter_definition: None,
            visible_for_selection: None,
        });
    }

    let profile_id = |t: &Tenant, name: &str| {
        t.data
            .profiles
            .iter()
            .find(|p| p.display_name == name)
            .map(|p| p.profile_id.clone())
            .unwrap_or_default()
    };
    let start = REFERENCE_MS - 86_400_000 * 365;

    if let Some(admin) = admin {
        let id = t.next_id();
        t.insert_user(SimUser {
            user_id: id.clone(),
            username: admin.to_owned(),
            display_name: Some("Tenant Administrator".to_owned()),
            employee_id: None,
            email: Some(format!("admin@{DOMAIN}")),
            account_enabled: true,
            last_login_ms: Some(start),
        });
        let admin_profile = profile_id(&t, "Administrator");
        t.data.profile_assignments.insert(
            id.clone(),
            vec![ProfileAssignment {
                profile_id: admin_profile,
                validity_start_time: Some(start.to_string()),
                validity_end_time: None,
            }],
        );
        if let Some(p) = perm_id(&t, "Super Admin") {
            t.data
                .permission_assignments
                .insert(id, BTreeSet::from([p]));
        }
    }

    let viewer = profile_id(&t, "Viewer");
    let analyst = profile_id(&t, "Enterprise Analyst");
    let direct = [perm_id(&t, "Analyst"), perm_id(&t, "Diversity Access")];
    for n in 0..users {
        let first = *FIRST_NAMES.choose(&mut rng).unwrap_or(&"Alex");
        let last = *LAST_NAMES.choose(&mut rng).unwrap_or(&"Doe");
        let base = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
        let mut username = format!("{base}@{DOMAIN}");
        let mut k = 2;
        while t.username_taken(&username, None) {
            username = format!("{base}{k}@{DOMAIN}");
            k += 1;
        }
        let id = t.next_id();
        let enabled = rng.random_range(0..100) >= 5;
        let last_login = rng
            .random_bool(0.7)
            .then(|| REFERENCE_MS - rng.random_range(0..86_400_000_i64 * 180));
        t.insert_user(SimUser {
            user_id: id.clone(),
            username: username.clone(),
            display_name: Some(format!("{first} {last}")),
            employee_id: Some(format!("E{:06}", 1000 + n)),
            email: Some(username),
            account_enabled: enabled,
            last_login_ms: last_login,
        });
        let profile = if rng.random_range(0..4) == 0 {
            analyst.clone()
        } else {
            viewer.clone()
        };
        t.data.profile_assignments.insert(
            id.clone(),
            vec![ProfileAssignment {
                profile_id: profile,
                validity_start_time: Some(start.to_string()),
                validity_end_time: None,
            }],
        );
        if rng.random_range(0..10) == 0
            && let Some(Some(p)) = direct.choose(&mut rng)
        {
            t.data
                .permission_assignments
                .entry(id.clone())
                .or_default()
                .insert(p.clone());
        }
        for (g, (_, _, _, per_mille, _)) in GROUPS.iter().enumerate() {
            if *per_mille > 0 && rng.random_range(0..1000) < *per_mille {
                t.data.groups[g].manually_included_ids.push(id.clone());
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_is_deterministic_for_a_seed() {
        let a = seed_tenant("T", 7, 50, Some("admin")).snapshot();
        let b = seed_tenant("T", 7, 50, Some("admin")).snapshot();
        let c = seed_tenant("T", 8, 50, Some("admin")).snapshot();
        assert_eq!(a.users, b.users);
        assert_ne!(a.users, c.users);
        assert_eq!(a.users.len(), 51);
        assert_eq!(a.permissions.len(), PERMISSIONS.len());
        assert_eq!(a.groups.len(), GROUPS.len());
    }

    #[test]
    fn seeded_usernames_are_unique_case_insensitively() {
        let t = seed_tenant("T", 1, 2000, None);
        let mut seen = std::collections::HashSet::new();
        for u in t.users() {
            assert!(seen.insert(u.username.to_lowercase()), "{}", u.username);
        }
    }
}
