//! One module per subcommand.

pub mod apply;
pub mod audit;
pub mod bench;
pub mod demo;
pub mod export;
pub mod plan;
pub mod sync;
pub mod validate;
