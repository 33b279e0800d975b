//! The committed fixtures are what the generator writes: regenerating them changes nothing.

use std::path::Path;

#[path = "../../examples/fixtures.rs"]
#[allow(dead_code, reason = "the example's `main` is not called here")]
mod fixtures;

fn files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                found.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn the_fixture_generator_reproduces_the_committed_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    fixtures::generate(dir.path()).unwrap();
    let committed = fixtures::root();
    let generated = files(dir.path());
    assert!(generated.len() > 30, "{generated:?}");
    for rel in &generated {
        let want = std::fs::read(committed.join(rel))
            .unwrap_or_else(|e| panic!("{rel} is generated but not committed: {e}"));
        let got = std::fs::read(dir.path().join(rel)).unwrap();
        assert!(
            want == got,
            "{rel} differs from what the generator writes; run `cargo run -p vsync-reader --example fixtures`"
        );
    }
}
