//! What reading found: the sheets and their roles, the columns nothing reads, the groups the
//! mapping derives and how its value maps fared. `validate` prints it; it is returned whether
//! or not the input was accepted, since it often explains the problems.

use std::fmt;

use vsync_model::DerivedGroup;

/// What reading found, for a person checking a mapping. See [`read_with_summary`](crate::read_with_summary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadSummary {
    /// The sheets read, in the order they were read.
    pub sheets: Vec<SheetSummary>,
    /// The groups the mapping's rules derive, with the rule, first row and member count.
    pub derived: Vec<DerivedGroup>,
    /// One per value map of the mapping and sheet it applied to.
    pub value_maps: Vec<ValueMapSummary>,
}

/// One sheet (or CSV file) read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SheetSummary {
    /// The file, as given.
    pub file: String,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    /// What the sheet holds: `Users`, `UserGroups`, `Memberships`, ...
    pub kind: &'static str,
    /// Data rows read.
    pub rows: usize,
    /// Whether the mapping applied to it.
    pub mapped: bool,
    /// Its columns that nothing reads, as the file spells them.
    pub unread: Vec<String>,
    /// Its columns the mapping leaves unread on purpose (`[ignore] columns`).
    pub ignored: Vec<String>,
}

/// How a value map fared on a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValueMapSummary {
    /// The vsync field the map fills (`accountEnabled`).
    pub field: &'static str,
    /// The column it reads, as the file spells it (`Worker Status`).
    pub column: String,
    /// Values met that the map translates, most rows first.
    pub mapped: Vec<ValueCount>,
    /// Values met that the map does not list (used as they are), most rows first.
    pub unmapped: Vec<ValueCount>,
}

/// A value and how many rows hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValueCount {
    /// The value, as first met.
    pub value: String,
    /// Rows holding it.
    pub rows: u64,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for ValueMapSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} mapped",
            self.column,
            plural(self.mapped.len() as u64, "value", "values")
        )?;
        if !self.unmapped.is_empty() {
            let values: Vec<String> = self
                .unmapped
                .iter()
                .map(|v| {
                    format!(
                        "\"{}\" in {}",
                        v.value.escape_debug(),
                        plural(v.rows, "row", "rows")
                    )
                })
                .collect();
            write!(
                f,
                ", {} unmapped {} {}",
                self.unmapped.len(),
                if self.unmapped.len() == 1 {
                    "value"
                } else {
                    "values"
                },
                values.join(", ")
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for ReadSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for sheet in &self.sheets {
            write!(f, "{}", sheet.file.escape_debug())?;
            if let Some(name) = &sheet.sheet {
                write!(f, ", sheet {}", name.escape_debug())?;
            }
            write!(
                f,
                ": {}, {}{}",
                sheet.kind,
                plural(sheet.rows as u64, "row", "rows"),
                if sheet.mapped {
                    ", through the mapping"
                } else {
                    ""
                }
            )?;
            writeln!(f)?;
            if !sheet.unread.is_empty() {
                let columns: Vec<String> = sheet
                    .unread
                    .iter()
                    .map(|c| c.escape_debug().to_string())
                    .collect();
                writeln!(f, "  columns nothing reads: {}", columns.join(", "))?;
            }
            if !sheet.ignored.is_empty() {
                let columns: Vec<String> = sheet
                    .ignored
                    .iter()
                    .map(|c| c.escape_debug().to_string())
                    .collect();
                writeln!(f, "  columns ignored on purpose: {}", columns.join(", "))?;
            }
        }
        if !self.derived.is_empty() {
            writeln!(f, "groups the mapping derives: {}", self.derived.len())?;
            for group in &self.derived {
                writeln!(
                    f,
                    "  \"{}\": {}{} (first at {}, {})",
                    group.name.escape_debug(),
                    plural(group.members as u64, "member", "members"),
                    if group.create {
                        ", created if the tenant lacks it"
                    } else {
                        ""
                    },
                    group.source,
                    group.rule
                )?;
            }
        }
        for map in &self.value_maps {
            writeln!(f, "{map}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_map_line_reads_like_a_sentence() {
        let map = ValueMapSummary {
            field: "accountEnabled",
            column: "Worker Status".into(),
            mapped: vec![
                ValueCount {
                    value: "Active".into(),
                    rows: 80,
                },
                ValueCount {
                    value: "On Leave".into(),
                    rows: 3,
                },
                ValueCount {
                    value: "Terminated".into(),
                    rows: 5,
                },
            ],
            unmapped: vec![ValueCount {
                value: "Contractor".into(),
                rows: 12,
            }],
        };
        assert_eq!(
            map.to_string(),
            "Worker Status: 3 values mapped, 1 unmapped value \"Contractor\" in 12 rows"
        );
    }
}
