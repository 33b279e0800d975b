//! `vsync demo`: the product end to end, against a simulated tenant started in-process.
//!
//! The story, one night and the next:
//!
//! 1. A simulated tenant starts on a loopback port and is loaded with "yesterday's" users and
//!    groups (`baseline.xlsx`, written to the demo folder).
//! 2. A truncated HRIS export arrives: the plan trips the row-drop guard, explains it, and
//!    no change of any kind is planned.
//! 3. The full export: `plan` previews creates, renames, display-name fixes, office moves and
//!    leavers; `apply` makes them, and Visier rejects one new hire's username: a partial
//!    failure, reported with its `rci`.
//! 4. The next night HR has fixed that row: `sync` finishes the draft project the apply left
//!    unpublished, publishes it, and converges.
//! 5. A final `plan` shows zero changes.
//!
//! Every step runs the same code as the matching command, and leaves its reports in a
//! numbered folder; the apply and the next night's sync share one report folder (`nightly/`,
//! a run folder each), as a scheduled job does, so the sync finds the draft the apply held.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use vsync_model::{DesiredGroup, DesiredState, DesiredUser, SourceRef};
use vsync_sim::Sim;

use crate::cli::{
    ApplyArgs, ConnectionArgs, DemoArgs, GuardName, InputArgs, ModeArg, PlanArgs, PolicyArgs,
    ProjectArgs, ReportArgs, SyncArgs,
};
use crate::context::Context;
use crate::exit::Exit;
use crate::output::{Finished, RunSummary};

/// The HRIS export the demo plays, and its mapping (also in `fixtures/hris/`).
const HRIS_EXPORT: &str = include_str!("../../../../fixtures/hris/hris_export.csv");
const HRIS_MAPPING: &str = include_str!("../../../../fixtures/hris/mapping.toml");

/// The simulated tenant keeps Visier's 100 calls a minute, on a clock that runs this much faster
/// (a minute lasts three seconds), so the demo shows pacing without making anyone wait.
const DEMO_TIME_SCALE: f64 = 20.0;
/// The share of rows the truncated export keeps.
const TRUNCATED_PERCENT: usize = 40;
/// What the simulated tenant says about the rejected username.
const REJECTION: &str =
    "The username is already in use in another tenant; usernames are unique across Visier.";

/// The secrets the demo's commands see: the simulated tenant's default credentials (the
/// username is in [`Demo::target`]).
fn demo_env(name: &str) -> Option<String> {
    match name {
        "VISIER_APIKEY" => Some("dev-apikey".into()),
        "VISIER_PASSWORD" => Some("admin".into()),
        _ => None,
    }
}

/// Runs the demo.
pub async fn run(ctx: &Context, args: &DemoArgs) -> anyhow::Result<Finished> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("vsync-demo"));
    std::fs::create_dir_all(&out).with_context(|| format!("failed to create {}", out.display()))?;
    let out = out.canonicalize().unwrap_or(out);
    let files = DemoFiles::write(&out, args.fixtures.as_deref())?;

    let today = crate::pipeline::read_input(&crate::settings::ResolvedInput::one(
        files.export.clone(),
        Some(files.mapping.clone()),
    ))?;
    let scenario = Scenario::from_export(&today);
    vsync_reader::write_xlsx_file(&scenario.baseline, &files.baseline)
        .with_context(|| format!("failed to write {}", files.baseline.display()))?;
    std::fs::write(
        &files.corrected,
        scenario.corrected_export(&files.export_text),
    )
    .with_context(|| format!("failed to write {}", files.corrected.display()))?;

    let sim = Sim::builder()
        .seed(7)
        .seed_users(0)
        .time_scale(DEMO_TIME_SCALE)
        .reject_username(scenario.rejected.clone(), REJECTION)
        .start()
        .await
        .context("failed to start the simulated tenant")?;
    let demo = Demo {
        ctx,
        out: &out,
        files: &files,
        host: sim.uri(),
    };

    demo.heading(&format!(
        "A simulated Visier tenant is listening on {} (API key dev-apikey, user admin/admin).",
        sim.uri()
    ));
    let quiet = Context::detached(crate::cli::LogFormat::Text, true, ctx.color, demo_env);
    let loaded = crate::commands::sync::run(
        &quiet,
        &SyncArgs {
            input: demo.input(&files.baseline, false),
            policy: PolicyArgs {
                mode: Some(ModeArg::Upsert),
                force: vec![GuardName::All],
                ..PolicyArgs::default()
            },
            target: demo.target(),
            project: ProjectArgs::default(),
            report: demo.report("0-yesterday"),
            concurrency: None,
            verify: None,
            dry_run: false,
        },
    )
    .await?
    .exit;
    anyhow::ensure!(
        loaded == Exit::Ok,
        "loading yesterday's state into the simulated tenant failed ({})",
        loaded.label()
    );
    demo.say(&format!(
        "Loaded yesterday's state: {} users and {} groups ({}).",
        scenario.baseline.users.len(),
        scenario.baseline.groups.len(),
        files.baseline.display()
    ));

    demo.heading(&format!(
        "Night 1, 02:15. The HRIS export arrives truncated ({TRUNCATED_PERCENT}% of its rows): plan it."
    ));
    let truncated = demo.plan(&files.truncated, "1-truncated-export").await?;
    demo.say(&format!(
        "Exit code {} ({}): the row-drop guard planned no change at all, the rows the file still \
         has included. Had vsync trusted this file, it would have disabled most of the company.",
        truncated.code(),
        truncated.label()
    ));

    demo.heading("Night 1, 02:20. The full export arrives: preview the changes (vsync plan).");
    let planned = demo.plan(&files.export, "2-plan").await?;
    demo.say(&format!(
        "Exit code {} ({}).",
        planned.code(),
        planned.label()
    ));

    demo.heading("Apply exactly that plan (vsync apply).");
    let applied_run = crate::commands::apply::run(
        &demo.ctx(),
        &ApplyArgs {
            plan: Some(out.join("2-plan").join("plan.json")),
            resume: false,
            allow_stale: false,
            concurrency: None,
            verify: None,
            target: demo.target(),
            project: ProjectArgs::default(),
            report: demo.nightly_report(),
        },
    )
    .await?;
    let applied = applied_run.exit;
    demo.say(&format!(
        "Exit code {} ({}): Visier rejected {}; the report gives its rci for Visier support. \
         Everything else was applied; the versioned changes wait in a draft project, unpublished.",
        applied.code(),
        applied.label(),
        scenario.rejected
    ));

    demo.heading("Night 2. HR fixed that row in the export; the nightly job runs (vsync sync).");
    let synced_run = crate::commands::sync::run(
        &demo.ctx(),
        &SyncArgs {
            input: demo.input(&files.corrected, true),
            policy: PolicyArgs::default(),
            target: demo.target(),
            project: ProjectArgs::default(),
            report: demo.nightly_report(),
            concurrency: None,
            verify: None,
            dry_run: false,
        },
    )
    .await?;
    let synced = synced_run.exit;
    demo.say(&format!(
        "Exit code {} ({}).",
        synced.code(),
        synced.label()
    ));

    demo.heading("Plan once more: the tenant matches the export.");
    let replanned = demo.plan(&files.corrected, "5-replan").await?;
    demo.say(&format!(
        "Exit code {} ({}).",
        replanned.code(),
        replanned.label()
    ));

    sim.shutdown()
        .await
        .context("failed to stop the simulated tenant")?;
    demo.heading(&format!(
        "Done. Inputs and reports are in {}",
        out.display()
    ));
    let mut folders: Vec<PathBuf> = ["0-yesterday", "1-truncated-export", "2-plan"]
        .iter()
        .map(|step| out.join(step))
        .collect();
    folders.extend(applied_run.summary.run_dir.clone());
    folders.extend(synced_run.summary.run_dir.clone());
    folders.push(out.join("5-replan"));
    for folder in folders {
        demo.say(&format!("  {}", folder.display()));
    }
    let ok = truncated == Exit::GuardTripped
        && applied == Exit::PartialFailure
        && synced == Exit::Ok
        && replanned == Exit::Ok;
    let exit = if ok { Exit::Ok } else { Exit::Error };
    let summary = RunSummary {
        run_dir: Some(out.clone()),
        ..RunSummary::new("demo")
    };
    Ok(Finished::new(exit, summary))
}

/// The demo's input files, written into its folder so they can be opened afterwards.
struct DemoFiles {
    export: PathBuf,
    export_text: String,
    mapping: PathBuf,
    truncated: PathBuf,
    corrected: PathBuf,
    baseline: PathBuf,
}

impl DemoFiles {
    fn write(out: &Path, fixtures: Option<&Path>) -> anyhow::Result<Self> {
        let (export_text, mapping_text) = match fixtures {
            Some(dir) => (
                std::fs::read_to_string(dir.join("hris_export.csv")).with_context(|| {
                    format!("failed to read {}", dir.join("hris_export.csv").display())
                })?,
                std::fs::read_to_string(dir.join("mapping.toml")).with_context(|| {
                    format!("failed to read {}", dir.join("mapping.toml").display())
                })?,
            ),
            None => (HRIS_EXPORT.to_owned(), HRIS_MAPPING.to_owned()),
        };
        let files = Self {
            export: out.join("hris_export.csv"),
            mapping: out.join("mapping.toml"),
            truncated: out.join("hris_export_truncated.csv"),
            corrected: out.join("hris_export_next_night.csv"),
            baseline: out.join("baseline.xlsx"),
            export_text,
        };
        let write = |path: &Path, text: &str| {
            std::fs::write(path, text)
                .with_context(|| format!("failed to write {}", path.display()))
        };
        write(&files.export, &files.export_text)?;
        write(&files.mapping, &mapping_text)?;
        let lines: Vec<&str> = files.export_text.lines().collect();
        let keep = 1 + (lines.len().saturating_sub(1)) * TRUNCATED_PERCENT / 100;
        write(&files.truncated, &(lines[..keep].join("\n") + "\n"))?;
        Ok(files)
    }
}

/// The differences between yesterday's tenant and today's export.
struct Scenario {
    /// Yesterday's tenant, in the input format.
    baseline: DesiredState,
    /// The new hire whose username Visier rejects.
    rejected: String,
}

impl Scenario {
    /// Derives yesterday's tenant from today's export: some of today's hires are missing, some
    /// people had another name, another display name or another office, terminated people were
    /// still enabled, and a few leavers were still there.
    fn from_export(today: &DesiredState) -> Self {
        let mut users = Vec::new();
        let mut rejected = None;
        for (i, user) in today.users.iter().enumerate() {
            if i % 37 == 5 {
                // A new hire: not in yesterday's tenant.
                if rejected.is_none() && user.account_enabled != Some(false) {
                    rejected = Some(user.username.to_string());
                }
                continue;
            }
            let mut old = user.clone();
            old.source = SourceRef::default();
            if i % 53 == 11 {
                // Renamed since (a new surname): same employee ID, another username.
                old.username = format!("former.{}", user.username).into();
                old.email = Some(old.username.clone());
            }
            if i % 41 == 7 {
                old.display_name = user
                    .display_name
                    .as_ref()
                    .map(|n| (n.replace('é', "e").replace('ü', "u") + " (old)").into());
            }
            if i % 29 == 3 {
                old.groups = user
                    .groups
                    .iter()
                    .map(|g| {
                        if g.ends_with(" Office") {
                            "Toronto Office"
                        } else {
                            g
                        }
                    })
                    .collect();
                if old.groups == user.groups {
                    old.groups.insert("London Office");
                }
            }
            if user.account_enabled == Some(false) {
                old.account_enabled = Some(true);
            }
            users.push(old);
        }
        for n in 1..=6 {
            users.push(DesiredUser {
                username: format!("leaver.{n}@example.com").into(),
                display_name: Some(format!("Former Employee {n}").into()),
                employee_id: Some(format!("9{n:05}").into()),
                email: Some(format!("leaver.{n}@example.com").into()),
                account_enabled: Some(true),
                groups: ["Toronto Office"].into(),
                ..DesiredUser::default()
            });
        }
        let mut names: std::collections::BTreeSet<String> = today
            .users
            .iter()
            .flat_map(|u| u.groups.iter().map(str::to_owned))
            .collect();
        names.insert("Toronto Office".to_owned());
        names.insert("London Office".to_owned());
        let groups = names
            .into_iter()
            .map(|name| DesiredGroup {
                description: Some(if name.ends_with(" Office") {
                    format!(
                        "Everyone working from the {}.",
                        name.trim_end_matches(" Office")
                    )
                } else {
                    format!("Members of {name}.")
                }),
                name,
                ..DesiredGroup::default()
            })
            .collect();
        let baseline = DesiredState {
            users,
            groups,
            managed: today.managed,
            ..DesiredState::default()
        };
        Self {
            baseline,
            rejected: rejected.unwrap_or_default(),
        }
    }

    /// The next night's export: the rejected row has a new work email.
    fn corrected_export(&self, export: &str) -> String {
        let (local, domain) = self
            .rejected
            .split_once('@')
            .unwrap_or((&self.rejected, "example.com"));
        export.replace(&self.rejected, &format!("{local}.hr@{domain}"))
    }
}

/// The demo's shared settings.
struct Demo<'a> {
    ctx: &'a Context,
    out: &'a Path,
    files: &'a DemoFiles,
    host: String,
}

impl Demo<'_> {
    fn ctx(&self) -> Context {
        let format = if self.ctx.out.is_json() {
            crate::cli::LogFormat::Json
        } else {
            crate::cli::LogFormat::Text
        };
        Context::detached(format, self.ctx.out.is_quiet(), self.ctx.color, demo_env)
    }

    fn heading(&self, text: &str) {
        self.ctx.say("");
        self.ctx.say(&format!("== {text}"));
    }

    fn say(&self, text: &str) {
        self.ctx.say(text);
    }

    fn target(&self) -> ConnectionArgs {
        ConnectionArgs {
            host: Some(self.host.clone()),
            username: Some("admin".to_owned()),
            rate_time_scale: Some(DEMO_TIME_SCALE),
            ..ConnectionArgs::default()
        }
    }

    fn input(&self, path: &Path, mapped: bool) -> InputArgs {
        InputArgs {
            input: vec![path.to_path_buf()],
            mapping: mapped.then(|| self.files.mapping.clone()),
            ..InputArgs::default()
        }
    }

    fn report(&self, step: &str) -> ReportArgs {
        ReportArgs {
            report_dir: Some(self.out.join(step)),
            max_rows: 25,
            in_place: true,
            // The demo's own folder: a home folder may not exist where it runs.
            state_dir: Some(self.out.join(".state")),
            ..ReportArgs::default()
        }
    }

    /// The report folder of the nightly runs (the apply and the next night's sync): one run
    /// folder each, so the sync finds the draft project the apply left unpublished.
    fn nightly_report(&self) -> ReportArgs {
        ReportArgs {
            report_dir: Some(self.out.join("nightly")),
            max_rows: 25,
            state_dir: Some(self.out.join(".state")),
            ..ReportArgs::default()
        }
    }

    async fn plan(&self, input: &Path, step: &str) -> anyhow::Result<Exit> {
        crate::commands::plan::run(
            &self.ctx(),
            &PlanArgs {
                input: self.input(input, true),
                policy: PolicyArgs::default(),
                target: self.target(),
                project: ProjectArgs::default(),
                report: self.report(step),
                out: None,
                detailed_exitcode: false,
            },
        )
        .await
        .map(|finished| finished.exit)
    }
}
