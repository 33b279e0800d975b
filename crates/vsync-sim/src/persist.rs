//! The state file: every tenant and project copy as JSON, written
//! atomically (temp file, fsync, rename, fsync of the directory) so a
//! killed simulator never leaves a torn file.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::app::World;
use crate::error::SimError;
use crate::state::{Tenant, TenantSnapshot};

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectState {
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
    #[serde(default)]
    projects: Vec<ProjectState>,
}

/// Serialises the world (call with the lock held; it is fast).
pub(crate) fn encode(world: &World) -> Vec<u8> {
    let mut projects: Vec<ProjectState> = world
        .projects
        .iter()
        .map(|((code, project), t)| ProjectState {
            tenant_code: code.clone(),
            project_id: project.clone(),
            tenant: t.snapshot(),
        })
        .collect();
    projects.sort_by(|a, b| (&a.tenant_code, &a.project_id).cmp(&(&b.tenant_code, &b.project_id)));
    let file = StateFile {
        version: VERSION,
        admin_tenant: world.admin.clone(),
        tenants: world.tenants.values().map(Tenant::snapshot).collect(),
        projects,
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
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    let file: StateFile =
        serde_path_to_error::deserialize(de).map_err(|e| SimError::StateParse {
            path: path.to_owned(),
            at: e.path().to_string(),
            source: e.into_inner(),
        })?;
    let tenants: BTreeMap<String, Tenant> = file
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
    let projects: HashMap<(String, String), Tenant> = file
        .projects
        .into_iter()
        .map(|p| {
            (
                (p.tenant_code, p.project_id),
                Tenant::from_snapshot(p.tenant),
            )
        })
        .collect();
    Ok(Some(World {
        admin: file.admin_tenant,
        tenants,
        projects,
    }))
}

/// Writes `bytes` to `path` atomically.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SimError> {
    let io = |action: &'static str| {
        move |source| SimError::StateIo {
            action,
            path: path.to_owned(),
            source,
        }
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(
        || "state.json".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut file = std::fs::File::create(&tmp).map_err(io("create a temp file for"))?;
        file.write_all(bytes).map_err(io("write"))?;
        file.sync_all().map_err(io("fsync"))?;
    }
    std::fs::rename(&tmp, path).map_err(io("rename into"))?;
    if let Ok(d) = std::fs::File::open(dir) {
        // Makes the rename durable; not supported everywhere, so best effort.
        let _ = d.sync_all();
    }
    Ok(())
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
            projects: HashMap::new(),
        };
        write_atomic(&path, &encode(&world)).unwrap();
        let back = load(&path).unwrap().unwrap();
        assert_eq!(back.tenants["A"].snapshot(), t.snapshot());
        // No temp file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
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
