//! Settings: one resolution order for every setting, secrets included. A flag wins over its
//! `VISIER_*` (or `VSYNC_*`) environment variable, which wins over `vsync.toml`, which wins
//! over the default.
//!
//! - [`file`]: the TOML schema of `vsync.toml` and its loading (secrets written in it are
//!   refused unless `allow_secrets_in_config = true`);
//! - [`layers`]: the layering, each value with its [`Source`]; [`resolved`]: what it
//!   resolves to, and the engine's policy built from it;
//! - [`target`]: the checked [`Target`], its client and sign-in, and the canonical tenant the
//!   lock is keyed by;
//! - `verify`: how `apply` and `sync` check what they applied (`--verify`, `[policy] verify`);
//! - [`show`]: `vsync config`, every resolved setting with its source, secrets redacted.

pub mod file;
pub mod layers;
pub mod resolved;
pub mod show;
pub mod target;
mod verify;

pub use file::ConfigFile;
pub use layers::{
    ArgSources, Connection, Env, InputSettings, Layers, PolicySettings, Project, ProjectMode,
    ReportSettings, ResolvedInput, STATE_DIR_VAR, Secret, Setting, Source, parse_deprovision,
    process_env,
};
pub use target::Target;
