//! Writes the hostile workbooks the reader's tests generate, for measuring by hand how the
//! reader refuses them (memory and time):
//!
//! ```sh
//! cargo run --release -p vsync-reader --example hostile -- /tmp/hostile
//! for f in /tmp/hostile/*.xlsx; do /usr/bin/time -f "%e s %M KB" target/release/examples/read "$f"; done
//! ```

use std::path::PathBuf;

#[path = "../tests/it/craft.rs"]
mod craft;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("a folder to write to"));
    std::fs::create_dir_all(&dir).expect("the folder can be created");
    for (name, make) in craft::HOSTILE {
        let bytes = make();
        std::fs::write(dir.join(name), &bytes).expect("the file can be written");
        println!("{name}: {} bytes", bytes.len());
    }
}
