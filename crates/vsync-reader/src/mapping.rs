//! The mapping file: how an HRIS export's columns become vsync's.
//!
//! ```toml
//! [columns]                      # vsync field = HRIS column, or a template
//! username = "Work Email"
//! employeeId = "Employee Number"
//! displayName = "{Preferred Name|First Name} {Last Name}"
//! accountEnabled = "Employment Status"
//!
//! [constants]                    # the same value on every row
//! profiles = "Standard"
//!
//! [values.accountEnabled]        # raw value (any case) -> value
//! Active = true
//! Terminated = false
//!
//! [[groups]]                     # membership derived from attributes
//! group = "Finance Analysts"
//! when = { Department = "Finance" }
//!
//! [[groups]]
//! group = "{Department} Team"
//! create = true                  # create the groups this rule derives, if the tenant lacks them
//! description = "Everyone in {Department}"
//!
//! [derived_groups]               # defaults for every rule
//! create = false
//!
//! [ignore]                       # columns of the export that nothing reads, on purpose
//! columns = ["Notes"]
//! ```
//!
//! A template is any text with `{Column}` placeholders; `{A|B}` takes the first of the columns
//! that is not blank, and `{{` / `}}` are literal braces. Fields the mapping does not mention
//! are read from vsync's own header if the file has it. Group rules apply to the Users sheet;
//! a rule's `when` holds column = value (or a list of values, any of which matches), all of
//! which must match (case-insensitively); `group` may itself be a template such as
//! `"{Department} Team"`. Any group rule makes the file manage memberships.
//!
//! A rule with `create = true` (or every rule, with `[derived_groups] create = true`) makes
//! the groups it derives part of the desired state as declared groups, so that they are
//! created when the tenant lacks them; `description` is a template filled from the first row
//! that derives each group. Without `create`, derived groups must already exist in the
//! tenant; the desired state keeps the rule and first row of each (`DesiredState::derived`).
//!
//! Columns of the export that the mapping does not read are listed, not refused (an export
//! has extra columns), except a column whose header is close to a vsync field that nothing
//! fills (`dispalyName`): that is likely a typo, and a problem. `[ignore] columns` names
//! columns that are meant to be left unread.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::cell::{clean, did_you_mean};
use crate::error::{Problem, ProblemKind, ReadError};
use crate::schema::{Column, SheetKind};

/// A parsed mapping file. See the [module docs](self) for the format.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mapping {
    pub(crate) fields: Vec<(Column, FieldSpec)>,
    pub(crate) values: HashMap<Column, HashMap<String, String>>,
    pub(crate) groups: Vec<GroupRule>,
    /// Columns meant to be left unread (as written in the mapping).
    pub(crate) ignore: Vec<String>,
    pub(crate) file: Arc<str>,
}

/// Where a field's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldSpec {
    Column(String),
    Template(Template),
    Constant(String),
}

/// A text with `{Column}` placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pub(crate) parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Literal(String),
    /// Alternatives: the first non-blank column wins.
    Columns(Vec<String>),
}

/// A rule that puts a user in a group when the row's attributes match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupRule {
    pub(crate) group: Template,
    /// Column and the accepted values (compared in [`value_key`] form).
    pub(crate) when: Vec<(String, Vec<String>)>,
    /// Whether the groups the rule derives are created when the tenant lacks them.
    pub(crate) create: bool,
    /// The description of created groups.
    pub(crate) description: Option<Template>,
    /// The rule as the mapping file shows it, for messages: file, number and template.
    pub(crate) label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    constants: BTreeMap<String, toml::Value>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, toml::Value>>,
    #[serde(default)]
    groups: Vec<RawGroupRule>,
    #[serde(default)]
    derived_groups: RawDerived,
    #[serde(default)]
    ignore: RawIgnore,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroupRule {
    group: String,
    #[serde(default)]
    when: BTreeMap<String, OneOrMany>,
    create: Option<bool>,
    description: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDerived {
    create: Option<bool>,
    description: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    #[serde(default)]
    columns: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<toml::Value>),
    One(toml::Value),
}

/// The form values are compared in by value maps and group rules.
pub(crate) fn value_key(value: &str) -> String {
    clean(value).unwrap_or_default().to_lowercase()
}

/// Whether `value`, compared as [`value_key`] does, is one of `accepted` (value keys already);
/// without allocating for ASCII text.
pub(crate) fn value_matches(value: &str, accepted: &[String]) -> bool {
    match clean(value) {
        Some(text) if text.is_ascii() => accepted.iter().any(|a| a.eq_ignore_ascii_case(&text)),
        Some(text) => accepted.contains(&text.to_lowercase()),
        None => accepted.iter().any(String::is_empty),
    }
}

fn scalar(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

impl Template {
    /// Parses `{A} {B|C}` text; a text without placeholders is one literal.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => name.push(c),
                            None => return Err(format!("unclosed placeholder in \"{text}\"")),
                        }
                    }
                    let columns: Vec<String> =
                        name.split('|').map(|s| s.trim().to_owned()).collect();
                    if columns.iter().any(String::is_empty) {
                        return Err(format!("empty placeholder in \"{text}\""));
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Columns(columns));
                }
                '}' => return Err(format!("unmatched \"}}\" in \"{text}\"")),
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Self { parts })
    }

    /// Whether the template has any placeholder.
    pub(crate) fn has_columns(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Columns(_)))
    }

    /// The columns the placeholders name.
    pub(crate) fn columns(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .flat_map(|p| match p {
                Part::Columns(cs) => cs.as_slice(),
                Part::Literal(_) => &[],
            })
            .map(String::as_str)
    }
}

impl Mapping {
    /// Every column of the export the mapping reads, as the mapping spells it.
    pub(crate) fn columns(&self) -> Vec<&str> {
        let mut columns = Vec::new();
        for (_, spec) in &self.fields {
            match spec {
                FieldSpec::Column(c) => columns.push(c.as_str()),
                FieldSpec::Template(t) => columns.extend(t.columns()),
                FieldSpec::Constant(_) => {}
            }
        }
        for rule in &self.groups {
            columns.extend(rule.group.columns());
            columns.extend(rule.when.iter().map(|(c, _)| c.as_str()));
            if let Some(d) = &rule.description {
                columns.extend(d.columns());
            }
        }
        columns
    }

    /// Whether a header holds every column the mapping reads (headers in comparison form).
    pub(crate) fn matches(&self, keys: &[String]) -> bool {
        let columns = self.columns();
        !columns.is_empty()
            && columns.iter().all(|c| {
                let key = crate::cell::header_key(c);
                keys.contains(&key)
            })
    }

    /// Whether any rule creates the groups it derives.
    pub fn creates_groups(&self) -> bool {
        self.groups.iter().any(|r| r.create)
    }

    /// Reads and parses a mapping file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ReadError> {
        let path = path.as_ref();
        let file: Arc<str> = Arc::from(path.display().to_string());
        let text = std::fs::read_to_string(path).map_err(|e| {
            ReadError::one(Problem::file(
                ProblemKind::Io,
                &file,
                format!("failed to read the mapping file: {e}"),
            ))
        })?;
        Self::parse(&text, file)
    }

    /// Parses a mapping from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Self, ReadError> {
        Self::parse(text, Arc::from("mapping"))
    }

    fn parse(text: &str, file: Arc<str>) -> Result<Self, ReadError> {
        let problem = |message: String| Problem::file(ProblemKind::Mapping, &file, message);
        let raw: RawMapping = toml::from_str(text)
            .map_err(|e| ReadError::one(problem(format!("invalid mapping: {}", e.message()))))?;
        let mut problems = Vec::new();
        let field_names: Vec<&str> = SheetKind::Users
            .columns()
            .iter()
            .map(|c| c.header())
            .collect();
        let field = |name: &str, section: &str, problems: &mut Vec<Problem>| {
            let column = Column::from_field(name);
            if column.is_none() {
                problems.push(
                    problem(format!("unknown field \"{name}\" in [{section}]"))
                        .suggest(did_you_mean(name, field_names.iter().copied())),
                );
            }
            column
        };
        let mut fields = Vec::new();
        for (name, source) in &raw.columns {
            let Some(column) = field(name, "columns", &mut problems) else {
                continue;
            };
            match Template::parse(source) {
                Ok(t) if t.has_columns() => fields.push((column, FieldSpec::Template(t))),
                Ok(_) => fields.push((column, FieldSpec::Column(source.trim().to_owned()))),
                Err(e) => problems.push(problem(format!("field {name}: {e}"))),
            }
        }
        for (name, value) in &raw.constants {
            let Some(column) = field(name, "constants", &mut problems) else {
                continue;
            };
            if fields.iter().any(|(c, _)| *c == column) {
                problems.push(problem(format!(
                    "field {name} is in both [columns] and [constants]"
                )));
                continue;
            }
            match scalar(value) {
                Some(v) => fields.push((column, FieldSpec::Constant(v))),
                None => problems.push(problem(format!(
                    "constant {name} must be a string, number or boolean"
                ))),
            }
        }
        let mut values = HashMap::new();
        for (name, map) in &raw.values {
            let Some(column) = field(name, "values", &mut problems) else {
                continue;
            };
            let mut compiled = HashMap::new();
            for (from, to) in map {
                match scalar(to) {
                    Some(to) => {
                        compiled.insert(value_key(from), to);
                    }
                    None => problems.push(problem(format!(
                        "value map {name}: \"{from}\" must map to a string or boolean"
                    ))),
                }
            }
            values.insert(column, compiled);
        }
        let mut groups = Vec::new();
        let template =
            |text: &str, what: &str, problems: &mut Vec<Problem>| match Template::parse(text) {
                Ok(t) => Some(t),
                Err(e) => {
                    problems.push(problem(format!("{what}: {e}")));
                    None
                }
            };
        let default_description = raw
            .derived_groups
            .description
            .as_deref()
            .and_then(|d| template(d, "[derived_groups] description", &mut problems));
        for (number, rule) in raw.groups.iter().enumerate() {
            let number = number + 1;
            let group = match Template::parse(&rule.group) {
                Ok(t) if !t.parts.is_empty() => t,
                Ok(_) => {
                    problems.push(problem("group rule with an empty group name".into()));
                    continue;
                }
                Err(e) => {
                    problems.push(problem(format!("group rule: {e}")));
                    continue;
                }
            };
            let mut when = Vec::new();
            for (column, accepted) in &rule.when {
                let accepted: Vec<Option<String>> = match accepted {
                    OneOrMany::One(v) => vec![scalar(v)],
                    OneOrMany::Many(vs) => vs.iter().map(scalar).collect(),
                };
                if accepted.iter().any(Option::is_none) {
                    problems.push(problem(format!(
                        "group rule {}: values of {column} must be strings",
                        rule.group
                    )));
                    continue;
                }
                when.push((
                    column.clone(),
                    accepted
                        .into_iter()
                        .flatten()
                        .map(|v| value_key(&v))
                        .collect(),
                ));
            }
            let description = match &rule.description {
                Some(d) => template(
                    d,
                    &format!("group rule {number} description"),
                    &mut problems,
                ),
                None => default_description.clone(),
            };
            groups.push(GroupRule {
                group,
                when,
                create: rule.create.or(raw.derived_groups.create).unwrap_or(false),
                description,
                label: format!("{file}, [[groups]] rule {number} (\"{}\")", rule.group),
            });
        }
        if problems.is_empty() {
            Ok(Self {
                fields,
                values,
                groups,
                ignore: raw.ignore.columns,
                file,
            })
        } else {
            Err(ReadError::new(problems, 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_columns_templates_constants_values_and_rules() {
        let m = Mapping::from_toml_str(
            r#"
            [columns]
            username = "Work Email"
            displayName = "{Preferred Name|First Name} {Last Name}"
            [constants]
            accountEnabled = true
            [values.accountEnabled]
            Active = true
            [[groups]]
            group = "Finance Analysts"
            when = { Department = "Finance", Location = ["London", "Paris"] }
            "#,
        )
        .unwrap();
        assert_eq!(m.fields.len(), 3);
        assert!(
            m.fields
                .contains(&(Column::Username, FieldSpec::Column("Work Email".into())))
        );
        assert_eq!(m.values[&Column::AccountEnabled]["active"], "true");
        assert_eq!(m.groups[0].when.len(), 2);
    }

    #[test]
    fn unknown_field_gets_a_suggestion() {
        let err = Mapping::from_toml_str("[columns]\nusernme = \"Work Email\"\n").unwrap_err();
        assert_eq!(err.kind(), ProblemKind::Mapping);
        assert_eq!(err.problems[0].suggestion.as_deref(), Some("username"));
    }

    #[test]
    fn template_parsing() {
        let t = Template::parse("{{x}} {A|B}!").unwrap();
        assert_eq!(
            t.parts,
            vec![
                Part::Literal("{x} ".into()),
                Part::Columns(vec!["A".into(), "B".into()]),
                Part::Literal("!".into())
            ]
        );
        assert!(Template::parse("{A").is_err());
        assert!(Template::parse("{}").is_err());
    }
}
