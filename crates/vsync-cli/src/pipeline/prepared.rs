//! [`PreparedRun`]: what `plan` and `sync` do before they read the tenant, and the records
//! they make from it.

use vsync_client::Client;
use vsync_engine::{Plan, Policy};
use vsync_model::{DesiredState, LiveState, ReadScope};
use vsync_report::RunMode;

use crate::cli::{
    ConnectionArgs, InputArgs, PlanArgs, PolicyArgs, ProjectArgs, ReportArgs, SyncArgs,
};
use crate::context::Context;
use crate::exit::{Exit, Failure};
use crate::settings::{ReportSettings, Target};

use super::{PlanFile, PlanInput, ReadCalls, RunRecord, RunStart};

/// The flags a run that reads an input shares: what to read, under which policy, on which
/// tenant, in which project, and where the reports go.
#[derive(Debug, Clone, Copy)]
pub struct RunFlags<'a> {
    /// The input.
    pub input: &'a InputArgs,
    /// The policy.
    pub policy: &'a PolicyArgs,
    /// The tenant.
    pub target: &'a ConnectionArgs,
    /// The project.
    pub project: &'a ProjectArgs,
    /// The reports.
    pub report: &'a ReportArgs,
}

impl<'a> From<&'a PlanArgs> for RunFlags<'a> {
    fn from(args: &'a PlanArgs) -> Self {
        Self {
            input: &args.input,
            policy: &args.policy,
            target: &args.target,
            project: &args.project,
            report: &args.report,
        }
    }
}

impl<'a> From<&'a SyncArgs> for RunFlags<'a> {
    fn from(args: &'a SyncArgs) -> Self {
        Self {
            input: &args.input,
            policy: &args.policy,
            target: &args.target,
            project: &args.project,
            report: &args.report,
        }
    }
}

/// A run of `plan` or `sync` up to its read of the tenant: the input read, the tenant, the
/// reports and the policy resolved, and the client signed in.
pub struct PreparedRun {
    /// The command (`plan`, `sync`).
    pub command: &'static str,
    /// How the run was started.
    pub mode: RunMode,
    /// When the run started.
    pub started: RunStart,
    /// The input, as a plan records it.
    pub input: PlanInput,
    /// What the input says the tenant should hold.
    pub desired: DesiredState,
    /// The tenant.
    pub target: Target,
    /// Where the reports go.
    pub report: ReportSettings,
    /// The policy, guards included.
    pub policy: Policy,
    /// The signed-in client.
    pub client: Client,
    /// The lists of the tenant the input needs read.
    pub scope: ReadScope,
}

impl PreparedRun {
    /// Starts a run of `command` in `mode` with `flags`: reads the input, resolves the
    /// settings and signs in, with a client that sends no change unless `mode` applies.
    pub async fn start(
        ctx: &Context,
        flags: RunFlags<'_>,
        (command, mode): (&'static str, RunMode),
    ) -> anyhow::Result<Self> {
        let started = RunStart::now();
        let layers = ctx.layers();
        let input = layers.input(flags.input).resolved()?;
        let desired = super::read_input(&input)?;
        let target = ctx.target_in(flags.target, flags.project)?;
        let report = layers.report(flags.report);
        let policy = layers
            .policy(flags.policy)
            .policy(target.signed_in_as.as_deref(), super::now_ms())?;
        let client = target.signed_in_client(!mode.applies()).await?;
        let scope = vsync_engine::read_scope(&desired);
        Ok(Self {
            command,
            mode,
            started,
            input: PlanInput::new(&input, &desired),
            desired,
            target,
            report,
            policy,
            client,
            scope,
        })
    }

    /// Reads the tenant through `reads` (the client, or the client in a project) as far as
    /// the input needs, with the read's calls as the client counted them.
    pub async fn fetch(
        &self,
        ctx: &Context,
        reads: &Client,
    ) -> Result<(LiveState, ReadCalls), Failure> {
        let live = super::fetch(ctx, reads, &self.target, self.scope).await?;
        let read = ReadCalls::after(&self.client, self.scope, &live);
        Ok((live, read))
    }

    /// Diffs and plans against `live`, read with `read`; when the input does not fit the
    /// tenant, the problems go to reports named `stem` in a run folder of their own
    /// ([`super::plan_or_report`]).
    pub fn plan(&self, live: &LiveState, read: ReadCalls, stem: &str) -> Result<Plan, Failure> {
        super::plan_or_report(
            (&self.desired, live),
            &self.report,
            stem,
            &self.record(read).with_exit(Exit::InvalidInput),
        )
    }

    /// The plan, with what applying and verifying it later needs.
    pub fn plan_file(&self, plan: Plan) -> PlanFile {
        PlanFile::new(
            self.target.tenant_label(),
            self.input.clone(),
            self.policy.clone(),
            (self.scope, plan),
        )
        .in_project(self.target.project.clone())
    }

    /// The run's record after its read `read`; the `with_*` methods add what it did next and
    /// how it ended.
    pub fn record(&self, read: ReadCalls) -> RunRecord<'_> {
        RunRecord::new(
            self.command,
            self.mode,
            &self.started,
            (&self.target, &self.client),
            (&self.input, &self.policy),
        )
        .with_read(read)
    }
}
