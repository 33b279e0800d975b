//! The `verify` setting: how `apply` and `sync` check what they applied.

use super::{Layers, Setting};
use crate::cli::VerifyArg;

impl Layers<'_> {
    /// How to check an apply: `--verify`, then `[policy] verify`, then `answers`.
    pub fn verify(&self, flag: Option<VerifyArg>) -> Setting<VerifyArg> {
        self.pick(
            "verify",
            "--verify",
            None,
            flag,
            self.file.policy.verify,
            VerifyArg::Answers,
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::settings::{ArgSources, ConfigFile, Source};

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn verify_is_answers_unless_the_flag_or_the_file_says_full() {
        let sources = ArgSources::default();
        let empty = ConfigFile::default();
        let layers = Layers {
            file: &empty,
            env: no_env,
            args: &sources,
        };
        assert_eq!(layers.verify(None).value, VerifyArg::Answers);
        assert_eq!(layers.verify(None).source, Source::Default);
        let file =
            ConfigFile::parse("[policy]\nverify = \"full\"", Path::new("vsync.toml")).unwrap();
        let layers = Layers {
            file: &file,
            env: no_env,
            args: &sources,
        };
        assert_eq!(layers.verify(None).value, VerifyArg::Full);
        assert_eq!(
            layers.verify(Some(VerifyArg::Answers)).value,
            VerifyArg::Answers
        );
    }
}
