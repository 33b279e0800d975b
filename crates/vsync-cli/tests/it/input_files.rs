//! Input files end to end: every source check the reader makes refuses the file with exit 3 and
//! leaves the tenant as it was; the same export as CSV and as XLSX syncs to the same tenant; a
//! mapped export alone creates its derived groups on a fresh tenant; and every documented
//! mapping example plans against the simulated tenant.

use vsync_sim::{Sim, TenantSnapshot};

use crate::harness::{Run, Tenant, assert_no_secret, fixtures, mapped, mapping_examples, vsync};

#[path = "../../../vsync-reader/tests/it/craft.rs"]
mod craft;

/// What a sync may change: users, groups (with their members) and assignments.
fn changeable(sim: &Sim) -> TenantSnapshot {
    let mut snapshot = sim.snapshot();
    snapshot.application_log.clear();
    snapshot.correlation_ids.clear();
    snapshot.production_versions.clear();
    snapshot
}

/// Syncs `args` (an input and its options) and asserts it is refused as invalid input, with
/// nothing sent and nothing changed; returns the run.
async fn refused(tenant: &Tenant, args: &[&str]) -> Run {
    let before = changeable(&tenant.sim);
    tenant.sim.reset_counters();
    let mut argv = vec!["sync"];
    argv.extend_from_slice(args);
    let run = tenant.vsync(&argv).await;
    assert_eq!(run.code, 3, "refused as invalid input:\n{}", run.all());
    assert!(run.stderr.contains("nothing was applied"), "{}", run.all());
    assert_eq!(tenant.sim.mutating_request_count(), 0, "{}", run.all());
    assert_eq!(changeable(&tenant.sim), before, "the tenant is as it was");
    assert_no_secret(&run.all());
    run
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_cut_mid_row_exits_3_and_changes_nothing() {
    let tenant = Tenant::seeded(20).await;
    let export = std::fs::read(fixtures().join("hris/hris_export.csv")).unwrap();
    let cut = tenant.write("cut.csv", &export[..export.len() * 2 / 5]);
    let mapping = fixtures().join("hris/mapping.toml");
    let run = refused(
        &tenant,
        &["--input", &cut, "--mapping", mapping.to_str().unwrap()],
    )
    .await;
    assert!(run.stderr.contains("cut short"), "{}", run.all());
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_workbooks_exit_3_and_change_nothing() {
    let tenant = Tenant::seeded(20).await;
    for (name, make) in [
        (
            "sst_four_billion.xlsx",
            craft::sst_four_billion as craft::Make,
        ),
        ("sst_capacity_overflow.xlsx", craft::sst_capacity_overflow),
        ("sst_sixty_million.xlsx", craft::sst_sixty_million),
        ("styles_million_formats.xlsx", craft::styles_million_formats),
    ] {
        let file = tenant.write(name, make());
        let run = refused(&tenant, &["--input", &file]).await;
        assert!(
            run.stderr.contains("more than") && run.stderr.contains("limit"),
            "{name}: {}",
            run.all()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_misspelt_column_exits_3_with_the_column_meant() {
    let tenant = Tenant::seeded(20).await;
    let file = tenant.write(
        "users.csv",
        "username,dispalyName\nnew.person@example.com,New Person\n",
    );
    let run = refused(&tenant, &["--input", &file]).await;
    assert!(
        run.stderr.contains("column dispalyName")
            && run.stderr.contains("did you mean \"displayName\"?"),
        "{}",
        run.all()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn values_past_the_tenants_limits_exit_3_with_row_and_column() {
    let tenant = Tenant::seeded(20).await;
    let long = format!("{}@example.com", "a".repeat(70));
    let file = tenant.write(
        "users.csv",
        format!("username,displayName\n{long},Long Name\nesc@example.com,Kill \u{1b}[2J Test\n"),
    );
    let run = refused(&tenant, &["--input", &file]).await;
    assert!(
        run.stderr.contains("row 2, column username") && run.stderr.contains("75"),
        "{}",
        run.all()
    );
    assert!(
        run.stderr.contains("row 3, column displayName") && run.stderr.contains("U+001B (ESC)"),
        "{}",
        run.all()
    );
    assert!(!run.all().contains('\u{1b}'), "the escape is not echoed");

    // The tenant's size is a setting: a tenant that holds two users refuses three.
    let three = tenant.write(
        "three.csv",
        "username\na@example.com\nb@example.com\nc@example.com\n",
    );
    let run = refused(&tenant, &["--input", &three, "--max-users", "2"]).await;
    assert!(
        run.stderr.contains("row 4, column username")
            && run.stderr.contains("more than the tenant's limit of 2"),
        "{}",
        run.all()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_export_synced_as_csv_plans_to_nothing_as_xlsx() {
    let tenant = Tenant::seeded(0).await;
    let mapping = mapping_examples().join("workday.toml");
    let csv = fixtures().join("hris/workday_export.csv");
    let xlsx = fixtures().join("hris/workday_export.xlsx");
    let run = tenant.vsync(&mapped("sync", (&csv, &mapping), &[])).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        tenant
            .sim
            .snapshot()
            .users
            .iter()
            .any(|u| u.employee_id.as_deref() == Some("000013")),
        "zero-padded employee IDs reach the tenant"
    );
    let run = tenant
        .vsync(&mapped("plan", (&xlsx, &mapping), &["--detailed-exitcode"]))
        .await;
    assert_eq!(run.code, 0, "the XLSX plans to nothing:\n{}", run.all());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mapped_export_alone_creates_its_derived_groups_on_a_fresh_tenant() {
    // Regression test: the first run failed with `unknown user group "People Team"` unless a
    // second file declared the groups.
    let tenant = Tenant::seeded(0).await;
    let export = mapping_examples().join("workday.csv");
    let mapping = mapping_examples().join("workday.toml");
    let run = vsync(
        tenant.path(),
        None,
        &mapped("validate", (&export, &mapping), &[]),
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains("groups the mapping derives: 4")
            && run.stdout.contains("Worker Status: 3 values mapped")
            && run.stdout.contains("4 groups declared"),
        "{}",
        run.all()
    );

    let run = tenant
        .vsync(&mapped("sync", (&export, &mapping), &[]))
        .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let snapshot = tenant.sim.snapshot();
    let finance = snapshot
        .groups
        .iter()
        .find(|g| g.display_name == "Finance Team")
        .unwrap_or_else(|| panic!("no Finance Team in {:?}", snapshot.groups));
    assert_eq!(
        finance.description.as_deref(),
        Some("Workers of the Finance organization, cost center 4100")
    );
    let members: Vec<&str> = finance
        .manually_included_ids
        .iter()
        .filter_map(|id| snapshot.users.iter().find(|u| &u.user_id == id))
        .map(|u| u.username.as_str())
        .collect();
    assert_eq!(
        members,
        ["chloe.obrien@example.com", "aisha.garcia@example.com"]
    );

    let run = tenant
        .vsync(&mapped(
            "plan",
            (&export, &mapping),
            &["--detailed-exitcode"],
        ))
        .await;
    assert_eq!(run.code, 0, "re-planning finds nothing:\n{}", run.all());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_and_a_groups_file_are_read_together() {
    let tenant = Tenant::seeded(0).await;
    let groups = tenant.write(
        "access.csv",
        "displayName,description\nAuditors,Read-only reviewers\n",
    );
    let export = mapping_examples().join("workday.csv");
    let mapping = mapping_examples().join("workday.toml");
    let run = tenant
        .vsync(&mapped("sync", (&export, &mapping), &["--input", &groups]))
        .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        tenant
            .sim
            .snapshot()
            .groups
            .iter()
            .any(|g| g.display_name == "Auditors")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_mapping_example_plans_against_the_tenant() {
    // A tenant with no users yet: the plan creates every user, group and membership.
    let tenant = Tenant::seeded(0).await;
    for name in ["workday", "successfactors", "bamboohr", "adp"] {
        let export = mapping_examples().join(format!("{name}.csv"));
        let mapping = mapping_examples().join(format!("{name}.toml"));
        let run = tenant
            .vsync(&mapped(
                "plan",
                (&export, &mapping),
                &["--detailed-exitcode"],
            ))
            .await;
        assert_eq!(run.code, 2, "{name} plans changes:\n{}", run.all());
        assert!(
            run.stdout.contains("group             create"),
            "{name} creates its groups:\n{}",
            run.all()
        );
    }
    assert_eq!(
        tenant.sim.mutating_request_count(),
        0,
        "plans change nothing"
    );
}

/// Issue 16: an HRIS file without `--mapping` said "missing column username" with no hint
/// that a mapping exists. Each shipped example's export names its own example.
#[tokio::test(flavor = "multi_thread")]
async fn an_hris_export_without_a_mapping_names_the_example_that_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    for (file, system, example) in [
        ("workday.csv", "Workday", "workday.toml"),
        (
            "successfactors.csv",
            "SAP SuccessFactors",
            "successfactors.toml",
        ),
        ("bamboohr.csv", "BambooHR", "bamboohr.toml"),
        ("adp.csv", "ADP Workforce Now", "adp.toml"),
    ] {
        let export = mapping_examples().join(file);
        let run = vsync(
            dir.path(),
            None,
            &["validate", "--input", export.to_str().unwrap()],
        )
        .await;
        assert_eq!(run.code, 3, "{}", run.all());
        let said = run.all().replace('\n', " ");
        assert!(
            said.contains(&format!("the header is that of a {system} export"))
                && said.contains(&format!("--mapping examples/mappings/{example}")),
            "{file}: {}",
            run.all()
        );
        for other in [
            "workday.toml",
            "successfactors.toml",
            "bamboohr.toml",
            "adp.toml",
        ] {
            assert!(
                other == example || !said.contains(&format!("examples/mappings/{other}")),
                "{file} names {other} too: {}",
                run.all()
            );
        }
    }

    // A file that is no HRIS export gets no such hint.
    std::fs::write(dir.path().join("people.csv"), "user,name\nann@x.com,Ann\n").unwrap();
    let run = vsync(dir.path(), None, &["validate", "--input", "people.csv"]).await;
    assert_eq!(run.code, 3, "{}", run.all());
    assert!(!run.all().contains("--mapping examples/"), "{}", run.all());
}

/// Issue 15: without `create = true`, the first run failed with `unknown user group "People
/// Team"` alone and no hint of what to do. Every missing derived group is named, with the
/// rule and the row that derived it, and the ways to create them.
#[tokio::test(flavor = "multi_thread")]
async fn derived_groups_the_tenant_lacks_are_all_named_with_rule_row_and_the_way_out() {
    let tenant = Tenant::seeded(0).await;
    let mapping = std::fs::read_to_string(mapping_examples().join("workday.toml"))
        .unwrap()
        .replace("[derived_groups]\ncreate = true\n", "");
    assert!(!mapping.contains("create = true"));
    let mapping = tenant.write("workday.toml", mapping);
    let export = mapping_examples().join("workday.csv");
    let run = tenant
        .vsync(&mapped("sync", (&export, mapping.as_ref()), &[]))
        .await;
    assert_eq!(run.code, 3, "{}", run.all());
    assert_eq!(tenant.sim.mutating_request_count(), 0, "{}", run.all());
    let said = run.all().replace("\n  ", " ");
    for group in [
        "Finance Team",
        "People Team",
        "Engineering Team",
        "Contingent Workers",
    ] {
        assert!(
            said.contains(&format!("\"{group}\"")),
            "{group} is not named:\n{said}"
        );
    }
    assert!(
        said.contains("{Supervisory Organization} Team")
            && said.contains("rule 2 (\"Contingent Workers\")"),
        "the rule and the row are named:\n{said}"
    );
    assert!(
        said.contains("create = true") && said.contains("UserGroups"),
        "the way out is said:\n{said}"
    );
    assert!(
        said.contains("\"People Team\": derived by workday.toml, [[groups]] rule 1")
            && said.contains("workday.csv, row 3 (1 member)"),
        "{said}"
    );
}
