//! The JSON report against its schema.

use std::path::PathBuf;

use serde_json::Value;
use vsync_report::{REPORT_VERSION, Report};

use crate::fixtures::{applied_report, dry_run_report, empty_report, groups_plan, sample_facts};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(manifest_dir().join("schema/report-v1.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn to_json(report: &Report) -> Value {
    let mut bytes = Vec::new();
    report.write_json(&mut bytes).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn reports_match_the_schema() {
    let validator = schema();
    let groups = groups_plan();
    let groups = Report::new(
        &groups,
        &[],
        sample_facts(&groups, vsync_report::RunMode::Plan),
    );
    let plan = crate::fixtures::sample_plan();
    let mut facts = sample_facts(&plan, vsync_report::RunMode::Sync);
    facts.project = Some(vsync_report::RunProject {
        id: "p-1".into(),
        name: Some("vsync sync".into()),
        published: false,
        note: Some("held".into()),
    });
    facts.production_versions = Some(vsync_report::ProductionVersions {
        count: 2,
        ids: vec!["v-2".into(), "v-1".into()],
    });
    let with_project = Report::new(&plan, &[], facts);
    let problems = Report::of_problems(
        &vsync_engine::EngineError::Multiple(vec![
            vsync_engine::EngineError::UnknownName {
                what: vsync_engine::NameKind::Profile,
                name: "Powr".into(),
                at: Some(vsync_model::SourceRef::sheet("t.xlsx", "UserProfiles", 2)),
                column: Some("profile".into()),
                suggestion: Some("Power".into()),
            },
            vsync_engine::EngineError::InvalidPattern {
                pattern: "[".into(),
                message: "unclosed".into(),
            },
        ]),
        vsync_report::RunFacts::default(),
    );
    assert_eq!(
        to_json(&problems)["problems"][0]["source"]["sheet"],
        "UserProfiles"
    );
    for (what, report) in [
        ("problems", problems),
        ("with a project", with_project),
        ("applied", applied_report()),
        ("dry run", dry_run_report()),
        ("empty", empty_report()),
        ("groups", groups),
    ] {
        assert_valid(&validator, &to_json(&report), what);
    }
}

/// The documented example is a real report of the fixture; `VSYNC_UPDATE_DOCS=1` rewrites it.
#[test]
fn docs_example_matches_the_schema() {
    let path = manifest_dir().join("../../docs/report-example.json");
    if std::env::var_os("VSYNC_UPDATE_DOCS").is_some() {
        let mut bytes = Vec::new();
        applied_report().write_json(&mut bytes).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    let example: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_valid(&schema(), &example, "docs/report-example.json");
}

#[test]
fn schema_rejects_a_report_of_another_version() {
    let mut value = to_json(&applied_report());
    value["version"] = Value::from(REPORT_VERSION + 1);
    assert!(!schema().is_valid(&value));
    let mut value = to_json(&applied_report());
    value["changes"][0]["status"] = Value::from("done");
    assert!(!schema().is_valid(&value), "statuses are a closed set");
}

#[test]
fn json_round_trips() {
    let report = applied_report();
    let mut bytes = Vec::new();
    report.write_json(&mut bytes).unwrap();
    let back: Report = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back, report);
    assert!(bytes.ends_with(b"}\n"));
}

#[test]
fn json_counts_agree_with_the_rows() {
    let value = to_json(&applied_report());
    assert_eq!(value["format"], "vsync-report");
    assert_eq!(value["version"], 1);
    let changes = value["changes"].as_array().unwrap();
    assert_eq!(value["summary"]["changes"]["total"], changes.len());
    for status in ["applied", "failed", "skipped", "unknown", "planned"] {
        let n = changes.iter().filter(|c| c["status"] == status).count();
        assert_eq!(value["summary"]["changes"][status], n, "{status}");
    }
    let by_entity: u64 = value["summary"]["byEntityAction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["total"].as_u64().unwrap())
        .sum();
    assert_eq!(by_entity as usize, changes.len());
}

#[test]
fn a_dry_run_plans_every_change() {
    let value = to_json(&dry_run_report());
    assert!(
        value["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "planned")
    );
    assert!(
        value["summary"]["headline"]
            .as_str()
            .unwrap()
            .starts_with("dry run: ")
    );
}
