//! The terminal's own width decides how wide the output is (issue 16): shells do not export
//! `$COLUMNS`, so a command in an 80-column pane used to wrap mid-word. Run under a
//! pseudo-terminal (`script`) of a known width.

use std::process::Command;

use crate::harness::{self, Run, sim, vsync};

/// `vsync args` in `dir` on a pseudo-terminal `cols` wide, with `$COLUMNS` saying otherwise.
async fn on_a_terminal(dir: &std::path::Path, host: &str, cols: u16, args: &str) -> Run {
    let line = format!("stty cols {cols} rows 50; exec \"$VSYNC_BIN\" --color never {args}");
    let mut command = Command::new("script");
    command
        .args(["-qec", &line, "/dev/null"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("VSYNC_BIN", env!("CARGO_BIN_EXE_vsync"))
        .env("VISIER_APIKEY", harness::API_KEY)
        .env("VISIER_USERNAME", harness::USERNAME)
        .env("VISIER_PASSWORD", harness::PASSWORD)
        .env("VSYNC_STATE_DIR", harness::state_dir(dir))
        .env("VISIER_HOST", host)
        .env("COLUMNS", "250")
        .env("TERM", "dumb");
    harness::run(command).await
}

/// util-linux `script` makes the pseudo-terminal (the module is Linux only).
#[tokio::test(flavor = "multi_thread")]
async fn the_plan_fits_the_terminal_it_is_shown_on_whatever_columns_says() {
    let sim = sim(20).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    crate::commands::edit_users_csv(&dir.path().join("tenant"), |header, rows| {
        let display = crate::commands::column(header, "displayName");
        rows[1][display] = "A Display Name Long Enough To Need Far More Than Sixty Columns \
                            Of Any Terminal To Be Shown Whole On One Line"
            .into();
    });
    for cols in [60_usize, 100] {
        let run = on_a_terminal(
            dir.path(),
            &host,
            u16::try_from(cols).unwrap(),
            "plan --input tenant --detailed-exitcode",
        )
        .await;
        assert_eq!(run.code, 2, "{cols}: {}", run.all());
        // The report's tables and lines (the file paths after it are never cut).
        let widest = run
            .stdout
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .take_while(|l| !l.starts_with("reports: "))
            .map(|l| l.chars().count())
            .max()
            .unwrap_or_default();
        assert!(
            widest <= cols,
            "{cols} columns, a line of {widest}:\n{}",
            run.stdout
        );
        assert!(
            widest > cols - 20,
            "the width is used: {widest}\n{}",
            run.stdout
        );
    }
}
