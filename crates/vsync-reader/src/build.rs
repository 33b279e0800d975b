//! Turns rows into a validated [`DesiredState`], collecting every problem on the way.
//!
//! The sources (CSV, XLSX) stream rows into a [`Builder`]: first [`Builder::begin`] with the
//! header row, which checks the columns and compiles the mapping into a [`SheetPlan`], then
//! [`Builder::row`] for every non-blank data row, then [`Builder::end`]. Every Users sheet
//! comes first (from any number of files); [`Builder::end_users`] then checks duplicates
//! across them and the tenant's size, and indexes the users so that long-form sheets can name
//! them. Contradictions between wide columns and long sheets are checked in
//! [`Builder::finish`].

mod columns;
mod derived;
mod duplicates;
mod limits;
mod long;
mod rows;
mod values;

use std::collections::HashMap;
use std::sync::Arc;

use vsync_model::{
    DerivedGroup, DesiredGroup, DesiredState, DesiredUser, Managed, NameKey, RelationRow, SourceRef,
};

use crate::error::{Problem, ProblemKind};
use crate::options::ReadOptions;
use crate::schema::SheetKind;
use crate::summary::{ReadSummary, SheetSummary, ValueCount, ValueMapSummary};

pub(crate) use columns::SheetPlan;
use duplicates::{UserIndex, UsersSheet};
use long::{Long, Relation};
use values::ValueStats;

/// Why a cell has no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CellFault {
    /// The bytes are not UTF-8.
    InvalidUtf8,
    /// The spreadsheet shows an error such as `#N/A`.
    Error(String),
    /// A number whose format vsync does not reproduce: its value and the format code.
    Format {
        /// The number, in its shortest form.
        value: String,
        /// The format code, as the workbook spells it.
        format: Box<str>,
    },
}

/// One row of cells, as a source holds it.
pub(crate) trait Row {
    /// The cell's text; `""` past the end of the row.
    fn cell(&self, i: usize) -> Result<&str, CellFault>;
    /// How many cells the row has.
    fn len(&self) -> usize;
}

/// Where a sheet is: file, and sheet for workbooks.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub(crate) file: Arc<str>,
    pub(crate) sheet: Option<Arc<str>>,
    /// A row of this sheet, whose file and sheet names every row shares.
    rows: SourceRef,
}

impl Place {
    pub(crate) fn new(file: Arc<str>, sheet: Option<Arc<str>>) -> Self {
        let rows = SourceRef::new(&file, sheet.as_deref(), 0);
        Self { file, sheet, rows }
    }

    pub(crate) fn problem(&self, kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem::file(kind, &self.file, message).in_sheet(self.sheet.as_ref())
    }

    fn source(&self, row: u64) -> SourceRef {
        self.rows.with_row(row)
    }

    /// Whether `source` is a row of this sheet.
    fn holds(&self, source: &SourceRef) -> bool {
        source.file() == &*self.file && source.sheet_name() == self.sheet.as_deref()
    }
}

/// Collects problems up to a cap.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub(crate) list: Vec<Problem>,
    pub(crate) omitted: usize,
    max: usize,
}

impl Problems {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            list: Vec::new(),
            omitted: 0,
            max: max.max(1),
        }
    }

    pub(crate) fn push(&mut self, problem: Problem) {
        if self.list.len() < self.max {
            self.list.push(problem);
        } else {
            self.omitted += 1;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty() && self.omitted == 0
    }
}

/// Accumulates the desired state.
pub(crate) struct Builder<'o> {
    options: &'o ReadOptions,
    pub(crate) problems: Problems,
    users: Vec<DesiredUser>,
    user_index: UserIndex,
    /// `(hash of the employee ID, index)` per user, checked once the Users sheets are read.
    employee_hashes: Vec<(u32, u32)>,
    /// Where the Users sheets' problems start, to keep them in row order.
    users_problems_start: usize,
    /// The Users sheets read, in order.
    users_sheets: Vec<UsersSheet>,
    /// Whether [`Builder::end_users`] ran.
    users_done: bool,
    /// Per user: bit 0 the wide userGroups cell was not blank, bit 1 permissions, bit 2 profiles.
    wide: Vec<u8>,
    groups: Vec<DesiredGroup>,
    group_index: HashMap<NameKey, u32>,
    group_wide: Vec<bool>,
    /// Per group: declared by a mapping rule rather than a row of its own.
    group_derived: Vec<bool>,
    derived: Vec<DerivedGroup>,
    /// Folded derived group name to its index in `derived`.
    derived_index: HashMap<String, u32>,
    long: [HashMap<u32, Long>; 4],
    /// Every entry of a long-form sheet with its row, in row order.
    relation_rows: Vec<RelationRow>,
    managed: Managed,
    pub(crate) user_rows: usize,
    users_seen: bool,
    hasher: foldhash::fast::RandomState,
    /// A reused buffer for case-folded lookups.
    scratch: String,
    value_stats: Vec<ValueStats>,
    sheets: Vec<SheetSummary>,
    /// The row whose faulty cells were reported, and which cells, so each is reported once.
    faults: (u64, Vec<usize>),
}

impl<'o> Builder<'o> {
    pub(crate) fn new(options: &'o ReadOptions, expected_users: usize) -> Self {
        Self {
            options,
            problems: Problems::new(options.max_problems),
            users: Vec::with_capacity(expected_users),
            user_index: UserIndex::default(),
            employee_hashes: Vec::new(),
            users_problems_start: 0,
            users_sheets: Vec::new(),
            users_done: false,
            wide: Vec::with_capacity(expected_users),
            groups: Vec::new(),
            group_index: HashMap::new(),
            group_wide: Vec::new(),
            group_derived: Vec::new(),
            derived: Vec::new(),
            derived_index: HashMap::new(),
            long: [
                HashMap::new(),
                HashMap::new(),
                HashMap::new(),
                HashMap::new(),
            ],
            relation_rows: Vec::new(),
            managed: Managed::default(),
            user_rows: 0,
            users_seen: false,
            hasher: foldhash::fast::RandomState::default(),
            scratch: String::new(),
            value_stats: Vec::new(),
            sheets: Vec::new(),
            faults: (0, Vec::new()),
        }
    }

    pub(crate) fn options(&self) -> &'o ReadOptions {
        self.options
    }

    pub(crate) fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Makes room for about `n` users (an estimate from the file size), no more than the
    /// tenant may hold.
    pub(crate) fn reserve_users(&mut self, n: usize) {
        let n = n
            .min(self.options.tenant.max_users.saturating_add(1))
            .saturating_sub(self.users.len());
        self.users.reserve(n);
        self.wide.reserve(n);
        self.user_index.hashes.reserve(n);
        self.employee_hashes.reserve(n);
    }

    /// Ends a sheet: a Users sheet without data rows is refused (a truncated export would
    /// otherwise remove everyone).
    pub(crate) fn end(&mut self, plan: &SheetPlan) {
        let columns = |ignored: bool| {
            plan.headers
                .iter()
                .enumerate()
                .filter(|(i, h)| !plan.used[*i] && plan.ignored[*i] == ignored && !h.is_empty())
                .map(|(_, h)| h.clone())
                .collect()
        };
        self.sheets.push(SheetSummary {
            file: plan.place.file.to_string(),
            sheet: plan.place.sheet.as_deref().map(str::to_owned),
            kind: plan.kind.sheet_name(),
            rows: plan.rows,
            mapped: plan.mapped,
            unread: columns(false),
            ignored: columns(true),
        });
        if plan.kind != SheetKind::Users {
            return;
        }
        if plan.rows == 0 {
            self.problems.push(
                plan.place
                    .problem(ProblemKind::Empty, "no user rows below the header"),
            );
        }
    }

    /// Ends the Users sheets: checks duplicates across all of them and the tenant's size, and
    /// Whether a Users sheet has been read.
    pub(crate) fn has_users(&self) -> bool {
        self.users_seen
    }

    /// Reads one data row.
    pub(crate) fn row(&mut self, plan: &mut SheetPlan, row_no: u64, row: &dyn Row) {
        plan.rows += 1;
        match plan.kind {
            SheetKind::Users => self.user_row(plan, row_no, row),
            SheetKind::UserGroups => self.group_row(plan, row_no, row),
            SheetKind::Memberships => self.long_row(plan, row_no, row, Relation::Memberships),
            SheetKind::UserPermissions => {
                self.long_row(plan, row_no, row, Relation::UserPermissions);
            }
            SheetKind::UserProfiles => self.long_row(plan, row_no, row, Relation::UserProfiles),
            SheetKind::GroupPermissions => {
                self.long_row(plan, row_no, row, Relation::GroupPermissions);
            }
        }
    }

    /// Merges long-form sheets into the wide columns and returns the state and the summary.
    pub(crate) fn finish(mut self) -> (DesiredState, Problems, ReadSummary) {
        self.end_users();
        self.merge_long();
        let summary = ReadSummary {
            sheets: self.sheets,
            derived: self.derived.clone(),
            value_maps: self
                .value_stats
                .into_iter()
                .map(|s| {
                    let mut mapped: Vec<ValueCount> = s
                        .hits
                        .into_iter()
                        .filter_map(|(value, rows)| value.map(|value| ValueCount { value, rows }))
                        .collect();
                    mapped.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.value.cmp(&b.value)));
                    let mut unmapped: Vec<ValueCount> = s
                        .misses
                        .into_values()
                        .map(|(value, rows)| ValueCount { value, rows })
                        .collect();
                    unmapped.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.value.cmp(&b.value)));
                    ValueMapSummary {
                        field: s.field.header(),
                        column: s.column,
                        mapped,
                        unmapped,
                    }
                })
                .collect(),
        };
        let state = DesiredState {
            users: self.users,
            groups: self.groups,
            derived: self.derived,
            relation_rows: self.relation_rows,
            managed: self.managed,
            input: vsync_model::InputInfo::default(),
        };
        (state, self.problems, summary)
    }
}
