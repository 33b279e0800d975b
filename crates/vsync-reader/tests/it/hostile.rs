//! Hostile workbooks, generated here: each is refused with a clear problem before calamine
//! allocates what its parts claim. (Their memory and time are measured with the `hostile`
//! example; see the README's benchmark table.)

use vsync_reader::{ProblemKind, ReadOptions, read_bytes};

use crate::craft;

#[track_caller]
fn refused_as_too_large(name: &str, bytes: &[u8], part: &str) -> String {
    let err = read_bytes(name, bytes, &ReadOptions::default()).unwrap_err();
    assert_eq!(err.problems.len(), 1, "{name}: {err}");
    let p = &err.problems[0];
    assert_eq!(p.kind, ProblemKind::TooLarge, "{name}: {p}");
    assert_eq!(&*p.file, name);
    assert!(p.message.contains(part), "{name}: {p}");
    p.message.clone()
}

#[test]
fn the_crafted_workbook_reads_when_it_tells_the_truth() {
    // The hostile workbooks are variations of this one: it must read, so that their refusal
    // is about what they claim.
    let state = read_bytes("honest.xlsx", &craft::honest(), &ReadOptions::default()).unwrap();
    assert_eq!(state.users.len(), 1);
    assert_eq!(&*state.users[0].username, "jane@example.com");
}

#[test]
fn shared_strings_claiming_four_billion_entries_are_refused_before_calamine_reserves_them() {
    // Regression test: calamine reserved `uniqueCount` entries up front, 103 GB for a 2 KB
    // file, and the process aborted.
    let (name, bytes) = ("sst_four_billion.xlsx", &craft::sst_four_billion());
    assert!(bytes.len() < 4_096, "{}", bytes.len());
    let message = refused_as_too_large(name, bytes, "sharedstrings.xml");
    assert!(
        message.contains("declares 4294967295 shared strings"),
        "{message}"
    );
}

#[test]
fn shared_strings_claiming_more_than_an_address_space_are_refused_not_a_panic() {
    // Regression test: a count past what `Vec::reserve` can represent panicked with
    // "capacity overflow".
    let (name, bytes) = (
        "sst_capacity_overflow.xlsx",
        &craft::sst_capacity_overflow(),
    );
    refused_as_too_large(name, bytes, "sharedstrings.xml");
}

#[test]
fn sixty_million_tiny_shared_strings_are_refused_by_count() {
    // Regression test: 60 million one-letter strings in a few megabytes took 3.3 GB and 22 s,
    // then validated.
    let (name, bytes) = ("sst_sixty_million.xlsx", &craft::sst_sixty_million());
    assert!(bytes.len() < 10 << 20, "{}", bytes.len());
    let message = refused_as_too_large(name, bytes, "sharedstrings.xml");
    assert!(
        message.contains("more than 10000000 shared strings")
            || message.contains("bytes of memory"),
        "{message}"
    );
}

#[test]
fn few_huge_shared_strings_are_refused_by_memory_not_only_by_count() {
    // A thousand strings of a million characters: well under the count cap and under the
    // part-size cap, but a gigabyte once loaded.
    let (name, bytes) = ("sst_huge_strings.xlsx", &craft::sst_huge_strings());
    let message = refused_as_too_large(name, bytes, "sharedstrings.xml");
    assert!(message.contains("bytes of memory"), "{message}");
}

#[test]
fn styles_with_a_million_cell_formats_are_refused() {
    let (name, bytes) = (
        "styles_million_formats.xlsx",
        &craft::styles_million_formats(),
    );
    let message = refused_as_too_large(name, bytes, "styles.xml");
    assert!(message.contains("cell formats"), "{message}");
}

#[test]
fn styles_whose_formats_each_copy_a_huge_font_are_refused() {
    // calamine gives every cell format its own copy of its font.
    let (name, bytes) = ("styles_copied_font.xlsx", &craft::styles_copied_font());
    let message = refused_as_too_large(name, bytes, "styles.xml");
    assert!(message.contains("memory"), "{message}");
}

#[test]
fn a_workbook_part_calamine_reads_whole_is_kept_small() {
    let big_rels = vec![
        craft::Piece::text("<Relationships>"),
        craft::Piece::repeat(" ", 100 << 20),
        craft::Piece::text("</Relationships>"),
    ];
    let bytes = craft::workbook(
        craft::sst("count=\"2\" uniqueCount=\"2\"", Vec::new()),
        craft::styles(None),
        vec![("xl/worksheets/_rels/sheet1.xml.rels", big_rels)],
    );
    refused_as_too_large("rels.xlsx", &bytes, "sheet1.xml.rels");
}

#[test]
fn a_package_of_too_many_parts_is_refused() {
    let extra: Vec<(String, Vec<craft::Piece>)> = (0..10_001)
        .map(|i| (format!("xl/media/p{i}.bin"), vec![craft::Piece::text("x")]))
        .collect();
    let extra: Vec<(&str, Vec<craft::Piece>)> =
        extra.iter().map(|(n, p)| (n.as_str(), p.clone())).collect();
    let bytes = craft::workbook(
        craft::sst("count=\"2\" uniqueCount=\"2\"", Vec::new()),
        craft::styles(None),
        extra,
    );
    refused_as_too_large("parts.xlsx", &bytes, "parts");
}
