//! The program: prints one ready line on stdout, serves, saves its state
//! file on Ctrl-C.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::harness::{client, within};

#[tokio::test]
async fn the_binary_prints_its_address_serves_and_saves_on_ctrl_c() {
    within(async {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("tenant.json");
        let mut child = Command::new(env!("CARGO_BIN_EXE_vsync-sim"))
            .args(["--port", "0", "--seed-users", "5", "--state"])
            .arg(&state)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).unwrap();
            line
        })
        .await
        .unwrap();
        let uri = line
            .trim_end()
            .strip_prefix("vsync-sim listening on ")
            .unwrap_or_else(|| panic!("{line:?}"));
        assert!(
            uri.starts_with("http://127.0.0.1:") && !uri.ends_with(":0"),
            "{uri}"
        );
        assert!(line.ends_with('\n') && line.lines().count() == 1);

        let http = client();
        let token = http
            .post(format!("{uri}/v1/admin/visierSecureToken"))
            .form(&[("username", "admin"), ("password", "admin")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let users: serde_json::Value = http
            .get(format!("{uri}/v1/admin/users"))
            .header("apikey", "dev-apikey")
            .header("Cookie", format!("VisierASIDToken={token}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(users["users"].as_array().unwrap().len(), 6);

        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
            .await
            .unwrap();
        assert!(status.success(), "{status}");
        let saved = std::fs::read_to_string(&state).unwrap();
        assert!(
            saved.contains("Login"),
            "the login was saved with the state"
        );
    })
    .await;
}
