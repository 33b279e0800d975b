//! `vsync export --out folder/`: the folder is replaced whole, never written in place.

use std::path::Path;

use vsync_sim::{FaultKind, ScriptedFault};

use crate::harness::{sim, vsync};

/// Every file of `dir`, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The temporaries of `name` beside it: `.NAME.*`.
fn temporaries(parent: &Path, name: &str) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect()
}

/// Issue 13, case 10: a kill or an error part-way through an export left `users.csv` cut
/// beside the previous run's other files. The folder is now filled beside it and swapped in.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_export_leaves_the_previous_folder_whole_and_the_next_cleans_up() {
    let sim = sim(40).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let tenant = dir.path().join("tenant");
    let exported = files(&tenant);
    assert!(exported.iter().any(|(n, _)| n == "users.csv"));

    // The previous folder differs from what the next export would write.
    let users = tenant.join("users.csv");
    let mut edited = std::fs::read(&users).unwrap();
    edited.extend_from_slice(b"kept.user@example.com,Kept User,,kept.user@example.com,true\n");
    std::fs::write(&users, &edited).unwrap();
    let previous = files(&tenant);

    // The users are read, then reading the user groups fails.
    sim.script(ScriptedFault::first(
        http::Method::GET,
        vsync_api::paths::USER_GROUPS_V2,
        1,
        FaultKind::Status(400),
    ));
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "tenant"]).await;
    assert_ne!(run.code, 0, "{}", run.all());
    assert_eq!(files(&tenant), previous, "the previous folder is whole");
    assert!(temporaries(dir.path(), "tenant").is_empty());

    // What a run killed while filling its folder leaves beside it (a process that is gone).
    let killed = dir.path().join(".tenant.4294967295.new-x1y2z3");
    std::fs::create_dir(&killed).unwrap();
    std::fs::write(killed.join("users.csv"), b"username,displayN").unwrap();
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        files(&tenant),
        exported,
        "the folder is the new export, whole"
    );
    assert_eq!(
        temporaries(dir.path(), "tenant"),
        Vec::<String>::new(),
        "no temporary is left after the next export"
    );
}

/// Replacing a folder removes what it held: a folder with other files is refused, untouched.
#[tokio::test(flavor = "multi_thread")]
async fn an_export_into_a_folder_of_other_files_is_refused_and_removes_nothing() {
    let sim = sim(5).await;
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("notes.txt"), b"mine").unwrap();
    let run = vsync(dir.path(), Some(&sim.uri()), &["export", "--out", "docs"]).await;
    assert_eq!(run.code, 64, "{}", run.all());
    assert!(
        run.stderr.contains("notes.txt") && run.stderr.contains("empty folder"),
        "{}",
        run.all()
    );
    assert_eq!(
        files(&docs),
        vec![("notes.txt".to_owned(), b"mine".to_vec())]
    );
}
