//! Reading speed: a 1,000,000-row users CSV (about 100 MB) and a 100,000-row users XLSX,
//! each read, mapped and validated. The files are generated into a temporary folder first.
//!
//! ```sh
//! cargo bench -p vsync-reader --bench read
//! ```

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{mapping, write_users_csv, write_users_xlsx};
use criterion::{Criterion, criterion_group, criterion_main};
use vsync_reader::{ReadOptions, read};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("users.csv");
    write_users_csv(&csv, 1_000_000);
    let xlsx = dir.path().join("users.xlsx");
    write_users_xlsx(&xlsx, 100_000);
    let options = ReadOptions::default()
        .with_mapping(mapping())
        .with_max_users(1_000_000);
    eprintln!(
        "users.csv: {} bytes",
        std::fs::metadata(&csv).unwrap().len()
    );

    let mut group = c.benchmark_group("read");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("csv_1m_rows", |b| {
        b.iter(|| {
            let state = read(&[&csv], &options).unwrap();
            assert_eq!(state.users.len(), 1_000_000);
            black_box(state)
        });
    });
    group.bench_function("xlsx_100k_rows", |b| {
        b.iter(|| {
            let state = read(&[&xlsx], &options).unwrap();
            assert_eq!(state.users.len(), 100_000);
            black_box(state)
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
