//! The problems that keep a run from planning: each with its place in the input, written to
//! every report format and grouped for the terminal.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use vsync_engine::{BatchLimits, ChangeSet, EngineError, ErrorKind};

use crate::Report;
use crate::facts::RunFacts;
use crate::format::thousands;
use crate::model::{RowSource, Summary};

/// The name of the workbook sheet that lists the problems (written only when there are some).
pub const PROBLEMS_SHEET: &str = "Problems";

/// One problem the input has against the tenant: what and where, down to the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemRow {
    /// `unknownName`, `contradiction` or `invalidPattern`.
    pub kind: String,
    /// The problem, without its place.
    pub message: String,
    /// Where in the input: file, sheet and row; `None` for a problem of the settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RowSource>,
    /// The column, when the problem is in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl ProblemRow {
    /// The row of one problem of the engine.
    pub fn new(problem: &EngineError) -> Self {
        let kind = match problem.kind() {
            ErrorKind::UnknownName => "unknownName",
            ErrorKind::Contradiction => "contradiction",
            ErrorKind::InvalidPattern => "invalidPattern",
            _ => "other",
        };
        Self {
            kind: kind.to_owned(),
            message: problem.message(),
            source: problem.at().map(RowSource::from),
            column: problem.column().map(str::to_owned),
        }
    }

    /// The place in words: `users.csv, row 3, column userGroups`.
    pub fn place(&self) -> Option<String> {
        let source = self.source.as_ref()?;
        let mut text = source.file.clone();
        if let Some(sheet) = &source.sheet {
            let _ = write!(text, ", sheet {sheet}");
        }
        let _ = write!(text, ", row {}", source.row);
        if let Some(column) = &self.column {
            let _ = write!(text, ", column {column}");
        }
        Some(text)
    }

    fn group(&self) -> &'static str {
        match self.kind.as_str() {
            "unknownName" => "names the tenant does not know",
            "contradiction" => "contradictions",
            "invalidPattern" => "invalid patterns",
            _ => "other problems",
        }
    }
}

impl Report {
    /// The report of a run the input's problems stopped before it planned anything: the facts,
    /// a headline that says so, and every problem (of [`EngineError::problems`]).
    pub fn of_problems(error: &EngineError, facts: RunFacts) -> Self {
        let empty = vsync_engine::plan(&ChangeSet::default(), &BatchLimits::default());
        let mut report = Self::new(&empty, &[], facts);
        report.problems = error.problems().iter().map(ProblemRow::new).collect();
        report.summary = Summary {
            headline: format!(
                "the input does not fit the tenant: {} problem(s); nothing was planned or applied",
                thousands(report.problems.len())
            ),
            ..report.summary
        };
        report
    }

    /// The problems grouped by kind, each group counted and showing its first `max` problems
    /// with their places, then how many more: what the terminal prints.
    pub fn problems_text(&self, max: usize) -> String {
        let mut groups: Vec<(&str, Vec<&ProblemRow>)> = Vec::new();
        for problem in &self.problems {
            match groups.iter_mut().find(|(g, _)| *g == problem.group()) {
                Some((_, rows)) => rows.push(problem),
                None => groups.push((problem.group(), vec![problem])),
            }
        }
        let mut text = String::new();
        for (group, rows) in groups {
            let _ = writeln!(text, "{group} ({}):", thousands(rows.len()));
            for row in rows.iter().take(max.max(1)) {
                match row.place() {
                    Some(place) => {
                        let _ = writeln!(text, "  {place}: {}", row.message);
                    }
                    None => {
                        let _ = writeln!(text, "  {}", row.message);
                    }
                }
            }
            if rows.len() > max.max(1) {
                let _ = writeln!(text, "  and {} more", thousands(rows.len() - max.max(1)));
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use vsync_engine::NameKind;
    use vsync_model::SourceRef;

    use super::*;

    #[test]
    fn problems_are_grouped_counted_and_placed() {
        let unknown = |name: &str, row| EngineError::UnknownName {
            what: NameKind::Group,
            name: name.into(),
            at: Some(SourceRef::sheet("t.xlsx", "Memberships", row)),
            column: Some("userGroup".into()),
            suggestion: None,
        };
        let error = EngineError::Multiple(vec![
            unknown("A", 2),
            EngineError::Contradiction {
                message: "two people".into(),
                at: Some(SourceRef::csv("users.csv", 4)),
            },
            unknown("B", 3),
            unknown("C", 4),
        ]);
        let report = Report::of_problems(&error, RunFacts::default());
        assert_eq!(report.problems.len(), 4);
        assert!(report.summary.headline.contains("4 problem(s)"));
        assert_eq!(
            report.problems_text(2),
            "names the tenant does not know (3):\n  t.xlsx, sheet Memberships, row 2, column userGroup: unknown user group \"A\"\n  t.xlsx, sheet Memberships, row 3, column userGroup: unknown user group \"B\"\n  and 1 more\ncontradictions (1):\n  users.csv, row 4: two people\n"
        );
    }
}
