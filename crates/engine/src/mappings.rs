//! Mappings (product → course): those of config.toml, read-only here, and those an admin makes
//! in the UI or imports as CSV, kept in the database. A change only asks for a recompute: the
//! desired state decides what Moodle gets.

use crate::admin::Actor;
use crate::engine::Engine;
use crate::import::{CsvRow, FileProblem, read_rows};
use mm_core::{CourseRef, Mapping, RemovalPolicy, RevokePolicy, StartsFrom, Timestamp};
use mm_moodle::MoodleError;
use mm_store::{MappingOrigin, SaveMappings, StoreError, StoredMapping};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The columns of a mapping CSV (import and export), in export order.
pub const MAPPING_COLUMNS: &[&str] = &[
    "product",
    "site",
    "course",
    "role",
    "duration",
    "starts",
    "ends",
    "on_revoke",
    "grace",
    "on_remove",
    "group",
    "starts_from",
];

/// The columns an import must have.
const REQUIRED_COLUMNS: &[&str] = &["product", "site", "course"];

/// A mapping as a person writes it (a form or a CSV row): every field as text, an empty one
/// meaning the default (role `student`, the site's policies, no end).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MappingDraft {
    pub product: String,
    pub site: String,
    /// A shortname, `id:42` or `idnumber:X`.
    pub course: String,
    pub role: String,
    /// Like config.toml's: `365d`, `12h`.
    pub duration: String,
    /// Fixed dates (`2027-01-11`), instead of a duration; access ends at the end of `ends`.
    pub starts: String,
    pub ends: String,
    /// `suspend` or `unenrol`.
    pub on_revoke: String,
    pub grace: String,
    /// `keep` or `revoke`.
    pub on_remove: String,
    pub group: String,
    /// `payment`, `invoice` or `enrolment`.
    pub starts_from: String,
}

impl MappingDraft {
    /// The draft that saves `m` again (an edit form, an export row).
    pub fn of(m: &Mapping) -> MappingDraft {
        let day = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        MappingDraft {
            product: m.product.clone(),
            site: m.site.clone(),
            course: m.course.to_string(),
            role: m.role.clone(),
            duration: m.duration_secs.map(format_duration).unwrap_or_default(),
            starts: m.window.map(|w| day(w.0.0)).unwrap_or_default(),
            ends: m.window.map(|w| day(w.1.0 - 86_400)).unwrap_or_default(),
            on_revoke: match m.on_revoke {
                RevokePolicy::Suspend => "suspend",
                RevokePolicy::Unenrol => "unenrol",
            }
            .to_owned(),
            grace: format_duration(m.grace_secs),
            on_remove: match m.on_remove {
                RemovalPolicy::Keep => "keep",
                RemovalPolicy::Revoke => "revoke",
            }
            .to_owned(),
            group: m.group.clone().unwrap_or_default(),
            starts_from: m.starts_from.as_str().to_owned(),
        }
    }

    /// The cells of a CSV row, in [`MAPPING_COLUMNS`] order.
    pub fn cells(&self) -> [&str; 12] {
        [
            &self.product,
            &self.site,
            &self.course,
            &self.role,
            &self.duration,
            &self.starts,
            &self.ends,
            &self.on_revoke,
            &self.grace,
            &self.on_remove,
            &self.group,
            &self.starts_from,
        ]
    }

    fn from_row(row: &CsvRow) -> MappingDraft {
        MappingDraft {
            product: row.get("product").to_owned(),
            site: row.get("site").to_owned(),
            course: row.get("course").to_owned(),
            role: row.get("role").to_owned(),
            duration: row.get("duration").to_owned(),
            starts: row.get("starts").to_owned(),
            ends: row.get("ends").to_owned(),
            on_revoke: row.get("on_revoke").to_owned(),
            grace: row.get("grace").to_owned(),
            on_remove: row.get("on_remove").to_owned(),
            group: row.get("group").to_owned(),
            starts_from: row.get("starts_from").to_owned(),
        }
    }
}

/// A duration as config.toml writes it, in the largest whole unit.
fn format_duration(secs: i64) -> String {
    match secs {
        0 => "0s".to_owned(),
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// What is wrong with one field of a draft (or one cell of a CSV row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldProblem {
    #[error("must not be empty")]
    Required,
    #[error("is longer than {0} characters: shorten it")]
    TooLong(usize),
    #[error("no Moodle site is named `{value}`: use one of {allowed}")]
    UnknownSite { value: String, allowed: String },
    #[error("`{0}` is not a course reference: use a shortname, `id:42` or `idnumber:X`")]
    BadCourse(String),
    #[error("Moodle has no course `{0}` on this site: pick one from the list")]
    UnknownCourse(String),
    #[error("`{0}` is not a role: use student, teacher, editingteacher, manager or a role id")]
    UnknownRole(String),
    #[error("`{0}` is not a duration like 365d, 12h or 30m")]
    BadDuration(String),
    #[error("`{0}` is not a date like 2027-01-11")]
    BadDate(String),
    #[error("give either a duration or fixed dates, not both")]
    DurationAndDates,
    #[error("fixed dates need both a start and an end")]
    HalfWindow,
    #[error("the end is before the start")]
    EndsBeforeStarts,
    #[error("`{value}` is not one of {allowed}")]
    NotAChoice { value: String, allowed: &'static str },
    #[error("this product, site and course are declared in config.toml: change it there")]
    DeclaredInConfig,
    #[error("the same product, site and course as line {0}: keep one row")]
    Duplicate(u64),
    #[error("`{0}` is not an email address")]
    BadEmail(String),
}

impl FieldProblem {
    /// A stable code for translated messages (`mapping-problem-<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            FieldProblem::Required => "required",
            FieldProblem::TooLong(_) => "too-long",
            FieldProblem::UnknownSite { .. } => "unknown-site",
            FieldProblem::BadCourse(_) => "bad-course",
            FieldProblem::UnknownCourse(_) => "unknown-course",
            FieldProblem::UnknownRole(_) => "unknown-role",
            FieldProblem::BadDuration(_) => "bad-duration",
            FieldProblem::BadDate(_) => "bad-date",
            FieldProblem::DurationAndDates => "duration-and-dates",
            FieldProblem::HalfWindow => "half-window",
            FieldProblem::EndsBeforeStarts => "ends-before-starts",
            FieldProblem::NotAChoice { .. } => "not-a-choice",
            FieldProblem::DeclaredInConfig => "declared-in-config",
            FieldProblem::Duplicate(_) => "duplicate",
            FieldProblem::BadEmail(_) => "bad-email",
        }
    }

    /// The message's arguments, by name.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            FieldProblem::TooLong(max) => vec![("max", max.to_string())],
            FieldProblem::UnknownSite { value, allowed } => {
                vec![("value", value.clone()), ("allowed", allowed.clone())]
            }
            FieldProblem::NotAChoice { value, allowed } => {
                vec![("value", value.clone()), ("allowed", (*allowed).to_owned())]
            }
            FieldProblem::BadCourse(v)
            | FieldProblem::UnknownCourse(v)
            | FieldProblem::UnknownRole(v)
            | FieldProblem::BadDuration(v)
            | FieldProblem::BadDate(v)
            | FieldProblem::BadEmail(v) => vec![("value", v.clone())],
            FieldProblem::Duplicate(line) => vec![("line", line.to_string())],
            FieldProblem::Required
            | FieldProblem::DurationAndDates
            | FieldProblem::HalfWindow
            | FieldProblem::EndsBeforeStarts
            | FieldProblem::DeclaredInConfig => Vec::new(),
        }
    }
}

/// A problem and the field (CSV column) it is in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldError {
    pub field: &'static str,
    pub problem: FieldProblem,
}

fn field_error(field: &'static str, problem: FieldProblem) -> FieldError {
    FieldError { field, problem }
}

/// Why a mapping could not be saved or removed.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("the mapping is not valid: {}", list(.0))]
    Invalid(Vec<FieldError>),
    #[error("there is no mapping made in the admin for {0}: a mapping of config.toml is changed there")]
    NotEditable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list(errors: &[FieldError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// The (product, site, course) that names a mapping.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MappingKey {
    pub product: String,
    pub site: String,
    pub course: CourseRef,
}

impl MappingKey {
    pub fn of(m: &Mapping) -> MappingKey {
        MappingKey {
            product: m.product.clone(),
            site: m.site.clone(),
            course: m.course.clone(),
        }
    }
}

impl std::fmt::Display for MappingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} → {}/{}", self.product, self.site, self.course)
    }
}

/// A course the form offers, from Moodle's live list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseChoice {
    /// What the mapping stores: the shortname.
    pub reference: String,
    pub fullname: String,
}

/// Why a site's course list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CourseListError {
    #[error("no Moodle site is named `{0}` in config.toml")]
    UnknownSite(String),
    #[error(transparent)]
    Moodle(#[from] MoodleError),
}

/// One row of an import: its line and either what it will save or what is wrong with it.
#[derive(Debug, Clone)]
pub struct RowResult<T> {
    pub line_no: u64,
    pub outcome: Result<T, Vec<FieldError>>,
}

/// An import as it would be applied: every row checked, nothing written.
#[derive(Debug, Clone)]
pub struct ImportPreview<T> {
    pub rows: Vec<RowResult<T>>,
}

impl<T> ImportPreview<T> {
    pub fn valid(&self) -> usize {
        self.rows.iter().filter(|r| r.outcome.is_ok()).count()
    }

    pub fn invalid(&self) -> usize {
        self.rows.len() - self.valid()
    }
}

/// Why an import was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileProblem),
    #[error("{0} is declared in config.toml meanwhile: preview the import again")]
    DeclaredInConfig(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an applied import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOutcome {
    pub applied: usize,
    pub skipped: usize,
}

/// The live course lists a validation checks course references against, read once per site.
/// A site whose list cannot be read checks nothing (the worker reports a missing course).
#[derive(Default)]
struct CourseLists(HashMap<String, Option<Vec<mm_moodle::Course>>>);

impl CourseLists {
    async fn knows(&mut self, engine: &Engine, site: &str, course: &CourseRef) -> bool {
        if !self.0.contains_key(site) {
            let list = match engine.sites().get(site) {
                Some(s) => s.client.list_courses().await.ok(),
                None => None,
            };
            self.0.insert(site.to_owned(), list);
        }
        let Some(Some(courses)) = self.0.get(site) else {
            return true;
        };
        match course {
            CourseRef::Id(id) => courses.iter().any(|c| c.id == *id),
            CourseRef::Shortname(s) => courses.iter().any(|c| &c.shortname == s),
            // Id numbers are shown only to a token that may update courses: unseen is unknown.
            CourseRef::Idnumber(n) => {
                courses.iter().all(|c| c.idnumber.is_none()) || courses.iter().any(|c| c.idnumber.as_ref() == Some(n))
            }
        }
    }
}

impl Engine {
    /// The mappings in force (product → course), from the configuration and the database.
    pub async fn mappings(&self) -> Result<Vec<Mapping>, StoreError> {
        self.store.mappings().await
    }

    /// The mappings in force, each with where it is declared (config.toml ones are read-only).
    pub async fn mapping_list(&self) -> Result<Vec<StoredMapping>, StoreError> {
        self.store.mappings_with_origin().await
    }

    /// A mapping to edit in the admin, if there is one in force; one of config.toml is refused
    /// (it is changed in the file).
    pub async fn editable_mapping(&self, key: &MappingKey) -> Result<Option<Mapping>, MappingError> {
        let found = self
            .store
            .mappings_with_origin()
            .await?
            .into_iter()
            .find(|m| MappingKey::of(&m.mapping) == *key);
        match found {
            Some(m) if m.origin == MappingOrigin::Config => Err(MappingError::NotEditable(key.to_string())),
            other => Ok(other.map(|m| m.mapping)),
        }
    }

    /// The courses of a site, as Moodle lists them now (without the site's front page).
    pub async fn site_courses(&self, site: &str) -> Result<Vec<CourseChoice>, CourseListError> {
        let s = self
            .sites()
            .get(site)
            .ok_or_else(|| CourseListError::UnknownSite(site.to_owned()))?;
        let mut courses: Vec<CourseChoice> = s
            .client
            .list_courses()
            .await?
            .into_iter()
            .filter(|c| c.id != 1)
            .map(|c| CourseChoice {
                reference: c.shortname,
                fullname: c.fullname,
            })
            .collect();
        courses.sort_by(|a, b| a.reference.cmp(&b.reference));
        Ok(courses)
    }

    /// The names of the Moodle sites in use (config.toml's and those added in the admin), sorted.
    pub fn site_names(&self) -> Vec<String> {
        self.sites().names()
    }

    /// Checks a draft: every field's problem at once, or the mapping it saves.
    pub async fn validate_mapping(&self, draft: &MappingDraft) -> Result<Mapping, MappingError> {
        let declared = self.declared_in_config().await?;
        self.check_draft(draft, &declared, &mut CourseLists::default())
            .await
            .map_err(MappingError::Invalid)
    }

    /// Saves a mapping made in the admin (new or edited), noted in the operator's log; the next
    /// recompute puts it in force. One the configuration file declares is refused.
    pub async fn save_mapping(&self, actor: &Actor, draft: &MappingDraft) -> Result<Mapping, MappingError> {
        let mapping = match self.validate_mapping(draft).await {
            Ok(m) => m,
            Err(e) => {
                let object = format!(
                    "{} → {}/{}",
                    draft.product.trim(),
                    draft.site.trim(),
                    draft.course.trim()
                );
                self.record_action(actor, "mapping.save", &object, Some(e.to_string()), false)
                    .await;
                return Err(e);
            }
        };
        let object = MappingKey::of(&mapping).to_string();
        if let SaveMappings::DeclaredInConfig(_) = self.store.save_ui_mappings(std::slice::from_ref(&mapping)).await? {
            let e = MappingError::Invalid(vec![field_error("product", FieldProblem::DeclaredInConfig)]);
            self.record_action(actor, "mapping.save", &object, Some(e.to_string()), false)
                .await;
            return Err(e);
        }
        self.record_action(actor, "mapping.save", &object, Some(summary(&mapping)), true)
            .await;
        self.request_recompute();
        Ok(mapping)
    }

    /// Removes a mapping made in the admin: its `on_remove` policy decides what becomes of the
    /// access it granted, at the next recompute.
    pub async fn remove_mapping(&self, actor: &Actor, key: &MappingKey) -> Result<(), MappingError> {
        let removed = self
            .store
            .remove_ui_mapping(&key.product, &key.site, &key.course)
            .await?;
        let object = key.to_string();
        if !removed {
            let e = MappingError::NotEditable(object.clone());
            self.record_action(actor, "mapping.remove", &object, Some(e.to_string()), false)
                .await;
            return Err(e);
        }
        self.record_action(actor, "mapping.remove", &object, None, true).await;
        self.request_recompute();
        Ok(())
    }

    /// Every row of a mapping CSV checked as it would be saved; nothing is written.
    pub async fn preview_mapping_import(&self, csv: &str) -> Result<ImportPreview<Mapping>, ImportError> {
        let rows = read_rows(csv, MAPPING_COLUMNS, REQUIRED_COLUMNS)?;
        let declared = self.declared_in_config().await?;
        let mut lists = CourseLists::default();
        let mut seen: HashMap<MappingKey, u64> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut outcome = self
                .check_draft(&MappingDraft::from_row(row), &declared, &mut lists)
                .await;
            if let Ok(m) = &outcome
                && let Some(first) = seen.insert(MappingKey::of(m), row.line_no)
            {
                outcome = Err(vec![field_error("product", FieldProblem::Duplicate(first))]);
            }
            out.push(RowResult {
                line_no: row.line_no,
                outcome,
            });
        }
        Ok(ImportPreview { rows: out })
    }

    /// Checks the CSV again and saves every valid row in one transaction (the invalid ones are
    /// skipped, as the preview showed), noted in the operator's log.
    pub async fn apply_mapping_import(&self, actor: &Actor, csv: &str) -> Result<ImportOutcome, ImportError> {
        let preview = self.preview_mapping_import(csv).await?;
        let valid: Vec<Mapping> = preview
            .rows
            .iter()
            .filter_map(|r| r.outcome.as_ref().ok().cloned())
            .collect();
        let outcome = ImportOutcome {
            applied: valid.len(),
            skipped: preview.invalid(),
        };
        if let SaveMappings::DeclaredInConfig(m) = self.store.save_ui_mappings(&valid).await? {
            return Err(ImportError::DeclaredInConfig(MappingKey::of(&m).to_string()));
        }
        let detail = valid
            .iter()
            .map(|m| MappingKey::of(m).to_string())
            .collect::<Vec<_>>()
            .join("; ");
        let object = format!("{} mapping(s), {} row(s) skipped", outcome.applied, outcome.skipped);
        self.record_action(actor, "mapping.import", &object, Some(detail), true)
            .await;
        if outcome.applied > 0 {
            self.request_recompute();
        }
        Ok(outcome)
    }

    /// The keys config.toml declares (in force), which the admin may not overwrite.
    async fn declared_in_config(&self) -> Result<Vec<MappingKey>, StoreError> {
        Ok(self
            .store
            .mappings_with_origin()
            .await?
            .iter()
            .filter(|m| m.origin == MappingOrigin::Config)
            .map(|m| MappingKey::of(&m.mapping))
            .collect())
    }

    async fn check_draft(
        &self,
        d: &MappingDraft,
        declared: &[MappingKey],
        lists: &mut CourseLists,
    ) -> Result<Mapping, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut note = |field, problem| errors.push(field_error(field, problem));
        let product = d.product.trim();
        if product.is_empty() {
            note("product", FieldProblem::Required);
        } else if product.chars().count() > 191 {
            note("product", FieldProblem::TooLong(191));
        }
        let site_name = d.site.trim();
        let site = self.site_defaults(site_name);
        if site.is_none() {
            let problem = if site_name.is_empty() {
                FieldProblem::Required
            } else {
                FieldProblem::UnknownSite {
                    value: site_name.to_owned(),
                    allowed: self.site_names().join(", "),
                }
            };
            note("site", problem);
        }
        let course = match CourseRef::parse(&d.course) {
            Ok(c) if c.to_string().chars().count() > 255 => {
                note("course", FieldProblem::TooLong(255));
                None
            }
            Ok(c) => Some(c),
            Err(_) if d.course.trim().is_empty() => {
                note("course", FieldProblem::Required);
                None
            }
            Err(_) => {
                note("course", FieldProblem::BadCourse(d.course.trim().to_owned()));
                None
            }
        };
        let role = Some(d.role.trim()).filter(|r| !r.is_empty()).unwrap_or("student");
        if crate::site::role_id(role).is_none() {
            note("role", FieldProblem::UnknownRole(role.to_owned()));
        }
        let duration = optional(&d.duration).and_then(|s| parse_duration("duration", s, &mut note));
        let grace = optional(&d.grace).and_then(|s| parse_duration("grace", s, &mut note));
        let window = window(d, duration.is_some(), &mut note);
        let on_revoke = choice(
            &d.on_revoke,
            "on_revoke",
            &[("suspend", RevokePolicy::Suspend), ("unenrol", RevokePolicy::Unenrol)],
            "suspend, unenrol",
            &mut note,
        );
        let on_remove = choice(
            &d.on_remove,
            "on_remove",
            &[("keep", RemovalPolicy::Keep), ("revoke", RemovalPolicy::Revoke)],
            "keep, revoke",
            &mut note,
        );
        let starts_from = choice(
            &d.starts_from,
            "starts_from",
            &[
                ("payment", StartsFrom::Payment),
                ("invoice", StartsFrom::Invoice),
                ("enrolment", StartsFrom::Enrolment),
            ],
            "payment, invoice, enrolment",
            &mut note,
        );
        let group = optional(&d.group).map(str::to_owned);
        if group.as_ref().is_some_and(|g| g.chars().count() > 254) {
            note("group", FieldProblem::TooLong(254));
        }
        if let (Some(site), Some(course)) = (&site, &course) {
            let key = MappingKey {
                product: product.to_owned(),
                site: site.name.clone(),
                course: course.clone(),
            };
            if declared.contains(&key) {
                errors.push(field_error("product", FieldProblem::DeclaredInConfig));
            } else if !lists.knows(self, &site.name, course).await {
                errors.push(field_error("course", FieldProblem::UnknownCourse(course.to_string())));
            }
        }
        let (Some(site), Some(course), true) = (site, course, errors.is_empty()) else {
            return Err(errors);
        };
        let key = MappingKey {
            product: product.to_owned(),
            site: site.name.clone(),
            course,
        };
        Ok(Mapping {
            product: key.product,
            site: key.site,
            course: key.course,
            role: role.to_owned(),
            duration_secs: duration,
            starts_from: starts_from.unwrap_or(site.starts_from),
            window,
            on_revoke: on_revoke.unwrap_or(site.on_revoke),
            grace_secs: grace.unwrap_or_else(|| i64::try_from(site.grace.as_secs()).unwrap_or(i64::MAX)),
            on_remove: on_remove.unwrap_or(site.on_mapping_removed),
            group,
        })
    }
}

/// A mapping's settings in a line, for the operator's log.
fn summary(m: &Mapping) -> String {
    let d = MappingDraft::of(m);
    MAPPING_COLUMNS
        .iter()
        .zip(d.cells())
        .skip(3)
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn optional(raw: &str) -> Option<&str> {
    Some(raw.trim()).filter(|s| !s.is_empty())
}

fn parse_duration(field: &'static str, raw: &str, note: &mut impl FnMut(&'static str, FieldProblem)) -> Option<i64> {
    match humantime::parse_duration(raw) {
        Ok(d) => Some(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        Err(_) => {
            note(field, FieldProblem::BadDuration(raw.to_owned()));
            None
        }
    }
}

/// A choice among named values; empty is the site's default (`None`).
fn choice<T: Copy>(
    raw: &str,
    field: &'static str,
    values: &[(&str, T)],
    allowed: &'static str,
    note: &mut impl FnMut(&'static str, FieldProblem),
) -> Option<T> {
    let raw = optional(raw)?;
    let found = values
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(raw))
        .map(|(_, v)| *v);
    if found.is_none() {
        note(
            field,
            FieldProblem::NotAChoice {
                value: raw.to_owned(),
                allowed,
            },
        );
    }
    found
}

/// Fixed dates: whole UTC days, the end day included; they exclude a duration.
fn window(
    d: &MappingDraft,
    has_duration: bool,
    note: &mut impl FnMut(&'static str, FieldProblem),
) -> Option<(Timestamp, Timestamp)> {
    let mut day = |field, raw: &str| {
        let parsed = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp());
        if parsed.is_none() {
            note(field, FieldProblem::BadDate(raw.to_owned()));
        }
        parsed
    };
    match (optional(&d.starts), optional(&d.ends)) {
        (None, None) => None,
        (Some(a), Some(b)) => {
            let (start, end) = (day("starts", a), day("ends", b));
            if has_duration {
                note("duration", FieldProblem::DurationAndDates);
            }
            let (start, end) = (start?, end? + 86_400);
            if end <= start {
                note("ends", FieldProblem::EndsBeforeStarts);
                return None;
            }
            Some((Timestamp(start), Timestamp(end)))
        }
        (None, Some(_)) => {
            note("starts", FieldProblem::HalfWindow);
            None
        }
        (Some(_), None) => {
            note("ends", FieldProblem::HalfWindow);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_as_config_toml_reads_them() {
        for (secs, text) in [(365 * 86_400, "365d"), (7_200, "2h"), (90, "90s"), (0, "0s")] {
            assert_eq!(format_duration(secs), text);
            let back = humantime::parse_duration(text).unwrap().as_secs();
            assert_eq!(i64::try_from(back).unwrap(), secs);
        }
    }
}
