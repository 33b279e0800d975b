//! Arbitrary bytes through the CSV and XLSX paths: refused or read, never a panic.

use proptest::prelude::*;
use vsync_reader::{ReadLimits, ReadOptions, read_bytes};

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
}
