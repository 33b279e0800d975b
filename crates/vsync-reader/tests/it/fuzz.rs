//! Arbitrary bytes through the CSV and XLSX paths: refused or read, never a panic.

use proptest::prelude::*;
use vsync_reader::{ReadLimits, ReadOptions, read_bytes};

use crate::craft::{self, Piece};
use crate::fixture;

fn options() -> ReadOptions {
    // Small caps, so that a mutated dimension cannot make a case slow.
    ReadOptions::default().with_limits(ReadLimits {
        max_rows: 10_000,
        max_columns: 200,
        max_cells: 100_000,
        ..ReadLimits::default()
    })
}

/// A declared count: small, near the caps, or anything at all.
fn declared() -> impl Strategy<Value = u64> {
    prop_oneof![0..100u64, 9_999_990..10_000_010u64, any::<u64>()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn csv_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_bytes("fuzz.csv", &bytes, &options());
    }

    #[test]
    fn csv_like_text_never_panics(text in "[a-z@.,;\"\n\r\t '=é]{0,200}") {
        let text = format!("username,email,accountEnabled,userGroups\n{text}");
        let _ = read_bytes("fuzz.csv", text.as_bytes(), &options());
    }

    #[test]
    fn xlsx_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_bytes("fuzz.xlsx", &bytes, &options());
    }

    #[test]
    fn mutated_workbook_never_panics(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), cut in any::<prop::sample::Index>(), truncate in any::<bool>()) {
        let mut bytes = std::fs::read(fixture("input/vsync.xlsx")).unwrap();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let _ = read_bytes("fuzz.xlsx", &bytes, &options());
    }

    #[test]
    fn shared_strings_with_any_declared_counts_never_panic(unique in declared(), count in declared(), strings in 0..40u64, raw in "[0-9a-z +-]{0,24}") {
        let body = vec![Piece::repeat("<si><t>x</t></si>", strings)];
        let attributes = format!("count=\"{count}\" uniqueCount=\"{unique}\"");
        let bytes = craft::workbook(craft::sst(&attributes, body.clone()), craft::styles(None), Vec::new());
        let result = read_bytes("fuzz.xlsx", &bytes, &options());
        if unique > options().limits.max_shared_strings {
            prop_assert!(result.is_err());
        }
        let attributes = format!("count=\"{raw}\" uniqueCount=\"{raw}\"");
        let bytes = craft::workbook(craft::sst(&attributes, body), craft::styles(None), Vec::new());
        let _ = read_bytes("fuzz.xlsx", &bytes, &options());
    }

    #[test]
    fn mutated_hostile_workbook_never_panics(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        // Stored parts: the flips land in the XML itself, declared counts included.
        let mut bytes = craft::sst_four_billion();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = read_bytes("fuzz.xlsx", &bytes, &options());
    }
}
