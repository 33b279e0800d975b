//! Reads an input file and prints what it holds, or every problem: the reader on its own,
//! for measuring peak memory (`/usr/bin/time -v`) and for trying files by hand.
//!
//! ```sh
//! cargo run --release -p vsync-reader --example read -- users.csv [--mapping mapping.toml]
//! cargo run --release -p vsync-reader --example read -- --generate 1000000 /tmp/users.csv
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use vsync_reader::{Mapping, ReadOptions, read};

#[path = "../benches/common/mod.rs"]
mod bench_data;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--generate") {
        let rows: usize = args[1].parse().expect("a row count");
        let path = PathBuf::from(&args[2]);
        if path.extension().is_some_and(|e| e == "xlsx") {
            bench_data::write_users_xlsx(&path, rows);
        } else {
            bench_data::write_users_csv(&path, rows);
        }
        return ExitCode::SUCCESS;
    }
    // The reader on its own: no tenant to fit, so no cap on the number of users.
    let mut options = ReadOptions::default().with_max_users(usize::MAX);
    let mut paths = Vec::new();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--mapping" => {
                let path = it.next().expect("a mapping file");
                options.mapping = Some(Mapping::load(path).unwrap_or_else(|e| panic!("{e}")));
            }
            "--bench-mapping" => options.mapping = Some(bench_data::mapping()),
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let start = Instant::now();
    match read(&paths, &options) {
        Ok(state) => {
            println!(
                "{} users, {} groups, managed {:?}, checksum {}, in {:.3}s",
                state.users.len(),
                state.groups.len(),
                state.managed,
                state.input.checksum,
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
