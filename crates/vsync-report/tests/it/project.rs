//! The run's draft project and the production versions it published, in every format.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use vsync_report::{ProductionVersions, Report, RunMode, RunProject, TerminalOptions};

use crate::fixtures::{sample_facts, sample_outcomes, sample_plan};

const ID: &str = "0b6c2a46-6c38-4f0e-9d0e-3f5b1a4c9e21";

fn report(published: bool) -> Report {
    let plan = sample_plan();
    let outcomes = sample_outcomes(&plan);
    let mut facts = sample_facts(&plan, RunMode::Sync);
    facts.project = Some(RunProject {
        id: ID.into(),
        name: Some("vsync sync 2026-11-22T02:00:00Z input 9f86d081".into()),
        published,
        note: (!published).then(|| format!("not published: `vsync project publish {ID}`")),
    });
    facts.production_versions = Some(ProductionVersions {
        count: u64::from(published),
        ids: if published {
            vec![ID.into()]
        } else {
            Vec::new()
        },
    });
    Report::new(&plan, &outcomes, facts)
}

#[test]
fn the_terminal_and_markdown_name_the_project_and_its_versions() {
    let options = TerminalOptions {
        color: false,
        width: 200,
        max_rows: 5,
    };
    let published = report(true).render_terminal(&options);
    assert!(
        published.contains(&format!("project {ID} (vsync sync"))
            && published.contains(": published, 1 production version ("),
        "{published}"
    );
    let held = report(false).render_terminal(&options);
    assert!(
        held.contains(": not published, 0 production versions")
            && held.contains(&format!("vsync project publish {ID}")),
        "{held}"
    );
    let md = report(false).to_markdown();
    assert!(
        md.contains(&format!("| Project | {ID} (vsync sync")),
        "{md}"
    );
    assert!(md.contains("| Project note | not published"), "{md}");
    assert!(
        md.contains("| Production versions | 0 production versions |"),
        "{md}"
    );
}

#[test]
fn the_json_and_the_workbook_carry_the_project() {
    let mut bytes = Vec::new();
    report(true).write_json(&mut bytes).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["run"]["project"]["id"], ID);
    assert_eq!(json["run"]["project"]["published"], true);
    assert_eq!(json["run"]["productionVersions"]["count"], 1);
    assert_eq!(json["run"]["productionVersions"]["ids"][0], ID);

    let book = report(false).to_xlsx().unwrap();
    let mut book = Xlsx::new(Cursor::new(book)).unwrap();
    let summary = book.worksheet_range("Summary").unwrap();
    let value = |label: &str| {
        summary
            .rows()
            .find(|r| matches!(r.first(), Some(Data::String(s)) if s == label))
            .map_or_else(|| panic!("no {label}"), |r| r[1].to_string())
    };
    assert_eq!(value("Project ID"), ID);
    assert_eq!(value("Project published"), "no");
    assert!(value("Project note").contains("vsync project publish"));
    assert_eq!(value("Production versions"), "0");
}
