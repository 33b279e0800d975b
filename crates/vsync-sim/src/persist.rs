//! The state file: every tenant, with its projects and production
//! versions, as JSON, written
//! atomically with [`vsync_fs::write`] (temp file, fsync, rename, fsync of the directory) so a
//! killed simulator never leaves a torn file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::app::World;
use crate::error::SimError;
use crate::projects::{ProjectChanges, ProjectStatus, SimProject};
use crate::state::{Tenant, TenantSnapshot, now_ms};

/// 2: projects are kept in their tenant as changes over production, and
/// production versions as a list. 1 kept projects as full copies and
/// versions as a count; such files are read and converted.
const VERSION: u32 = 2;

/// A project of a version-1 file: a full copy of its tenant.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectCopy {
    tenant_code: String,
    project_id: String,
    tenant: TenantSnapshot,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StateFile {
    version: u32,
    admin_tenant: String,
    tenants: Vec<TenantSnapshot>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StateFileV1 {
    #[serde(default)]
    projects: Vec<ProjectCopy>,
}

/// Serialises the world (call with the lock held; it is fast).
pub(crate) fn encode(world: &World) -> Vec<u8> {
    let file = StateFile {
        version: VERSION,
        admin_tenant: world.admin.clone(),
        tenants: world.tenants.values().map(Tenant::snapshot).collect(),
    };
    serde_json::to_vec(&file).unwrap_or_default()
}

/// Loads the world from `path`, or `None` when the file does not exist.
pub(crate) fn load(path: &Path) -> Result<Option<World>, SimError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(SimError::StateIo {
                action: "read",
                path: path.to_owned(),
                source,
            });
        }
    };
    let parse = |e: serde_path_to_error::Error<serde_json::Error>| SimError::StateParse {
        path: path.to_owned(),
        at: e.path().to_string(),
        source: e.into_inner(),
    };
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    let file: StateFile = serde_path_to_error::deserialize(de).map_err(parse)?;
    if file.version > VERSION {
        return Err(SimError::config(format!(
            "state file {} has version {}; this simulator reads up to {VERSION}",
            path.display(),
            file.version
        )));
    }
    let mut tenants: BTreeMap<String, Tenant> = file
        .tenants
        .into_iter()
        .map(|s| (s.tenant_code.clone(), Tenant::from_snapshot(s)))
        .collect();
    if !tenants.contains_key(&file.admin_tenant) {
        return Err(SimError::config(format!(
            "state file {} has no administrating tenant {}",
            path.display(),
            file.admin_tenant
        )));
    }
    if file.version < 2 {
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        let old: StateFileV1 = serde_path_to_error::deserialize(de).map_err(parse)?;
        for copy in old.projects {
            if let Some(t) = tenants.get_mut(&copy.tenant_code) {
                adopt_copy(t, copy.project_id, copy.tenant);
            }
        }
    }
    Ok(Some(World {
        admin: file.admin_tenant,
        tenants,
    }))
}

/// Turns a version-1 project copy into an open project holding what the
/// copy changed in the versioned artifacts.
fn adopt_copy(t: &mut Tenant, project_id: String, copy: TenantSnapshot) {
    let production = t.take_artifacts();
    let changes =
        ProjectChanges::between(&production, &Tenant::from_snapshot(copy).take_artifacts());
    t.put_artifacts(production);
    let id = uuid::Uuid::try_parse(&project_id).map_or(project_id, |u| u.hyphenated().to_string());
    t.data.projects.push(SimProject {
        name: format!("Project {id}"),
        id,
        description: None,
        ticket_number: None,
        release_version: None,
        owner: String::new(),
        created_ms: now_ms(),
        status: ProjectStatus::Open,
        version_number: None,
        changes,
    });
}

/// Writes `bytes` to `path` atomically (see [`vsync_fs::write`]).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SimError> {
    vsync_fs::write(path, bytes).map_err(SimError::StateWrite)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::seed_tenant;

    #[test]
    fn state_round_trips_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tenant.json");
        let t = seed_tenant("A", 3, 20, Some("admin"));
        let world = World {
            admin: "A".into(),
            tenants: BTreeMap::from([("A".to_owned(), t.clone())]),
        };
        write_atomic(&path, &encode(&world)).unwrap();
        let back = load(&path).unwrap().unwrap();
        assert_eq!(back.tenants["A"].snapshot(), t.snapshot());
        // No temp file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_version_1_file_is_read_with_its_project_copies_turned_into_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.json");
        let t = seed_tenant("A", 3, 5, Some("admin"));
        let mut copy = t.snapshot();
        let mut extra = copy.groups[0].clone();
        extra.user_group_id = "made-in-the-copy".into();
        extra.display_name = "Copy Only".into();
        copy.groups.push(extra);
        let mut tenant = serde_json::to_value(t.snapshot()).unwrap();
        tenant["productionVersions"] = serde_json::json!(3);
        tenant.as_object_mut().unwrap().remove("projects");
        let project = "5F1C9A3E-0000-4000-8000-000000000001";
        let old = serde_json::json!({
            "version": 1,
            "adminTenant": "A",
            "tenants": [tenant],
            "projects": [{"tenantCode": "A", "projectId": project, "tenant": copy}],
        });
        std::fs::write(&path, serde_json::to_vec(&old).unwrap()).unwrap();
        let world = load(&path).unwrap().unwrap();
        let a = &world.tenants["A"];
        assert_eq!(a.data.production_versions.len(), 3);
        assert!(a.snapshot().group_by_name("Copy Only").is_none());
        let id = project.to_lowercase();
        assert_eq!(a.project(&id).unwrap().status, ProjectStatus::Open);
        let view = a.project_view(&id);
        assert!(view.groups.iter().any(|g| g.display_name == "Copy Only"));
        assert_eq!(view.groups.len(), a.snapshot().groups.len() + 1);
    }

    #[test]
    fn a_torn_state_file_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tenant.json");
        std::fs::write(&path, b"{\"version\":1,\"adminTenant\":").unwrap();
        let Err(err) = load(&path) else {
            panic!("a torn file must not load")
        };
        assert!(err.to_string().contains("tenant.json"), "{err}");
    }
}
