# Everyday commands. Each recipe is a plain cargo command: the README's commands work without just.

# The demo: plan and apply a realistic HRIS export against the embedded simulated tenant.
demo:
    cargo run --release -- demo

# Everything CI checks: formatting, lints, tests.
ci:
    bash .ci/run

# The test suite (the README's test command).
test:
    cargo test --workspace

# Formatting and lints as CI runs them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

fmt:
    cargo fmt --all

# Visier's official Python SDK against the simulated tenant.
sdk-check:
    bash scripts/python-sdk-check.sh

# Benchmarks (release builds; figures go in closing notes and docs).
bench:
    cargo bench --workspace

# A simulated tenant on port 8080 with 5,000 seeded users, kept in tenant.json.
sim:
    cargo run --release -p vsync-sim -- --port 8080 --seed-users 5000 --state tenant.json

# Install the vsync command into ~/.cargo/bin.
install:
    cargo install --locked --path crates/vsync-cli
