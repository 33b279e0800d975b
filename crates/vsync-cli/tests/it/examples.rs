//! The README's tour and every example, run as written against simulated tenants: the
//! commands are read out of the files, absolute paths are moved under a temporary root, and
//! the secrets are in the environment as a scheduler passes them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use vsync_model::{DesiredGroup, DesiredState, DesiredUser};
use vsync_sim::{Credentials, Sim};

use crate::harness::{self, Run, assert_no_secret};

/// The repository's root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: impl AsRef<Path>) -> String {
    let path = repo().join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fenced ```sh blocks of a Markdown file.
fn sh_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```sh") => current = Some(String::new()),
            (Some(block), l) if l.starts_with("```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// One shell line of a documented block: its words (comments stripped) and the exit code its
/// comment promises (`# exit 2`), 0 when it promises none.
struct Line {
    words: Vec<String>,
    expect: i32,
}

fn lines(block: &str) -> Vec<Line> {
    let joined = block.replace("\\\n", " ");
    joined
        .lines()
        .filter_map(|raw| {
            let (code, comment) = match raw.find(" #").or_else(|| raw.find('#').filter(|&i| i == 0))
            {
                Some(i) => (&raw[..i], &raw[i..]),
                None => (raw, ""),
            };
            let words = shlex::split(code.trim()).expect("the line is valid shell");
            if words.is_empty() {
                return None;
            }
            let expect = comment
                .split("exit ")
                .nth(1)
                .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            Some(Line { words, expect })
        })
        .collect()
}

/// Runs the documented commands of `block` in `dir`: `export` lines set variables, `vsync
/// sim` lines start simulated tenants (on a free port, without a rate limit, with their
/// addresses substituted for the documented ones), `cargo install` is already done, and
/// `vsync` lines run the binary and must exit as promised. `between` is called before each
/// `vsync` line with its words, to do what the block leaves to the reader.
async fn run_block(dir: &Path, block: &str, mut between: impl FnMut(&[String])) -> Vec<Run> {
    let mut vars: HashMap<String, String> = HashMap::new();
    let mut hosts: Vec<(String, String)> = Vec::new();
    let mut sims = Vec::new();
    let mut runs = Vec::new();
    for line in lines(block) {
        let mut words = line.words.clone();
        if words[0] == "export" {
            for pair in &words[1..] {
                let (k, v) = pair.split_once('=').expect("export K=V");
                vars.insert(k.to_owned(), v.to_owned());
            }
            continue;
        }
        if words[0] == "cargo" {
            continue;
        }
        let mut env = vars.clone();
        while words[0].contains('=') {
            let (k, v) = words[0].split_once('=').unwrap();
            env.insert(k.to_owned(), v.to_owned());
            words.remove(0);
        }
        if words.last().is_some_and(|w| w == "&") {
            words.pop();
        }
        assert_eq!(words[0], "vsync", "an unexpected command: {words:?}");
        if words[1] == "sim" {
            let mut args: Vec<String> = words[1..].to_vec();
            let port = args.iter().position(|a| a == "--port").expect("--port");
            let documented = args[port + 1].clone();
            args[port + 1] = "0".into();
            let mut command = Command::new(env!("CARGO_BIN_EXE_vsync"));
            command
                .args(&args)
                .args(["--rate-limit-minute", "0", "--rate-limit-hour", "0"])
                .current_dir(dir)
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default());
            let (child, url) = harness::spawn_sim(command).await;
            hosts.push((format!("http://127.0.0.1:{documented}"), url));
            sims.push(child);
            continue;
        }
        between(&words);
        let mut command = Command::new(env!("CARGO_BIN_EXE_vsync"));
        command
            .args(&words[1..])
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("VSYNC_STATE_DIR", harness::state_dir(dir))
            .env("VSYNC_RATE_TIME_SCALE", "60")
            .stdin(std::process::Stdio::null());
        for (k, v) in &env {
            let v = hosts.iter().fold(v.clone(), |v, (documented, real)| {
                v.replace(documented, real)
            });
            command.env(k, v);
        }
        let run = harness::run(command).await;
        assert_eq!(
            run.code,
            line.expect,
            "`{}` exits {}:\n{}",
            words.join(" "),
            line.expect,
            run.all()
        );
        runs.push(run);
    }
    for sim in sims {
        harness::stop(sim).await;
    }
    runs
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The README's five-minute tour, with step 3's edit made here.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_readme_tour_runs_as_written() {
    let readme = read("README.md");
    let tour = &readme[readme.find("## Five-minute tour").unwrap()..];
    let block = sh_blocks(tour).into_iter().next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("fixtures/hris"),
        &dir.path().join("fixtures/hris"),
    );
    let root = dir.path().to_path_buf();
    let runs = run_block(dir.path(), &block, |words| {
        if words.iter().any(|w| w == "--out") && words.iter().any(|w| w == "plan.json") {
            // Step 3: rename someone, add a user, move someone to another group.
            let path = root.join("tenant.xlsx");
            let mut state =
                vsync_reader::read(&[&path], &vsync_reader::ReadOptions::default()).unwrap();
            state.users[1].display_name = Some("Renamed In The Tour".into());
            let group = state
                .groups
                .iter()
                .map(|g| g.name.clone())
                .find(|g| !state.users[2].groups.iter().any(|m| m == g))
                .expect("a group the user is not in");
            state.users[2].groups.insert(&group);
            state.users.push(DesiredUser {
                username: "tour.hire@example.com".into(),
                display_name: Some("Tour Hire".into()),
                employee_id: Some("0990001".into()),
                email: Some("tour.hire@example.com".into()),
                account_enabled: Some(true),
                ..DesiredUser::default()
            });
            vsync_reader::write_xlsx_file(&state, &path).unwrap();
        }
    })
    .await;
    let planned = runs
        .iter()
        .find(|r| r.stdout.contains("plan: plan.json"))
        .expect("step 3 ran");
    assert!(
        planned.stdout.contains("3 changes: 3 planned"),
        "a rename, a membership and a new user:\n{}",
        planned.all()
    );
    assert!(dir.path().join("audit").read_dir().unwrap().count() >= 4);
    assert!(runs.last().unwrap().stdout.contains("tenant.host"));
}

/// The migration walkthrough's rehearsal on two simulated tenants.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_migration_rehearsal_runs_as_written() {
    let text = read("examples/migration/README.md");
    let rehearsal = &text[text.find("Rehearse the whole walkthrough").unwrap()..];
    let block = sh_blocks(rehearsal).into_iter().next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let runs = run_block(dir.path(), &block, |_| {}).await;
    assert_eq!(runs.len(), 4);
    let applied = std::fs::read_dir(dir.path().join("vsync-reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("-apply"))
        .expect("the apply's run folder");
    assert!(applied.join("apply-report.xlsx").is_file());
}

/// A machine laid out as the scheduler examples expect, under a temporary root: the settings
/// file and mapping in `/etc/vsync`, the export in `/data/hris`, reports and state in
/// `/var/lib/vsync`, and the secrets only in the environment (the `/run/secrets` files the
/// settings name do not exist).
struct Machine {
    root: tempfile::TempDir,
    sim: Sim,
}

const CLIENT_SECRET: &str = "e2e-client-secret-9d1e";

impl Machine {
    async fn new() -> Self {
        let sim = Sim::builder()
            .seed(11)
            .seed_users(0)
            .credentials(Credentials {
                username: harness::USERNAME.into(),
                password: harness::PASSWORD.into(),
                apikey: harness::API_KEY.into(),
                client_id: "vsync-nightly".into(),
                client_secret: CLIENT_SECRET.into(),
            })
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let machine = Self {
            root: tempfile::tempdir().unwrap(),
            sim,
        };
        let etc = machine.path("/etc/vsync");
        std::fs::create_dir_all(&etc).unwrap();
        std::fs::write(
            etc.join("vsync.toml"),
            machine.rewrite(&read("examples/vsync.toml")),
        )
        .unwrap();
        std::fs::copy(
            repo().join("fixtures/hris/mapping.toml"),
            etc.join("mapping.toml"),
        )
        .unwrap();
        let hris = machine.path("/data/hris");
        std::fs::create_dir_all(&hris).unwrap();
        std::fs::write(hris.join("export.csv"), Machine::export()).unwrap();
        std::fs::create_dir_all(machine.path("/var/lib/vsync")).unwrap();
        std::fs::create_dir_all(machine.path("/var/log/vsync")).unwrap();
        machine.load_groups().await;
        machine
    }

    /// `absolute` under the root.
    fn path(&self, absolute: &str) -> PathBuf {
        self.root.path().join(absolute.trim_start_matches('/'))
    }

    /// The example's text with its absolute paths under the root.
    fn rewrite(&self, text: &str) -> String {
        let mut text = text.replace("/usr/local/bin/vsync", env!("CARGO_BIN_EXE_vsync"));
        for dir in [
            "/etc/vsync",
            "/data/hris",
            "/var/lib/vsync",
            "/var/log/vsync",
            "/run/secrets",
        ] {
            text = text.replace(dir, &self.path(dir).display().to_string());
        }
        text
    }

    /// The HRIS export, with the example's domain (its scope is `*@acme.com`).
    fn export() -> String {
        read("fixtures/hris/hris_export.csv").replace("@example.com", "@acme.com")
    }

    /// The groups the mapping derives exist in the tenant before the first night.
    async fn load_groups(&self) {
        let offices = ["Berlin", "London", "Toronto", "Vancouver"];
        let state = DesiredState {
            users: vec![DesiredUser {
                username: harness::USERNAME.into(),
                ..DesiredUser::default()
            }],
            groups: offices
                .iter()
                .map(|o| DesiredGroup {
                    name: format!("{o} Office"),
                    ..DesiredGroup::default()
                })
                .collect(),
            ..DesiredState::default()
        };
        let dir = self.path("/setup");
        std::fs::create_dir_all(&dir).unwrap();
        vsync_reader::write_xlsx_file(&state, dir.join("groups.xlsx")).unwrap();
        let run = harness::vsync(
            &dir,
            Some(&self.sim.uri()),
            &[
                "sync",
                "--input",
                "groups.xlsx",
                "--mode",
                "upsert",
                "--force",
                "all",
            ],
        )
        .await;
        assert_eq!(run.code, 0, "{}", run.all());
    }

    /// [`Machine::secrets`] as an environment file.
    fn env_file(&self) -> String {
        self.secrets()
            .iter()
            .fold(String::new(), |text, (k, v)| text + k + "=" + v + "\n")
    }

    /// What a scheduler puts in the environment: the tenant and the secrets.
    fn secrets(&self) -> Vec<(&'static str, String)> {
        vec![
            ("VISIER_HOST", self.sim.uri()),
            ("VISIER_USERNAME", harness::USERNAME.to_owned()),
            ("VISIER_APIKEY", harness::API_KEY.to_owned()),
            ("VISIER_PASSWORD", harness::PASSWORD.to_owned()),
            ("VISIER_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ]
    }

    fn command(&self, program: &str, dir: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("/home/vsync"))
            .env("VSYNC_RATE_TIME_SCALE", "60")
            .stdin(std::process::Stdio::null());
        command
    }

    /// After the first night: the export's people are in the tenant, the reports are in a
    /// run folder, and no secret was written anywhere.
    fn assert_synced(&self, reports: &Path, run: &Run) {
        let users = self.sim.snapshot().users;
        assert!(
            users
                .iter()
                .filter(|u| u.username.ends_with("@acme.com"))
                .count()
                >= 290,
            "{}",
            run.all()
        );
        assert!(
            reports.join("latest/sync-report.json").is_file(),
            "{}",
            run.all()
        );
        assert_no_secret(&run.all());
        assert!(!run.all().contains(CLIENT_SECRET));
        for (path, text) in harness::text_files(self.root.path()) {
            if path.file_name().is_some_and(|n| n == "secrets.env") {
                continue; // where the deployment keeps them
            }
            for secret in [harness::API_KEY, harness::PASSWORD, CLIENT_SECRET] {
                assert!(!text.contains(secret), "{} holds a secret", path.display());
            }
        }
    }
}

/// Every line of a JSON-lines log is JSON, and the last is the run's result.
fn assert_json_log(text: &str, exit_code: i32) {
    let values: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let last = values.last().expect("a log");
    assert_eq!(last["event"], "run_finished", "{last}");
    assert_eq!(last["exit_code"], exit_code, "{last}");
}

/// Regression test: the shipped settings file, whose `*_file` settings name files a
/// container does not have, failed with "failed to read secret file" although the secrets
/// were in the environment. `vsync config` says where each came from.
#[tokio::test(flavor = "multi_thread")]
async fn the_shipped_settings_file_runs_with_its_secrets_in_the_environment() {
    let machine = Machine::new().await;
    let config = machine.path("/etc/vsync/vsync.toml");
    let work = machine.path("/var/lib/vsync");
    let mut command = machine.command(env!("CARGO_BIN_EXE_vsync"), &work);
    command.args(["--config", config.to_str().unwrap(), "config"]);
    command.envs(machine.secrets());
    let run = harness::run(command).await;
    assert_eq!(run.code, 0, "{}", run.all());
    for (setting, source) in [
        ("tenant.api_key", "env VISIER_APIKEY"),
        ("tenant.password", "env VISIER_PASSWORD"),
        ("tenant.client_secret", "env VISIER_CLIENT_SECRET"),
        ("tenant.host", "env VISIER_HOST"),
        ("tenant.client_id", "vsync.toml"),
        ("policy.mode", "vsync.toml"),
        ("limits.concurrency", "vsync.toml"),
        ("policy.verify", "vsync.toml"),
        ("report.keep_runs", "vsync.toml"),
    ] {
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{setting} ")))
            .unwrap_or_else(|| panic!("no {setting}:\n{}", run.stdout));
        assert!(line.contains(source), "{line}");
    }
    assert_no_secret(&run.all());
    assert!(!run.all().contains(CLIENT_SECRET));

    let mut command = machine.command(env!("CARGO_BIN_EXE_vsync"), &work);
    command.args([
        "--config",
        config.to_str().unwrap(),
        "sync",
        "--input",
        machine.path("/data/hris/export.csv").to_str().unwrap(),
    ]);
    command.envs(machine.secrets());
    let run = harness::run(command).await;
    assert_eq!(run.code, 0, "{}", run.all());
    machine.assert_synced(&machine.path("/var/lib/vsync/reports"), &run);
    assert!(machine.path("/var/lib/vsync/state/locks").is_dir());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_cron_example_runs_as_written() {
    let machine = Machine::new().await;
    let cron = read("examples/cron/vsync.cron");
    let line = cron
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap();
    // Five schedule fields and the user, then the command; cron turns `\%` into `%`.
    let command_line = line
        .split_whitespace()
        .skip(6)
        .collect::<Vec<_>>()
        .join(" ");
    let command_line = machine.rewrite(&command_line.replace("\\%", "%"));
    let env = machine.env_file();
    std::fs::write(machine.path("/etc/vsync/secrets.env"), env).unwrap();
    let today = machine
        .command("date", machine.root.path())
        .arg("+%F")
        .output()
        .unwrap();
    let today = String::from_utf8(today.stdout).unwrap();
    std::fs::copy(
        machine.path("/data/hris/export.csv"),
        machine.path(&format!("/data/hris/export-{}.csv", today.trim())),
    )
    .unwrap();
    let work = machine.path("/var/lib/vsync");
    let mut sh = machine.command("sh", &work);
    sh.args(["-c", &command_line]);
    let run = harness::run(sh).await;
    assert_eq!(run.code, 0, "{command_line}\n{}", run.all());
    let log = std::fs::read_to_string(machine.path("/var/log/vsync/nightly.jsonl")).unwrap();
    assert_json_log(&log, 0);
    machine.assert_synced(&machine.path("/var/lib/vsync/reports"), &run);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_systemd_example_runs_as_written() {
    let machine = Machine::new().await;
    let unit = read("examples/systemd/vsync-nightly.service");
    let value = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no {key}="))
            .to_owned()
    };
    let failure_unit = value("OnFailure").replace("%n", "");
    assert!(
        repo()
            .join("examples/systemd")
            .join(&failure_unit)
            .is_file(),
        "OnFailure names {failure_unit}, which the example ships"
    );
    let work = PathBuf::from(machine.rewrite(&value("WorkingDirectory")));
    let env_file = PathBuf::from(machine.rewrite(&value("EnvironmentFile")));
    let env = machine.env_file();
    std::fs::write(&env_file, env).unwrap();
    let exec = shlex::split(&machine.rewrite(&value("ExecStart"))).unwrap();
    let mut command = machine.command(&exec[0], &work);
    command.args(&exec[1..]);
    for line in std::fs::read_to_string(&env_file).unwrap().lines() {
        let (k, v) = line.split_once('=').unwrap();
        command.env(k, v);
    }
    let run = harness::run(command).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_json_log(&run.stdout, 0);
    machine.assert_synced(&machine.path("/var/lib/vsync/reports"), &run);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_kubernetes_example_runs_as_written_and_its_image_is_built_by_the_dockerfile() {
    let machine = Machine::new().await;
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&read("examples/kubernetes/cronjob.yaml")).unwrap();
    assert_eq!(
        yaml["spec"]["concurrencyPolicy"], "Forbid",
        "two overlapping pods are forbidden: the lock cannot see another node"
    );
    let container = &yaml["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
    let image = container["image"].as_str().unwrap();
    let dockerfile = read("examples/kubernetes/Dockerfile");
    let build = format!("docker build -f examples/kubernetes/Dockerfile -t {image} .");
    assert!(
        dockerfile.contains(&build),
        "the Dockerfile says how to build {image}"
    );
    assert!(read("examples/kubernetes/cronjob.yaml").contains(&build));
    assert!(dockerfile.contains("cargo install --locked --path crates/vsync-cli"));
    assert!(dockerfile.contains("ENTRYPOINT [\"/usr/local/bin/vsync\"]"));

    let args: Vec<String> = container["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| machine.rewrite(a.as_str().unwrap()))
        .collect();
    let mut command = machine.command(env!("CARGO_BIN_EXE_vsync"), &machine.path("/var/lib/vsync"));
    command.args(&args).envs(machine.secrets());
    let run = harness::run(command).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_json_log(&run.stdout, 0);
    machine.assert_synced(&machine.path("/var/lib/vsync/reports"), &run);
}

/// The CI example plans on every change to the export and syncs on its schedule.
#[tokio::test(flavor = "multi_thread")]
async fn the_ci_example_plans_every_change_and_syncs_nightly() {
    let machine = Machine::new().await;
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&read("examples/ci/nightly-sync.yml")).unwrap();
    let on = &yaml["on"];
    assert!(
        on["push"]["paths"].is_sequence() && on["schedule"].is_sequence(),
        "{on:?}"
    );
    let checkout = machine.path("/checkout");
    std::fs::create_dir_all(checkout.join("hris")).unwrap();
    std::fs::write(checkout.join("hris/export.csv"), Machine::export()).unwrap();
    std::fs::copy(
        repo().join("fixtures/hris/mapping.toml"),
        checkout.join("hris/mapping.toml"),
    )
    .unwrap();
    let secrets: HashMap<&str, String> = machine.secrets().into_iter().collect();
    for (job, command_word) in [("plan", "plan"), ("sync", "sync")] {
        let steps = yaml["jobs"][job]["steps"].as_sequence().unwrap();
        let step = steps
            .iter()
            .find(|s| s["run"].as_str().is_some_and(|r| r.starts_with("vsync ")))
            .unwrap_or_else(|| panic!("the {job} job runs vsync"));
        let words = shlex::split(step["run"].as_str().unwrap()).unwrap();
        assert!(words.contains(&command_word.to_owned()), "{words:?}");
        let mut command = machine.command(env!("CARGO_BIN_EXE_vsync"), &checkout);
        command.args(&words[1..]);
        for (name, _) in step["env"].as_mapping().unwrap() {
            let name = name.as_str().unwrap();
            command.env(name, &secrets[name]);
        }
        let before = machine.sim.mutating_request_count();
        let run = harness::run(command).await;
        assert_eq!(run.code, 0, "{job}:\n{}", run.all());
        assert_json_log(&run.stdout, 0);
        let sent = machine.sim.mutating_request_count() - before;
        if job == "plan" {
            assert_eq!(sent, 0, "a plan changes nothing");
            assert!(checkout.join("reports/latest/plan-report.json").is_file());
        } else {
            assert!(sent > 0);
            machine.assert_synced(&checkout.join("reports"), &run);
        }
    }
}
