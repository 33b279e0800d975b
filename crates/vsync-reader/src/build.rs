//! Turns rows into a validated [`DesiredState`], collecting every problem on the way.
//!
//! The sources (CSV, XLSX) stream rows into a [`Builder`]: first [`Builder::begin`] with the
//! header row, which checks the columns and compiles the mapping into a [`SheetPlan`], then
//! [`Builder::row`] for every non-blank data row, then [`Builder::end`]. Every Users sheet
//! comes first (from any number of files); [`Builder::end_users`] then checks duplicates
//! across them and the tenant's size, and indexes the users so that long-form sheets can name
//! them. Contradictions between wide columns and long sheets are checked in
//! [`Builder::finish`].

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::sync::Arc;

use vsync_model::{
    DerivedGroup, DesiredGroup, DesiredState, DesiredUser, Managed, NameKey, NameSet, SourceRef,
    UserKey,
};

use crate::cell::{
    clean, control_char, did_you_mean, header_key, is_valid_email, parse_bool, split_list, unescape,
};
use crate::error::{Problem, ProblemKind};
use crate::mapping::{FieldSpec, Part, Template, value_matches};
use crate::options::ReadOptions;
use crate::schema::{Column, SheetKind};
use crate::summary::{ReadSummary, SheetSummary, ValueCount, ValueMapSummary};

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

/// Where a field's text comes from, resolved against a header.
#[derive(Debug, Clone, Default)]
enum Source {
    #[default]
    Absent,
    Column(usize),
    Template(Vec<CPart>),
    Constant(String),
}

#[derive(Debug, Clone)]
enum CPart {
    Literal(String),
    Columns(Vec<usize>),
}

#[derive(Debug, Clone)]
struct CompiledRule {
    group: Vec<CPart>,
    when: Vec<(usize, Vec<String>)>,
    description: Option<Vec<CPart>>,
    create: bool,
    label: Arc<str>,
}

const COLUMNS: usize = 12;

fn slot(column: Column) -> usize {
    column as usize
}

/// A value map compiled for a sheet: the folded raw value, to the value and the entry's
/// index among the builder's [`ValueStats`].
#[derive(Debug)]
struct CompiledValues {
    map: HashMap<String, (String, u32)>,
    stats: usize,
}

/// A sheet's header, checked and compiled.
#[derive(Debug)]
pub(crate) struct SheetPlan {
    kind: SheetKind,
    place: Place,
    headers: Vec<String>,
    sources: [Source; COLUMNS],
    values: [Option<CompiledValues>; COLUMNS],
    rules: Vec<CompiledRule>,
    /// Whether the mapping applies to this sheet.
    mapped: bool,
    /// Per header: whether anything reads the column.
    used: Vec<bool>,
    /// Per header: whether the mapping leaves the column unread on purpose.
    ignored: Vec<bool>,
    /// Data rows seen.
    pub(crate) rows: usize,
}

impl SheetPlan {
    fn has(&self, column: Column) -> bool {
        !matches!(self.sources[slot(column)], Source::Absent)
    }

    /// The column's name for problems: the header as spelled, or the field name.
    fn label(&self, column: Column) -> &str {
        match &self.sources[slot(column)] {
            Source::Column(i) => &self.headers[*i],
            _ => column.header(),
        }
    }

    /// The header of column `i`, as spelled (empty past the header).
    pub(crate) fn header(&self, i: usize) -> &str {
        self.headers.get(i).map_or("", String::as_str)
    }

    /// The columns whose cells are keys (a formula there is refused).
    pub(crate) fn key_columns(&self) -> Vec<usize> {
        let keys: &[Column] = match self.kind {
            SheetKind::Users => &[Column::Username],
            SheetKind::UserGroups => &[Column::DisplayName],
            SheetKind::Memberships => &[Column::Username, Column::UserGroup],
            SheetKind::UserPermissions => &[Column::Username, Column::Permission],
            SheetKind::UserProfiles => &[Column::Username, Column::Profile],
            SheetKind::GroupPermissions => &[Column::UserGroup, Column::Permission],
        };
        keys.iter()
            .filter_map(|c| match self.sources[slot(*c)] {
                Source::Column(i) => Some(i),
                _ => None,
            })
            .collect()
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

/// How often a value map's entries and the values it lacks were met.
#[derive(Debug)]
struct ValueStats {
    field: Column,
    column: String,
    /// Per entry: the raw value as first met, and in how many rows.
    hits: Vec<(Option<String>, u64)>,
    /// Values not in the map, folded: as first met, and in how many rows.
    misses: HashMap<String, (String, u64)>,
}

/// Distinct unmapped values counted per value map; the rest are counted together.
const MAX_MISSES: usize = 1_000;

/// A Users sheet read, for naming the places of its users.
#[derive(Debug)]
struct UsersSheet {
    place: Place,
    username: String,
    employee_id: String,
}

/// Finds users by username, case-insensitively, without a key allocation per row for ASCII
/// names: the hashes of the folded names, sorted, each with its user's index. Sorting once
/// after the Users sheet is far cheaper than a million random probes into a hash map.
#[derive(Debug, Default)]
struct UserIndex {
    hasher: foldhash::fast::RandomState,
    /// `(hash of the folded username, index)`, sorted once the Users sheet is read. Eight
    /// bytes a user: a 32-bit hash only means the rare equal hash is compared in full.
    hashes: Vec<(u32, u32)>,
    buf: String,
}

fn same_user(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        UserKey::new(a) == UserKey::new(b)
    }
}

/// The low 32 bits of `state`'s hash of `text`.
fn hash32(state: &foldhash::fast::RandomState, text: &str) -> u32 {
    state.hash_one(text) as u32
}

impl UserIndex {
    fn hash(&mut self, name: &str) -> u32 {
        if name.is_ascii() {
            if !name.bytes().any(|b| b.is_ascii_uppercase()) {
                return hash32(&self.hasher, name);
            }
            self.buf.clear();
            self.buf.push_str(name);
            self.buf.make_ascii_lowercase();
        } else {
            self.buf.clear();
            self.buf.push_str(UserKey::new(name).as_str());
        }
        hash32(&self.hasher, &self.buf)
    }

    /// Indexes all of `users` (sorted).
    fn rebuild(&mut self, users: &[DesiredUser]) {
        let mut hashes = std::mem::take(&mut self.hashes);
        hashes.clear();
        hashes.extend(
            users
                .iter()
                .enumerate()
                .map(|(i, u)| (self.hash(&u.username), i as u32)),
        );
        hashes.sort_unstable();
        self.hashes = hashes;
    }

    fn find(&mut self, users: &[DesiredUser], name: &str) -> Option<u32> {
        let hash = self.hash(name);
        let start = self.hashes.partition_point(|(h, _)| *h < hash);
        self.hashes[start..]
            .iter()
            .take_while(|(h, _)| *h == hash)
            .find(|(_, i)| same_user(&users[*i as usize].username, name))
            .map(|(_, i)| *i)
    }
}

/// Pairs `(later, first)` of entries whose values are equal by `same`, given `(hash, index)`
/// pairs (sorted here, in place); `skip` leaves entries out.
fn duplicates(
    hashes: &mut [(u32, u32)],
    skip: &[bool],
    same: impl Fn(u32, u32) -> bool,
) -> Vec<(u32, u32)> {
    hashes.sort_unstable();
    let mut found = Vec::new();
    for run in hashes.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        let mut firsts: Vec<u32> = Vec::new();
        for &(_, i) in run {
            if skip[i as usize] {
                continue;
            }
            match firsts.iter().find(|&&f| same(f, i)) {
                Some(&f) => found.push((i, f)),
                None => firsts.push(i),
            }
        }
    }
    found
}

/// Entries of a long-form sheet for one user or group.
#[derive(Debug)]
struct Long {
    place: Place,
    first_row: u64,
    items: NameSet,
}

/// What a long-form sheet adds to; which wide column it must agree with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Memberships,
    UserPermissions,
    UserProfiles,
    GroupPermissions,
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
    /// indexes the users for the long-form sheets. Idempotent.
    pub(crate) fn end_users(&mut self) {
        if self.users_done {
            return;
        }
        self.users_done = true;
        if !self.users_seen {
            return;
        }
        self.check_duplicates();
        let max = self.options.tenant.max_users;
        if self.users.len() > max {
            let message = format!(
                "the input holds {} users, more than the tenant's limit of {max}; this is the first user past it",
                self.users.len()
            );
            let p = self.user_problem(max, ProblemKind::TooManyUsers, Column::Username, message);
            self.problems.push(p);
        }
        let sheets = &self.users_sheets;
        let rank = |p: &Problem| {
            sheets
                .iter()
                .position(|s| s.place.file == p.file && s.place.sheet == p.sheet)
                .unwrap_or(usize::MAX)
        };
        if let Some(tail) = self.problems.list.get_mut(self.users_problems_start..) {
            tail.sort_by_key(|p| (rank(p), p.row));
        }
    }

    /// A problem with user `idx`, at its row and in `column` of its sheet.
    fn user_problem(
        &self,
        idx: usize,
        kind: ProblemKind,
        column: Column,
        message: String,
    ) -> Problem {
        let user = &self.users[idx];
        let sheet = self
            .users_sheets
            .iter()
            .rev()
            .find(|s| s.place.holds(&user.source));
        let label = match (sheet, column) {
            (Some(s), Column::EmployeeId) => s.employee_id.clone(),
            (Some(s), _) => s.username.clone(),
            (None, c) => c.header().to_owned(),
        };
        let problem = match sheet {
            Some(s) => s.place.problem(kind, message),
            None => Problem::file(kind, &Arc::from(user.source.file()), message),
        };
        problem.at_row(user.source.row).in_column(label)
    }

    /// Reports duplicate usernames (case-insensitive) and employee IDs across every Users
    /// sheet, naming both places; drops the later duplicates and indexes the users.
    fn check_duplicates(&mut self) {
        let users = &self.users;
        let mut removed = vec![false; users.len()];
        let mut hashes = std::mem::take(&mut self.user_index.hashes);
        let dup_names = duplicates(&mut hashes, &removed, |a, b| {
            same_user(&users[a as usize].username, &users[b as usize].username)
        });
        let mut found = Vec::new();
        for &(later, first) in &dup_names {
            removed[later as usize] = true;
            let (l, f) = (&users[later as usize], &users[first as usize]);
            let message = format!(
                "duplicate username \"{}\" (first at {})",
                l.username, f.source
            );
            found.push((
                later as usize,
                ProblemKind::DuplicateUsername,
                Column::Username,
                message,
            ));
        }
        let mut employee_hashes = std::mem::take(&mut self.employee_hashes);
        let dup_ids = duplicates(&mut employee_hashes, &removed, |a, b| {
            users[a as usize].employee_id == users[b as usize].employee_id
        });
        for (later, first) in dup_ids {
            let (l, f) = (&users[later as usize], &users[first as usize]);
            let id = l.employee_id.as_deref().unwrap_or_default();
            let message = format!("duplicate employeeId \"{id}\" (first at {})", f.source);
            found.push((
                later as usize,
                ProblemKind::DuplicateEmployeeId,
                Column::EmployeeId,
                message,
            ));
        }
        drop(employee_hashes);
        for (idx, kind, column, message) in found {
            let p = self.user_problem(idx, kind, column, message);
            self.problems.push(p);
        }
        if dup_names.is_empty() {
            // Sorted already, and every index still points at its user.
            self.user_index.hashes = hashes;
        } else {
            drop(hashes);
            let mut keep = removed.iter().map(|r| !r);
            self.users.retain(|_| keep.next().unwrap_or(true));
            let mut keep = removed.iter().map(|r| !r);
            self.wide.retain(|_| keep.next().unwrap_or(true));
            self.user_index.rebuild(&self.users);
        }
    }

    /// Whether a Users sheet has been read.
    pub(crate) fn has_users(&self) -> bool {
        self.users_seen
    }

    /// Checks a header row and compiles the sheet's plan; `None` if the sheet cannot be read.
    /// `mapped` says whether the mapping applies (Users sheets only).
    pub(crate) fn begin(
        &mut self,
        kind: SheetKind,
        place: Place,
        header: &dyn Row,
        header_row: u64,
        mapped: bool,
    ) -> Option<SheetPlan> {
        let headers: Vec<String> = (0..header.len())
            .map(|i| {
                header
                    .cell(i)
                    .ok()
                    .and_then(clean)
                    .unwrap_or_default()
                    .into_owned()
            })
            .collect();
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        let mapping = if kind == SheetKind::Users && mapped {
            self.options.mapping.as_ref()
        } else {
            None
        };
        let mut plan = SheetPlan {
            kind,
            place,
            used: vec![false; headers.len()],
            ignored: vec![false; headers.len()],
            headers,
            sources: Default::default(),
            values: Default::default(),
            rules: Vec::new(),
            mapped: mapping.is_some(),
            rows: 0,
        };
        let mut ok = true;
        let header_problem = |plan: &SheetPlan, kind: ProblemKind, message: String| {
            plan.place.problem(kind, message).at_row(header_row)
        };

        // Resolves a column a mapping names, reporting it when missing or ambiguous.
        let resolve = |plan: &SheetPlan, name: &str, problems: &mut Problems| -> Option<usize> {
            let key = header_key(name);
            let found: Vec<usize> = keys
                .iter()
                .enumerate()
                .filter(|(_, k)| **k == key)
                .map(|(i, _)| i)
                .collect();
            match found.as_slice() {
                [i] => Some(*i),
                [] => {
                    problems.push(
                        header_problem(
                            plan,
                            ProblemKind::MissingColumn,
                            format!("missing column \"{name}\" named in the mapping"),
                        )
                        .in_column(name)
                        .suggest(did_you_mean(name, plan.headers.iter().map(String::as_str))),
                    );
                    None
                }
                _ => {
                    problems.push(
                        header_problem(
                            plan,
                            ProblemKind::DuplicateColumn,
                            format!("column \"{name}\" appears {} times", found.len()),
                        )
                        .in_column(name),
                    );
                    None
                }
            }
        };
        let compile =
            |plan: &SheetPlan, t: &Template, problems: &mut Problems| -> Option<Vec<CPart>> {
                let mut parts = Vec::new();
                let mut ok = true;
                for part in &t.parts {
                    match part {
                        Part::Literal(l) => parts.push(CPart::Literal(l.clone())),
                        Part::Columns(cs) => {
                            let idx: Vec<Option<usize>> =
                                cs.iter().map(|c| resolve(plan, c, problems)).collect();
                            ok &= idx.iter().all(Option::is_some);
                            parts.push(CPart::Columns(idx.into_iter().flatten().collect()));
                        }
                    }
                }
                ok.then_some(parts)
            };

        if let Some(mapping) = mapping {
            for (column, spec) in &mapping.fields {
                let source = match spec {
                    FieldSpec::Column(name) => {
                        resolve(&plan, name, &mut self.problems).map(Source::Column)
                    }
                    FieldSpec::Template(t) => {
                        compile(&plan, t, &mut self.problems).map(Source::Template)
                    }
                    FieldSpec::Constant(c) => Some(Source::Constant(c.clone())),
                };
                match source {
                    Some(s) => plan.sources[slot(*column)] = s,
                    None => ok = false,
                }
            }
            for rule in &mapping.groups {
                let group = compile(&plan, &rule.group, &mut self.problems);
                let description = match &rule.description {
                    None => Some(None),
                    Some(d) => compile(&plan, d, &mut self.problems).map(Some),
                };
                let when: Vec<Option<(usize, Vec<String>)>> = rule
                    .when
                    .iter()
                    .map(|(c, accepted)| {
                        resolve(&plan, c, &mut self.problems).map(|i| (i, accepted.clone()))
                    })
                    .collect();
                match (group, description) {
                    (Some(group), Some(description)) if when.iter().all(Option::is_some) => {
                        plan.rules.push(CompiledRule {
                            group,
                            when: when.into_iter().flatten().collect(),
                            description,
                            create: rule.create,
                            label: Arc::from(rule.label.as_str()),
                        });
                    }
                    _ => ok = false,
                }
            }
        }

        // vsync's own headers, for every field the mapping does not set.
        let known = |key: &str| {
            SheetKind::ALL
                .iter()
                .any(|k| k.columns().iter().any(|c| c.matches(key)))
        };
        let mut suggested: Vec<usize> = Vec::new();
        for &column in kind.columns() {
            if plan.has(column)
                || mapping.is_some_and(|m| m.fields.iter().any(|(c, _)| *c == column))
            {
                continue;
            }
            let found: Vec<usize> = keys
                .iter()
                .enumerate()
                .filter(|(_, k)| column.matches(k))
                .map(|(i, _)| i)
                .collect();
            match found.as_slice() {
                [i] => plan.sources[slot(column)] = Source::Column(*i),
                [] if kind.required(column) => {
                    ok = false;
                    let unmatched = plan
                        .headers
                        .iter()
                        .zip(&keys)
                        .filter(|(_, k)| !known(k))
                        .map(|(h, _)| h.as_str());
                    let suggestion = did_you_mean(column.header(), unmatched);
                    if let Some(s) = &suggestion {
                        suggested.extend(plan.headers.iter().position(|h| h == s));
                    }
                    let message = if plan.headers.iter().all(String::is_empty) {
                        format!(
                            "missing column {} (the header row is empty)",
                            column.header()
                        )
                    } else {
                        format!("missing column {}", column.header())
                    };
                    self.problems.push(
                        header_problem(&plan, ProblemKind::MissingColumn, message)
                            .in_column(column.header())
                            .suggest(suggestion),
                    );
                }
                [] => {}
                [_, second, ..] => {
                    ok = false;
                    self.problems.push(
                        header_problem(
                            &plan,
                            ProblemKind::DuplicateColumn,
                            format!("column {} appears more than once", column.header()),
                        )
                        .in_column(plan.headers[*second].clone()),
                    );
                }
            }
        }
        if let Some(mapping) = mapping {
            for (column, values) in &mapping.values {
                let stats = self.value_stats.len();
                let mut map = HashMap::with_capacity(values.len());
                for (i, (from, to)) in values.iter().enumerate() {
                    map.insert(from.clone(), (to.clone(), i as u32));
                }
                self.value_stats.push(ValueStats {
                    field: *column,
                    column: plan.label(*column).to_owned(),
                    hits: vec![(None, 0); values.len()],
                    misses: HashMap::new(),
                });
                plan.values[slot(*column)] = Some(CompiledValues { map, stats });
            }
        }
        Self::mark_used(&mut plan);
        if let Some(mapping) = mapping {
            let ignored: Vec<String> = mapping.ignore.iter().map(|c| header_key(c)).collect();
            plan.ignored = keys.iter().map(|k| ignored.contains(k)).collect();
        }
        self.check_unknown_columns(&plan, &suggested, header_row);

        match kind {
            SheetKind::Users => {
                if !self.users_seen {
                    self.users_problems_start = self.problems.list.len();
                }
                self.users_seen = true;
                self.users_sheets.push(UsersSheet {
                    place: plan.place.clone(),
                    username: plan.label(Column::Username).to_owned(),
                    employee_id: plan.label(Column::EmployeeId).to_owned(),
                });
                self.managed.memberships |= plan.has(Column::UserGroups) || !plan.rules.is_empty();
                self.managed.user_permissions |= plan.has(Column::Permissions);
                self.managed.profiles |= plan.has(Column::Profiles);
            }
            SheetKind::UserGroups => {
                self.managed.group_permissions |= plan.has(Column::Permissions);
            }
            SheetKind::Memberships => self.managed.memberships = true,
            SheetKind::UserPermissions => self.managed.user_permissions = true,
            SheetKind::UserProfiles => self.managed.profiles = true,
            SheetKind::GroupPermissions => self.managed.group_permissions = true,
        }
        ok.then_some(plan)
    }

    /// Marks the columns the plan reads.
    fn mark_used(plan: &mut SheetPlan) {
        let mut used = std::mem::take(&mut plan.used);
        let mark_parts = |parts: &[CPart], used: &mut Vec<bool>| {
            for part in parts {
                if let CPart::Columns(cs) = part {
                    for &c in cs {
                        used[c] = true;
                    }
                }
            }
        };
        for source in &plan.sources {
            match source {
                Source::Column(i) => used[*i] = true,
                Source::Template(parts) => mark_parts(parts, &mut used),
                Source::Absent | Source::Constant(_) => {}
            }
        }
        for rule in &plan.rules {
            mark_parts(&rule.group, &mut used);
            if let Some(d) = &rule.description {
                mark_parts(d, &mut used);
            }
            for (i, _) in &rule.when {
                used[*i] = true;
            }
        }
        plan.used = used;
    }

    /// Columns nothing reads: without a mapping each is a problem (a misspelt header would
    /// otherwise be ignored); with one, only those close to a vsync field nothing fills.
    fn check_unknown_columns(&mut self, plan: &SheetPlan, suggested: &[usize], header_row: u64) {
        let fields: Vec<&str> = plan.kind.columns().iter().map(|c| c.header()).collect();
        let unfilled: Vec<&str> = plan
            .kind
            .columns()
            .iter()
            .filter(|c| !plan.has(**c) && (**c != Column::UserGroups || plan.rules.is_empty()))
            .map(|c| c.header())
            .collect();
        for (i, header) in plan.headers.iter().enumerate() {
            if plan.used[i] || plan.ignored[i] || header.is_empty() || suggested.contains(&i) {
                continue;
            }
            let problem = if plan.mapped {
                let Some(field) = did_you_mean(header, unfilled.iter().copied()) else {
                    continue;
                };
                plan.place
                    .problem(
                        ProblemKind::UnknownColumn,
                        format!(
                            "column \"{header}\" is not read, and its name is close to the field {field} that nothing fills; map it in [columns], or list it in [ignore] columns"
                        ),
                    )
                    .suggest(Some(field))
            } else {
                let sheet = plan.kind.sheet_name();
                plan.place
                    .problem(
                        ProblemKind::UnknownColumn,
                        format!(
                            "unknown column \"{header}\": a {sheet} sheet has the columns {}",
                            fields.join(", ")
                        ),
                    )
                    .suggest(did_you_mean(header, fields.iter().copied()))
            };
            self.problems
                .push(problem.at_row(header_row).in_column(header.clone()));
        }
    }

    /// The text of a field in a row: cleaned, value-mapped, checked against what the tenant
    /// accepts; problems reported.
    fn field<'a>(
        &mut self,
        plan: &'a SheetPlan,
        column: Column,
        row: &'a dyn Row,
        row_no: u64,
    ) -> Option<Cow<'a, str>> {
        let text = match &plan.sources[slot(column)] {
            Source::Absent => return None,
            Source::Column(i) => self.cell(plan, *i, row, row_no).and_then(clean),
            Source::Constant(c) => clean(c),
            Source::Template(parts) => {
                let text = self.template(plan, parts, row, row_no);
                // Usually clean already: keep the text built rather than copy it.
                if matches!(clean(&text), Some(Cow::Borrowed(c)) if c.len() == text.len()) {
                    Some(Cow::Owned(text))
                } else {
                    clean(&text).map(|c| Cow::Owned(c.into_owned()))
                }
            }
        };
        let text = match (&plan.values[slot(column)], text) {
            (Some(values), Some(text)) => {
                // The text is clean already; only the case is folded, into a reused buffer.
                self.scratch.clear();
                if text.is_ascii() {
                    self.scratch.push_str(&text);
                    self.scratch.make_ascii_lowercase();
                } else {
                    self.scratch
                        .extend(text.chars().flat_map(char::to_lowercase));
                }
                let stats = &mut self.value_stats[values.stats];
                if let Some((mapped, entry)) = values.map.get(self.scratch.as_str()) {
                    let hit = &mut stats.hits[*entry as usize];
                    if hit.0.is_none() {
                        hit.0 = Some(text.to_string());
                    }
                    hit.1 += 1;
                    Some(Cow::Borrowed(mapped.as_str()))
                } else {
                    if let Some(miss) = stats.misses.get_mut(self.scratch.as_str()) {
                        miss.1 += 1;
                    } else if stats.misses.len() < MAX_MISSES {
                        stats
                            .misses
                            .insert(self.scratch.clone(), (text.to_string(), 1));
                    }
                    Some(text)
                }
            }
            (_, text) => text,
        };
        if let Some(text) = &text {
            self.check_text(plan, column, row_no, text);
        }
        text
    }

    /// Reports control characters and, except in lists (whose items are checked one by
    /// one), values longer than the tenant accepts.
    fn check_text(&mut self, plan: &SheetPlan, column: Column, row_no: u64, text: &str) {
        let breaks = matches!(column, Column::DisplayName | Column::Description);
        if let Some((at, c)) = control_char(text, breaks) {
            let message = format!(
                "{} holds the control character {} at character {at}; remove it",
                column.header(),
                crate::cell::describe_control(c)
            );
            let p = Self::at(plan, ProblemKind::ControlCharacter, row_no, column, message);
            self.problems.push(p);
        }
        if !column.is_list() {
            self.check_length(plan, column, row_no, text, None);
        }
    }

    /// Reports a value longer than the tenant accepts (`item`: its place in a list).
    fn check_length(
        &mut self,
        plan: &SheetPlan,
        column: Column,
        row_no: u64,
        text: &str,
        item: Option<usize>,
    ) {
        let tenant = &self.options.tenant;
        let limit = if column == Column::Username {
            tenant.max_username_chars
        } else {
            tenant.max_field_chars
        };
        if text.len() <= limit {
            return;
        }
        let chars = text.chars().count();
        if chars <= limit {
            return;
        }
        let what = match item {
            Some(n) => format!("item {n} of {}", column.header()),
            None => column.header().to_owned(),
        };
        let message =
            format!("{what} is {chars} characters long, more than the {limit} the tenant accepts");
        let p = Self::at(plan, ProblemKind::TooLong, row_no, column, message);
        self.problems.push(p);
    }

    fn template(
        &mut self,
        plan: &SheetPlan,
        parts: &[CPart],
        row: &dyn Row,
        row_no: u64,
    ) -> String {
        let mut out = String::with_capacity(48);
        for part in parts {
            match part {
                CPart::Literal(l) => out.push_str(l),
                CPart::Columns(cs) => {
                    // Trimmed and unescaped here; the whole text is normalised afterwards.
                    let first = cs.iter().find_map(|&i| {
                        self.cell(plan, i, row, row_no)
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                    });
                    if let Some(text) = first {
                        out.push_str(unescape(text));
                    }
                }
            }
        }
        out
    }

    /// A raw cell, reporting encoding errors, spreadsheet errors and unreproducible number
    /// formats (once per cell).
    fn cell<'r>(
        &mut self,
        plan: &SheetPlan,
        i: usize,
        row: &'r dyn Row,
        row_no: u64,
    ) -> Option<&'r str> {
        match row.cell(i) {
            Ok(text) => Some(text),
            Err(fault) => {
                if self.faults.0 != row_no {
                    self.faults = (row_no, Vec::new());
                }
                if self.faults.1.contains(&i) {
                    return None;
                }
                self.faults.1.push(i);
                let (kind, message) = match fault {
                    CellFault::InvalidUtf8 => (
                        ProblemKind::Encoding,
                        "invalid UTF-8 (save the file as UTF-8)".to_owned(),
                    ),
                    CellFault::Error(e) => {
                        (ProblemKind::CellError, format!("cell holds the error {e}"))
                    }
                    CellFault::Format { value, format } => (
                        ProblemKind::NumberFormat,
                        format!(
                            "cell holds the number {value} shown with the number format \"{format}\", which vsync cannot reproduce as Excel shows it; format the column as Text (or General) and save again"
                        ),
                    ),
                };
                self.problems.push(
                    plan.place
                        .problem(kind, message)
                        .at_row(row_no)
                        .in_column(plan.headers.get(i).cloned().unwrap_or_default()),
                );
                None
            }
        }
    }

    fn at(
        plan: &SheetPlan,
        kind: ProblemKind,
        row_no: u64,
        column: Column,
        message: String,
    ) -> Problem {
        plan.place
            .problem(kind, message)
            .at_row(row_no)
            .in_column(plan.label(column))
    }

    /// A key field: reported when empty.
    fn key<'a>(
        &mut self,
        plan: &'a SheetPlan,
        column: Column,
        row: &'a dyn Row,
        row_no: u64,
    ) -> Option<Cow<'a, str>> {
        let value = self.field(plan, column, row, row_no);
        if value.is_none() {
            let p = Self::at(
                plan,
                ProblemKind::EmptyKey,
                row_no,
                column,
                format!("empty {}", column.header()),
            );
            self.problems.push(p);
        }
        value
    }

    /// A key cell holding a formula (found by a separate pass over a workbook's sheet): the
    /// formula is the problem, whatever else its cached value caused at that cell.
    pub(crate) fn formula_in_key(&mut self, plan: &SheetPlan, row_no: u64, i: usize) {
        if !plan.key_columns().contains(&i) {
            return;
        }
        let column = plan.header(i).to_owned();
        self.problems.list.retain(|p| {
            !(p.file == plan.place.file
                && p.sheet == plan.place.sheet
                && p.row == Some(row_no)
                && p.column.as_deref() == Some(column.as_str()))
        });
        let field = plan
            .kind
            .columns()
            .iter()
            .find(|c| matches!(plan.sources[slot(**c)], Source::Column(j) if j == i))
            .map_or(column.as_str(), |c| c.header());
        let p = plan
            .place
            .problem(
                ProblemKind::FormulaInKey,
                format!("{field} is a formula; key cells must hold plain values"),
            )
            .at_row(row_no)
            .in_column(column.clone());
        self.problems.push(p);
    }

    /// A `;`-list field: `None` when the column is absent or the cell blank.
    fn list(
        &mut self,
        plan: &SheetPlan,
        column: Column,
        row: &dyn Row,
        row_no: u64,
    ) -> Option<NameSet> {
        let text = self.field(plan, column, row, row_no)?;
        match split_list(&text) {
            Ok(items) => {
                for (n, item) in items.iter().enumerate() {
                    self.check_length(plan, column, row_no, item, Some(n + 1));
                }
                Some(items.iter().map(|item| &**item).collect())
            }
            Err(item) => {
                let p = Self::at(
                    plan,
                    ProblemKind::EmptyListItem,
                    row_no,
                    column,
                    format!("item {item} of the list \"{text}\" is empty"),
                );
                self.problems.push(p);
                Some(NameSet::new())
            }
        }
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

    fn user_row(&mut self, plan: &SheetPlan, row_no: u64, row: &dyn Row) {
        self.user_rows += 1;
        let username = self.key(plan, Column::Username, row, row_no);
        let display_name = self.field(plan, Column::DisplayName, row, row_no);
        let employee_id = self.field(plan, Column::EmployeeId, row, row_no);
        if let Some(id) = &employee_id
            && looks_like_scientific(id)
        {
            let p = Self::at(
                plan,
                ProblemKind::MangledNumber,
                row_no,
                Column::EmployeeId,
                format!(
                    "employeeId \"{id}\" looks like a number the spreadsheet reformatted; format the column as text"
                ),
            );
            self.problems.push(p);
        }
        let email = self.field(plan, Column::Email, row, row_no);
        if let Some(email) = &email
            && !is_valid_email(email)
        {
            let p = Self::at(
                plan,
                ProblemKind::MalformedEmail,
                row_no,
                Column::Email,
                format!("malformed email \"{email}\""),
            );
            self.problems.push(p);
        }
        let account_enabled = match self.field(plan, Column::AccountEnabled, row, row_no) {
            None => None,
            Some(text) => {
                let parsed = parse_bool(&text);
                if parsed.is_none() {
                    let p = Self::at(
                        plan,
                        ProblemKind::InvalidBoolean,
                        row_no,
                        Column::AccountEnabled,
                        format!("\"{text}\" is not a boolean (use true/false, yes/no or 1/0)"),
                    );
                    self.problems.push(p);
                }
                parsed
            }
        };
        let mut wide = 0;
        let mut groups = self
            .list(plan, Column::UserGroups, row, row_no)
            .inspect(|s| wide |= u8::from(!s.is_empty()))
            .unwrap_or_default();
        let permissions = self
            .list(plan, Column::Permissions, row, row_no)
            .inspect(|s| wide |= u8::from(!s.is_empty()) << 1)
            .unwrap_or_default();
        let profiles = self
            .list(plan, Column::Profiles, row, row_no)
            .inspect(|s| wide |= u8::from(!s.is_empty()) << 2)
            .unwrap_or_default();
        for rule in &plan.rules {
            let mut matches = true;
            for (i, accepted) in &rule.when {
                match self.cell(plan, *i, row, row_no) {
                    Some(text) if value_matches(text, accepted) => {}
                    _ => {
                        matches = false;
                        break;
                    }
                }
            }
            if !matches {
                continue;
            }
            let name = self.template(plan, &rule.group, row, row_no);
            if let Some(name) = clean(&name) {
                if let Some((at, c)) = control_char(&name, false) {
                    let message = format!(
                        "the group {} derives holds the control character {} at character {at}",
                        rule.label,
                        crate::cell::describe_control(c)
                    );
                    let p = Self::at(
                        plan,
                        ProblemKind::ControlCharacter,
                        row_no,
                        Column::UserGroups,
                        message,
                    );
                    self.problems.push(p);
                }
                self.check_length(plan, Column::UserGroups, row_no, &name, None);
                wide |= 1;
                let new = groups.insert(&*name);
                self.derive(plan, rule, &name, row, row_no, new);
            }
        }
        let Some(username) = username else { return };
        let idx = self.users.len() as u32;
        let hash = self.user_index.hash(&username);
        self.user_index.hashes.push((hash, idx));
        if let Some(id) = &employee_id {
            self.employee_hashes.push((hash32(&self.hasher, id), idx));
        }
        self.users.push(DesiredUser {
            username: username.into(),
            display_name: display_name.map(Into::into),
            employee_id: employee_id.map(Into::into),
            email: email.map(Into::into),
            account_enabled,
            groups,
            permissions,
            profiles,
            source: plan.place.source(row_no),
        });
        self.wide.push(wide);
    }

    /// Records a group a rule derived for a user (`new`: not already one of the user's); a
    /// rule that creates its groups declares it the first time.
    fn derive(
        &mut self,
        plan: &SheetPlan,
        rule: &CompiledRule,
        name: &str,
        row: &dyn Row,
        row_no: u64,
        new: bool,
    ) {
        let key = UserKey::fold_str(name);
        let idx = if let Some(&idx) = self.derived_index.get(key.as_ref()) {
            if new {
                self.derived[idx as usize].members += 1;
            }
            idx as usize
        } else {
            let idx = self.derived.len();
            self.derived_index.insert(key.into_owned(), idx as u32);
            self.derived.push(DerivedGroup {
                name: name.to_owned(),
                rule: rule.label.to_string(),
                source: plan.place.source(row_no),
                members: 1,
                create: false,
            });
            idx
        };
        if !rule.create || self.derived[idx].create {
            return;
        }
        self.derived[idx].create = true;
        let key = NameKey::new(name);
        if self.group_index.contains_key(&key) {
            return;
        }
        let description = rule
            .description
            .as_ref()
            .map(|parts| self.template(plan, parts, row, row_no))
            .and_then(|d| clean(&d).map(Cow::into_owned));
        if let Some(d) = &description {
            self.check_text(plan, Column::Description, row_no, d);
        }
        self.group_index.insert(key, self.groups.len() as u32);
        self.group_wide.push(false);
        self.group_derived.push(true);
        self.groups.push(DesiredGroup {
            name: name.to_owned(),
            description,
            permissions: NameSet::new(),
            source: plan.place.source(row_no),
        });
    }

    fn group_row(&mut self, plan: &SheetPlan, row_no: u64, row: &dyn Row) {
        let name = self.key(plan, Column::DisplayName, row, row_no);
        let description = self.field(plan, Column::Description, row, row_no);
        let permissions = self.list(plan, Column::Permissions, row, row_no);
        let Some(name) = name else { return };
        let key = NameKey::new(&name);
        let declared = DesiredGroup {
            name: name.into_owned(),
            description: description.map(Cow::into_owned),
            permissions: permissions.clone().unwrap_or_default(),
            source: plan.place.source(row_no),
        };
        let wide = permissions.as_ref().is_some_and(|p| !p.is_empty());
        if let Some(&first) = self.group_index.get(&key) {
            let first = first as usize;
            if self.group_derived[first] {
                // A group a rule creates, declared here too: this row says what it is.
                self.groups[first] = declared;
                self.group_wide[first] = wide;
                self.group_derived[first] = false;
                return;
            }
            let p = Self::at(
                plan,
                ProblemKind::DuplicateGroup,
                row_no,
                Column::DisplayName,
                format!(
                    "duplicate user group \"{}\" (first at {})",
                    declared.name, self.groups[first].source
                ),
            );
            self.problems.push(p);
            return;
        }
        self.group_index.insert(key, self.groups.len() as u32);
        self.group_wide.push(wide);
        self.group_derived.push(false);
        self.groups.push(declared);
    }

    fn long_row(&mut self, plan: &SheetPlan, row_no: u64, row: &dyn Row, relation: Relation) {
        let (owner_column, item_column) = match relation {
            Relation::Memberships => (Column::Username, Column::UserGroup),
            Relation::UserPermissions => (Column::Username, Column::Permission),
            Relation::UserProfiles => (Column::Username, Column::Profile),
            Relation::GroupPermissions => (Column::UserGroup, Column::Permission),
        };
        let owner = self.key(plan, owner_column, row, row_no);
        let item = self.key(plan, item_column, row, row_no);
        let (Some(owner), Some(item)) = (owner, item) else {
            return;
        };
        let idx = if relation == Relation::GroupPermissions {
            let key = NameKey::new(&owner);
            if let Some(&idx) = self.group_index.get(&key) {
                idx
            } else {
                // A group that only grants permissions here is declared by this row.
                let idx = self.groups.len() as u32;
                self.group_index.insert(key, idx);
                self.group_wide.push(false);
                self.group_derived.push(false);
                self.groups.push(DesiredGroup {
                    name: owner.into_owned(),
                    source: plan.place.source(row_no),
                    ..DesiredGroup::default()
                });
                idx
            }
        } else if let Some(idx) = self.user_index.find(&self.users, &owner) {
            idx
        } else {
            let p = Self::at(
                plan,
                ProblemKind::UnknownUser,
                row_no,
                owner_column,
                format!("unknown user \"{owner}\" (not in the Users sheet)"),
            );
            self.problems.push(p);
            return;
        };
        self.long[relation as usize]
            .entry(idx)
            .or_insert_with(|| Long {
                place: plan.place.clone(),
                first_row: row_no,
                items: NameSet::new(),
            })
            .items
            .insert(&*item);
    }

    /// Merges long-form sheets into the wide columns and returns the state and the summary.
    pub(crate) fn finish(mut self) -> (DesiredState, Problems, ReadSummary) {
        self.end_users();
        for relation in [
            Relation::Memberships,
            Relation::UserPermissions,
            Relation::UserProfiles,
            Relation::GroupPermissions,
        ] {
            let mut long: Vec<(u32, Long)> = std::mem::take(&mut self.long[relation as usize])
                .into_iter()
                .collect();
            long.sort_by_key(|(_, l)| (l.place.file.clone(), l.place.sheet.clone(), l.first_row));
            for (idx, entry) in long {
                let i = idx as usize;
                let (wide, target, owner, source, column) = match relation {
                    Relation::Memberships => {
                        let u = &mut self.users[i];
                        (
                            self.wide[i] & 1 != 0,
                            &mut u.groups,
                            &*u.username,
                            &u.source,
                            "userGroups",
                        )
                    }
                    Relation::UserPermissions => {
                        let u = &mut self.users[i];
                        (
                            self.wide[i] & 2 != 0,
                            &mut u.permissions,
                            &*u.username,
                            &u.source,
                            "permissions",
                        )
                    }
                    Relation::UserProfiles => {
                        let u = &mut self.users[i];
                        (
                            self.wide[i] & 4 != 0,
                            &mut u.profiles,
                            &*u.username,
                            &u.source,
                            "profiles",
                        )
                    }
                    Relation::GroupPermissions => {
                        let g = &mut self.groups[i];
                        (
                            self.group_wide[i],
                            &mut g.permissions,
                            g.name.as_str(),
                            &g.source,
                            "permissions",
                        )
                    }
                };
                if wide {
                    let keys = |s: &NameSet| s.iter().map(NameKey::new).collect::<BTreeSet<_>>();
                    if keys(target) != keys(&entry.items) {
                        let list = |s: &NameSet| s.iter().collect::<Vec<_>>().join(";");
                        let message = format!(
                            "\"{owner}\" has {} here but {} in the {column} column at {source}",
                            list(&entry.items),
                            list(target)
                        );
                        self.problems.push(
                            entry
                                .place
                                .problem(ProblemKind::Contradiction, message)
                                .at_row(entry.first_row),
                        );
                    }
                } else {
                    target.extend(entry.items.iter());
                }
            }
        }
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
            managed: self.managed,
            input: vsync_model::InputInfo::default(),
        };
        (state, self.problems, summary)
    }
}

/// `1.23E+05` and the like: an identifier a spreadsheet turned into a number.
fn looks_like_scientific(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(mantissa),
    };
    mantissa_ok && digits(exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_is_spotted() {
        assert!(looks_like_scientific("1.23E+05"));
        assert!(looks_like_scientific("1E+10"));
        assert!(!looks_like_scientific("00123"));
        assert!(!looks_like_scientific("E12"));
        assert!(!looks_like_scientific("EMP-1"));
    }

    #[test]
    fn user_index_and_duplicates_are_case_insensitive() {
        let users: Vec<DesiredUser> = [
            "Jane@X.com",
            "jane@x.com",
            "\u{c9}mile@x.com",
            "\u{e9}mile@x.com",
            "bob@x.com",
        ]
        .iter()
        .map(|n| DesiredUser {
            username: (*n).into(),
            ..DesiredUser::default()
        })
        .collect();
        let mut index = UserIndex::default();
        index.rebuild(&users);
        let found = duplicates(&mut index.hashes.clone(), &[false; 5], |a, b| {
            same_user(&users[a as usize].username, &users[b as usize].username)
        });
        let mut sorted = found.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![(1, 0), (3, 2)]);
        assert_eq!(index.find(&users, "JANE@x.com").map(|i| i < 2), Some(true));
        assert_eq!(index.find(&users, "BOB@x.com"), Some(4));
        assert_eq!(index.find(&users, "nobody"), None);
    }

    #[test]
    fn equal_hashes_of_different_values_are_not_duplicates() {
        // A 32-bit hash collides about a hundred times in a million rows: values decide.
        let values = ["a", "b", "a", "c", "b"];
        let mut hashes: Vec<(u32, u32)> = (0..5).map(|i| (7, i)).collect();
        let mut found = duplicates(&mut hashes, &[false; 5], |a, b| {
            values[a as usize] == values[b as usize]
        });
        found.sort_unstable();
        assert_eq!(found, vec![(2, 0), (4, 1)]);
    }
}
