//! A sheet's header: its columns checked, and the mapping compiled into a [`SheetPlan`].

use std::collections::HashMap;
use std::sync::Arc;

use crate::cell::{clean, did_you_mean, header_key};
use crate::error::ProblemKind;
use crate::mapping::{FieldSpec, Part, Template};
use crate::schema::{Column, SheetKind};

use super::values::{CompiledValues, ValueStats};
use super::{Builder, Place, Problems, Row, UsersSheet};

/// Where a field's text comes from, resolved against a header.
#[derive(Debug, Clone, Default)]
pub(super) enum Source {
    #[default]
    Absent,
    Column(usize),
    Template(Vec<CPart>),
    Constant(String),
}

#[derive(Debug, Clone)]
pub(super) enum CPart {
    Literal(String),
    Columns(Vec<usize>),
}

#[derive(Debug, Clone)]
pub(super) struct CompiledRule {
    pub(super) group: Vec<CPart>,
    pub(super) when: Vec<(usize, Vec<String>)>,
    pub(super) description: Option<Vec<CPart>>,
    pub(super) create: bool,
    pub(super) label: Arc<str>,
}

const COLUMNS: usize = 12;

pub(super) fn slot(column: Column) -> usize {
    column as usize
}

/// A sheet's header, checked and compiled.
#[derive(Debug)]
pub(crate) struct SheetPlan {
    pub(super) kind: SheetKind,
    pub(super) place: Place,
    pub(super) headers: Vec<String>,
    pub(super) sources: [Source; COLUMNS],
    pub(super) values: [Option<CompiledValues>; COLUMNS],
    pub(super) rules: Vec<CompiledRule>,
    /// Whether the mapping applies to this sheet.
    pub(super) mapped: bool,
    /// Per header: whether anything reads the column.
    pub(super) used: Vec<bool>,
    /// Per header: whether the mapping leaves the column unread on purpose.
    pub(super) ignored: Vec<bool>,
    /// Data rows seen.
    pub(crate) rows: usize,
}

impl SheetPlan {
    pub(super) fn has(&self, column: Column) -> bool {
        !matches!(self.sources[slot(column)], Source::Absent)
    }

    /// The column's name for problems: the header as spelled, or the field name.
    pub(super) fn label(&self, column: Column) -> &str {
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
impl Builder<'_> {
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
}
