//! [`Context`]: what every command gets — the settings file and its layers, the output, and
//! the terminal's shape.

use std::io::IsTerminal;

use vsync_report::TerminalOptions;

use crate::cli::{ColorChoice, ConnectionArgs, GlobalArgs, LogFormat, ProjectArgs};
use crate::output::Output;
use crate::settings::{ArgSources, ConfigFile, Env, Layers, Project, Target, process_env};

/// What every command gets.
pub struct Context {
    /// The settings file.
    pub config: ConfigFile,
    /// Which command-line values came from the environment.
    pub sources: ArgSources,
    /// Where output goes.
    pub out: Output,
    /// Whether the terminal report is coloured.
    pub color: bool,
    /// Where environment variables come from.
    pub env: Env,
}

impl Context {
    /// The context for `global`, with the sources of the command line's values.
    pub fn new(global: &GlobalArgs, sources: ArgSources) -> anyhow::Result<Self> {
        let config = ConfigFile::load(global.config.as_deref())?;
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => vsync_report::color_enabled(
                std::io::stdout().is_terminal(),
                std::env::var_os("NO_COLOR").as_deref(),
            ),
        };
        Ok(Self {
            config,
            sources,
            out: Output::new(global.log_format, global.quiet),
            color,
            env: process_env,
        })
    }

    /// A context with no settings file, for runs started from code (the demo).
    pub fn detached(format: LogFormat, quiet: bool, color: bool, env: Env) -> Self {
        Self {
            config: ConfigFile::default(),
            sources: ArgSources::default(),
            out: Output::new(format, quiet),
            color,
            env,
        }
    }

    /// The layers settings are resolved through.
    pub fn layers(&self) -> Layers<'_> {
        Layers {
            file: &self.config,
            env: self.env,
            args: &self.sources,
        }
    }

    /// Prints a line for people (or a `message` event), unless quiet.
    pub fn say(&self, line: &str) {
        self.out.say(line);
    }

    /// The tenant for these flags, without a project (read-only commands).
    pub fn target(&self, args: &ConnectionArgs) -> anyhow::Result<Target> {
        self.layers().connection(args).target(&Project::none())
    }

    /// The tenant for these flags, in the project they name.
    pub fn target_in(
        &self,
        args: &ConnectionArgs,
        project: &ProjectArgs,
    ) -> anyhow::Result<Target> {
        let layers = self.layers();
        layers.connection(args).target(&layers.project(project)?)
    }

    /// Terminal options for the report.
    pub fn terminal(&self, max_rows: usize) -> TerminalOptions {
        let columns = (self.env)("COLUMNS");
        TerminalOptions {
            color: self.color,
            width: crate::output::terminal_width(columns.as_deref()),
            max_rows,
        }
    }
}
