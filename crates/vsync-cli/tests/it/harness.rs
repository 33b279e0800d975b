//! The shared harness: a fresh simulated tenant per test, and a way to run the binary against
//! it with a timeout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use vsync_sim::{Credentials, Sim};

/// Credentials no test output may ever contain.
pub const API_KEY: &str = "e2e-apikey-7f3c9a";
pub const PASSWORD: &str = "e2e-password-51b2d8";
pub const USERNAME: &str = "admin";

/// The repository's fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The shipped mapping examples: each HRIS export (`NAME.csv`) with its mapping (`NAME.toml`).
pub fn mapping_examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/mappings")
}

/// `COMMAND --input EXPORT --mapping MAPPING` and `more`: a run of a mapped export.
pub fn mapped<'a>(
    command: &'a str,
    (export, mapping): (&'a Path, &'a Path),
    more: &[&'a str],
) -> Vec<&'a str> {
    let paths = [export, mapping].map(|p| p.to_str().expect("a UTF-8 path"));
    [&[command, "--input", paths[0], "--mapping", paths[1]], more].concat()
}

/// A simulated tenant with the test credentials.
pub async fn sim(seed_users: usize) -> Sim {
    sim_with(seed_users, Duration::ZERO).await
}

/// [`sim`], answering every request after `latency`.
pub async fn sim_with(seed_users: usize, latency: Duration) -> Sim {
    Sim::builder()
        .seed(11)
        .seed_users(seed_users)
        .credentials(Credentials {
            username: USERNAME.into(),
            password: PASSWORD.into(),
            apikey: API_KEY.into(),
            ..Credentials::default()
        })
        .no_rate_limit()
        .latency(latency)
        .start()
        .await
        .expect("the simulated tenant starts")
}

/// A fresh simulated tenant and a temporary folder to run `vsync` against it in.
pub struct Tenant {
    /// The simulated tenant.
    pub sim: Sim,
    /// The folder the runs start in: their inputs, reports and state.
    pub dir: tempfile::TempDir,
}

impl Tenant {
    /// A tenant seeded with `users` users ([`sim`]) and an empty folder.
    pub async fn seeded(users: usize) -> Self {
        Self {
            sim: sim(users).await,
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// The folder the runs start in.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `vsync` with `args` in the folder against the tenant ([`vsync`]).
    pub async fn vsync(&self, args: &[&str]) -> Run {
        vsync(self.path(), Some(&self.sim.uri()), args).await
    }

    /// Writes `bytes` to `name` in the folder; returns the name, as an argument.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        std::fs::write(self.path().join(name), bytes).expect("the file is written");
        name.to_owned()
    }
}

/// One run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: &Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Both streams, for assertion messages and secret searches.
    pub fn all(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }
}

/// The state folder (tenant locks) of the runs in `dir`.
pub fn state_dir(dir: &Path) -> PathBuf {
    dir.join(".vsync-state")
}

/// `vsync` with `args` in `dir`, pointed at `host` through the environment (the official
/// SDK's variable names), with its state folder in `dir`, ready to run.
pub fn command(dir: &Path, host: Option<&str>, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vsync"));
    command
        .args(["--color", "never"])
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("VISIER_APIKEY", API_KEY)
        .env("VISIER_USERNAME", USERNAME)
        .env("VISIER_PASSWORD", PASSWORD)
        .env("VSYNC_STATE_DIR", state_dir(dir))
        .stdin(Stdio::null());
    if let Some(host) = host {
        command.env("VISIER_HOST", host);
    }
    command
}

/// Runs [`command`] and waits at most two minutes.
pub async fn vsync(dir: &Path, host: Option<&str>, args: &[&str]) -> Run {
    run(command(dir, host, args)).await
}

/// Runs `command` and waits at most two minutes.
pub async fn run(mut command: Command) -> Run {
    let output = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::task::spawn_blocking(move || command.output()),
    )
    .await
    .expect("vsync finished within two minutes")
    .expect("the blocking task ran")
    .expect("vsync started");
    Run::from(&output)
}

/// Asserts no credential appears in `text`.
pub fn assert_no_secret(text: &str) {
    for secret in [API_KEY, PASSWORD] {
        assert!(
            !text.contains(secret),
            "a secret leaked into the output:\n{text}"
        );
    }
}

/// Every file below `dir`, read as lossy text (XLSX files are zip archives: their XML parts
/// are compressed, so they are checked by reading them back elsewhere).
pub fn text_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    out
}

/// `vsync sim` as a child process with the test credentials, no rate limit and `state` as its
/// state file; returns it and the address it listens on.
#[cfg(unix)]
pub async fn sim_process(state: &Path) -> (std::process::Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vsync"));
    command
        .args(["sim", "--port", "0", "--seed-users", "120", "--seed", "11"])
        .args([
            "--rate-limit-minute",
            "0",
            "--rate-limit-hour",
            "0",
            "--state",
        ])
        .arg(state)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("VSYNC_SIM_APIKEY", API_KEY)
        .env("VSYNC_SIM_USERNAME", USERNAME)
        .env("VSYNC_SIM_PASSWORD", PASSWORD);
    spawn_sim(command).await
}

/// Starts a `vsync sim` command and waits for its address.
#[cfg(unix)]
pub async fn spawn_sim(mut command: Command) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("vsync sim starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let url = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::task::spawn_blocking(move || {
            let mut lines = std::io::BufReader::new(stdout).lines();
            let url = lines.find_map(|line| {
                line.ok()?
                    .strip_prefix("vsync-sim listening on ")
                    .map(str::to_owned)
            });
            // Keep draining, so the simulator never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            url
        }),
    )
    .await
    .expect("vsync sim listens within a minute")
    .expect("the reading task ran")
    .expect("vsync sim printed its address");
    (child, url)
}

/// Stops a [`sim_process`] with SIGTERM and checks it exits cleanly.
#[cfg(unix)]
pub async fn stop(mut child: std::process::Child) {
    let signalled = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let status = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::task::spawn_blocking(move || child.wait()),
    )
    .await
    .expect("vsync sim stops within 30 s of SIGTERM")
    .expect("the waiting task ran")
    .expect("vsync sim was waited for");
    assert!(status.success(), "vsync sim exited with {status}");
}
