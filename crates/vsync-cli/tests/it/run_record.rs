//! The report's run section says who ran what: the account, the input and mapping with their
//! hashes, the policy with the guards' limits, the project asked for, vsync's version.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader as _};
use sha2::Digest as _;

use crate::harness::{self, Tenant, mapped, mapping_examples};

fn sha256(path: &Path) -> String {
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// The report files of the newest run, by extension (not `run.json`).
fn latest_report(dir: &Path, extension: &str) -> PathBuf {
    let latest = dir.join("vsync-reports/latest");
    std::fs::read_dir(&latest)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == extension) && !p.ends_with("run.json"))
        .unwrap_or_else(|| panic!("no .{extension} report in {}", latest.display()))
}

/// Issue 16: reports did not record who ran them, the mapping, the policy or the project.
#[tokio::test(flavor = "multi_thread")]
async fn a_syncs_report_names_the_account_and_the_mapping_in_every_format() {
    let tenant = Tenant::seeded(0).await;
    let export = mapping_examples().join("workday.csv");
    let mapping = mapping_examples().join("workday.toml");
    let run = tenant
        .vsync(&mapped("sync", (&export, &mapping), &[]))
        .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let (export_hash, mapping_hash) = (sha256(&export), sha256(&mapping));

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(latest_report(tenant.path(), "json")).unwrap())
            .unwrap();
    let facts = &json["run"];
    assert_eq!(facts["account"], harness::USERNAME, "{facts:#}");
    assert!(
        facts["mapping"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("workday.toml")),
        "{facts:#}"
    );
    assert_eq!(facts["mapping"]["sha256"], mapping_hash.as_str());
    assert_eq!(facts["inputs"][0]["sha256"], export_hash.as_str());
    assert_eq!(facts["policy"]["mode"], "mirror");
    assert_eq!(facts["policy"]["guards"].as_array().map(Vec::len), Some(5));
    assert_eq!(facts["projectChoice"], "auto");
    assert_eq!(facts["toolVersion"], env!("CARGO_PKG_VERSION"));

    let markdown = std::fs::read_to_string(latest_report(tenant.path(), "md")).unwrap();
    assert!(
        markdown.contains(&format!("| Account | {} |", harness::USERNAME))
            && markdown.contains(&mapping_hash),
        "{markdown}"
    );
    let said = run.stdout.replace("\n  ", " ");
    assert!(
        said.contains(&format!("account: {}", harness::USERNAME))
            && said.contains("mapping: ")
            && said.contains("workday.toml"),
        "{}",
        run.all()
    );

    let mut workbook = calamine::open_workbook_auto(latest_report(tenant.path(), "xlsx")).unwrap();
    let summary = workbook.worksheet_range("Summary").unwrap();
    let value_of = |label: &str| {
        summary
            .rows()
            .find(|row| matches!(row.first(), Some(Data::String(s)) if s == label))
            .and_then(|row| row.get(1).map(ToString::to_string))
    };
    assert_eq!(value_of("Account").as_deref(), Some(harness::USERNAME));
    assert!(
        value_of("Mapping")
            .is_some_and(|m| m.contains("workday.toml") && m.contains(&mapping_hash)),
        "{:?}",
        value_of("Mapping")
    );
}
