//! Terminal and Markdown output, as snapshots with colour off.

use vsync_engine::outcome::Status;
use vsync_report::TerminalOptions;

use crate::fixtures::{applied_report, dry_run_report, empty_report, groups_plan, sample_facts};

fn plain(width: usize, max_rows: usize) -> TerminalOptions {
    TerminalOptions {
        color: false,
        width,
        max_rows,
    }
}

#[test]
fn terminal_applied_run() {
    insta::assert_snapshot!(applied_report().render_terminal(&plain(110, 40)));
}

#[test]
fn terminal_dry_run_truncated() {
    insta::assert_snapshot!(dry_run_report().render_terminal(&plain(90, 4)));
}

#[test]
fn terminal_nothing_to_do() {
    insta::assert_snapshot!(empty_report().render_terminal(&plain(100, 40)));
}

#[test]
fn terminal_group_plan_with_overridden_guards() {
    let plan = groups_plan();
    let report =
        vsync_report::Report::new(&plan, &[], sample_facts(&plan, vsync_report::RunMode::Plan));
    insta::assert_snapshot!(report.render_terminal(&plain(100, 40)));
}

#[test]
fn markdown_applied_run() {
    insta::assert_snapshot!(applied_report().to_markdown());
}

#[test]
fn markdown_dry_run() {
    insta::assert_snapshot!(dry_run_report().to_markdown());
}

#[test]
fn terminal_colour_only_when_asked() {
    let report = applied_report();
    let coloured = report.render_terminal(&TerminalOptions {
        color: true,
        width: 110,
        max_rows: 40,
    });
    assert!(coloured.contains("\x1b["), "colour on gives ANSI sequences");
    let plain_text = report.render_terminal(&plain(110, 40));
    assert!(!plain_text.contains('\x1b'), "colour off gives none");
}

#[test]
fn terminal_lines_fit_the_width() {
    let report = applied_report();
    for width in [40, 60, 80] {
        for line in report.render_terminal(&plain(width, 40)).lines() {
            assert!(line.chars().count() <= width, "{width}: {line:?}");
        }
    }
}

#[test]
fn terminal_shows_failures_first_and_counts_the_rest() {
    let report = applied_report();
    let text = report.render_terminal(&plain(200, 2));
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("status"))
        .skip(1)
        .filter(|l| !l.trim_start().starts_with('↳'))
        .collect();
    assert!(rows[0].trim_start().starts_with("failed"), "{text}");
    assert!(rows[1].trim_start().starts_with("unknown"), "{text}");
    let more = report.changes.len() - 2;
    assert_eq!(
        rows[2].trim(),
        format!("… and {more} more (see the XLSX report)")
    );
}

#[test]
fn markdown_and_terminal_agree_with_the_rows() {
    let report = applied_report();
    let failed = report
        .changes
        .iter()
        .filter(|r| r.status == Status::Failed)
        .count();
    assert_eq!(report.summary.changes.failed, failed);
    let md = report.to_markdown();
    let unknown = report
        .changes
        .iter()
        .filter(|r| r.status == Status::Unknown)
        .count();
    assert!(
        md.contains(&format!("## Failures ({})", failed + unknown)),
        "{md}"
    );
    assert!(
        md.contains(&format!("| **Total** | | **{}** |", report.changes.len())),
        "{md}"
    );
}
