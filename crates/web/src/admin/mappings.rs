//! The products page: every mapping (product → course), those of config.toml read-only; an
//! admin adds, edits and removes the others, imports them as CSV (a preview first, nothing
//! applied until confirmed) and anyone exports the list as CSV in the import's columns.

use super::chrome::Chrome;
use super::csv_file::CsvFile;
use crate::error::PageError;
use crate::session::{Administer, Need, Posted, Read, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_core::{CourseRef, Permission};
use mm_engine::Engine;
use mm_engine::import::FileProblem;
use mm_engine::mappings::{
    CourseChoice, FieldError, ImportError, MAPPING_COLUMNS, MappingDraft, MappingError, MappingKey, RowResult,
};
use mm_i18n::text;
use mm_store::MappingOrigin;
use serde::Deserialize;
use std::sync::Arc;

/// A mapping as the list shows it.
struct Line {
    d: MappingDraft,
    editable: bool,
    /// The query string naming it (edit link).
    key_query: String,
}

#[derive(Template)]
#[template(path = "mappings.html")]
struct MappingsPage {
    c: Chrome,
    lines: Vec<Line>,
    may_administer: bool,
    done: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// `saved`, `removed` or `imported`.
    done: Option<String>,
    #[serde(default)]
    applied: usize,
    #[serde(default)]
    skipped: usize,
}

pub async fn list(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/mappings");
    let done = q.done.as_deref().map(|done| match done {
        "imported" => text(
            c.locale,
            "mapping-done-imported",
            &[("applied", &q.applied.to_string()), ("skipped", &q.skipped.to_string())],
        ),
        "removed" => c.t("mapping-done-removed"),
        _ => c.t("mapping-done-saved"),
    });
    let lines = engine
        .mapping_list()
        .await?
        .iter()
        .map(|m| Line {
            d: MappingDraft::of(&m.mapping),
            editable: m.origin == MappingOrigin::Ui,
            key_query: key_query(&MappingKey::of(&m.mapping)),
        })
        .collect();
    let page = MappingsPage {
        may_administer: user.session.user.role.may(Permission::Administer),
        c,
        lines,
        done,
    };
    Ok(Html(page.render()?))
}

fn key_query(k: &MappingKey) -> String {
    serde_urlencoded::to_string([
        ("product", k.product.as_str()),
        ("site", k.site.as_str()),
        ("course", &k.course.to_string()),
    ])
    .unwrap_or_default()
}

/// One input of the mapping form.
struct Field {
    name: &'static str,
    label: String,
    hint: String,
    value: String,
    /// `text` or `date`.
    input: &'static str,
    /// Non-empty: a `<select>` of (value, label).
    options: Vec<(String, String)>,
    /// A key field of a mapping being edited: shown, carried, not changed.
    fixed: bool,
    /// The id of a `<datalist>` of suggestions, or empty.
    list: &'static str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "mapping_form.html")]
struct FormPage {
    c: Chrome,
    editing: bool,
    fields: Vec<Field>,
    roles: &'static [&'static str],
    /// Why Moodle's course list is not offered (the course is then typed).
    courses_error: Option<String>,
    /// The site whose courses are listed, and the others to switch to (new mappings only).
    site: String,
    sites: Vec<String>,
    /// A problem of the whole mapping (not of one field).
    error: Option<String>,
}

const ROLES: &[&str] = &["student", "teacher", "editingteacher", "manager"];

/// The text of a field's problem in the reader's language.
fn problem_text(c: &Chrome, e: &FieldError) -> String {
    let args = e.problem.args();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    text(c.locale, &format!("mapping-problem-{}", e.problem.code()), &args)
}

async fn form_page<P: Need>(
    engine: &Engine,
    user: &User<P>,
    headers: &HeaderMap,
    d: MappingDraft,
    editing: bool,
    errors: &[FieldError],
) -> Result<FormPage, PageError> {
    let c = Chrome::new(user, headers, "/mappings");
    let sites = engine.site_names();
    let site = if sites.contains(&d.site) {
        d.site.clone()
    } else {
        sites.first().cloned().unwrap_or_default()
    };
    let (courses, courses_error) = match engine.site_courses(&site).await {
        Ok(list) => (list, None),
        Err(e) => (
            Vec::new(),
            Some(text(
                c.locale,
                "mapping-courses-unavailable",
                &[("error", &e.to_string())],
            )),
        ),
    };
    let error_of = |name: &str| {
        let found: Vec<String> = errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| problem_text(&c, e))
            .collect();
        Some(found.join(" ")).filter(|s| !s.is_empty())
    };
    let default = c.t("mapping-site-default");
    let choice = |values: &[&str]| -> Vec<(String, String)> {
        std::iter::once((String::new(), default.clone()))
            .chain(values.iter().map(|v| ((*v).to_owned(), (*v).to_owned())))
            .collect()
    };
    let course_options = course_options(&courses, &d.course);
    let d2 = MappingDraft {
        site: site.clone(),
        ..d
    };
    let values = d2.cells();
    let mut fields = Vec::new();
    for (i, name) in MAPPING_COLUMNS.iter().enumerate() {
        let options = match *name {
            "course" => course_options.clone(),
            "on_revoke" => choice(&["suspend", "unenrol"]),
            "on_remove" => choice(&["keep", "revoke"]),
            "starts_from" => choice(&["payment", "invoice", "enrolment"]),
            _ => Vec::new(),
        };
        fields.push(Field {
            name,
            label: c.t(&format!("mapping-field-{name}")),
            hint: c.t(&format!("mapping-hint-{name}")),
            value: values[i].to_owned(),
            input: if matches!(*name, "starts" | "ends") {
                "date"
            } else {
                "text"
            },
            options,
            fixed: (editing && matches!(*name, "product" | "course")) || *name == "site",
            list: if *name == "role" { "roles" } else { "" },
            error: error_of(name),
        });
    }
    Ok(FormPage {
        error: errors
            .iter()
            .find(|e| !MAPPING_COLUMNS.contains(&e.field))
            .map(|e| problem_text(&c, e)),
        c,
        editing,
        fields,
        roles: ROLES,
        courses_error,
        site,
        sites: if editing { Vec::new() } else { sites },
    })
}

/// Moodle's courses as (shortname, "shortname — full name"), with the mapping's own course
/// when Moodle does not list it; none (a text input) when the list is unavailable.
fn course_options(courses: &[CourseChoice], current: &str) -> Vec<(String, String)> {
    if courses.is_empty() {
        return Vec::new();
    }
    let mut options: Vec<(String, String)> = courses
        .iter()
        .map(|c| (c.reference.clone(), format!("{} — {}", c.reference, c.fullname)))
        .collect();
    if !current.is_empty() && !courses.iter().any(|c| c.reference == current) {
        options.insert(0, (current.to_owned(), current.to_owned()));
    }
    options
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    site: String,
}

pub async fn new_form(
    State(engine): State<Arc<Engine>>,
    user: User<Administer>,
    headers: HeaderMap,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, PageError> {
    let draft = MappingDraft {
        site: q.site,
        role: "student".into(),
        ..MappingDraft::default()
    };
    let page = form_page(&engine, &user, &headers, draft, false, &[]).await?;
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub struct KeyQuery {
    product: String,
    site: String,
    course: String,
}

impl KeyQuery {
    fn key(&self) -> Result<MappingKey, PageError> {
        Ok(MappingKey {
            product: self.product.clone(),
            site: self.site.clone(),
            course: CourseRef::parse(&self.course).map_err(|e| PageError::bad_request(&format!("course: {e}")))?,
        })
    }
}

pub async fn edit_form(
    State(engine): State<Arc<Engine>>,
    user: User<Administer>,
    headers: HeaderMap,
    Query(q): Query<KeyQuery>,
) -> Result<Response, PageError> {
    let mapping = match engine.editable_mapping(&q.key()?).await {
        Ok(Some(m)) => m,
        Ok(None) => return Err(PageError::not_found()),
        Err(MappingError::NotEditable(_)) => {
            let c = Chrome::new(&user, &headers, "/mappings");
            return Err(PageError::bad_request(&c.t("mapping-declared-in-config")));
        }
        Err(e) => return Err(e.into()),
    };
    let page = form_page(&engine, &user, &headers, MappingDraft::of(&mapping), true, &[]).await?;
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct MappingForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    /// Present when an existing mapping is edited.
    #[serde(default)]
    editing: bool,
    #[serde(flatten)]
    draft: MappingDraft,
}

crate::session::csrf_form!(MappingForm, RemoveForm, ImportForm);

pub async fn save(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Administer, MappingForm>,
) -> Result<Response, PageError> {
    let f = &posted.form;
    match engine.save_mapping(&posted.user.actor(), &f.draft).await {
        Ok(_) => Ok(Redirect::to("/mappings?done=saved").into_response()),
        Err(MappingError::Invalid(errors)) => {
            let page = form_page(&engine, &posted.user, &headers, f.draft.clone(), f.editing, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf: String,
    product: String,
    site: String,
    course: String,
}

pub async fn remove(
    State(engine): State<Arc<Engine>>,
    posted: Posted<Administer, RemoveForm>,
) -> Result<Response, PageError> {
    let f = &posted.form;
    let key = KeyQuery {
        product: f.product.clone(),
        site: f.site.clone(),
        course: f.course.clone(),
    }
    .key()?;
    match engine.remove_mapping(&posted.user.actor(), &key).await {
        Ok(()) => Ok(Redirect::to("/mappings?done=removed").into_response()),
        Err(MappingError::NotEditable(what)) => Err(PageError::bad_request(&what)),
        Err(e) => Err(e.into()),
    }
}

/// One row of an import preview, as the page shows it.
pub(super) struct PreviewRow {
    pub line_no: u64,
    pub cells: Vec<String>,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "mapping_import.html")]
struct ImportPage {
    c: Chrome,
    /// Where the form posts: `/mappings/import` or `/seats/import`.
    action: &'static str,
    title: String,
    columns: &'static [&'static str],
    csv: String,
    /// A problem of the whole file.
    error: Option<String>,
    preview: Option<Vec<PreviewRow>>,
    valid: usize,
    invalid: usize,
}

#[derive(Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    csv: String,
    /// `preview` (nothing written) or `apply`.
    #[serde(default)]
    step: String,
}

pub(super) fn file_problem_text(c: &Chrome, p: &FileProblem) -> String {
    let args = p.args();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    text(c.locale, &format!("import-problem-{}", p.code()), &args)
}

/// The rows of a preview: their cells and their problems, in the reader's language.
pub(super) fn preview_rows<T>(c: &Chrome, rows: &[RowResult<T>], cells: impl Fn(&T) -> Vec<String>) -> Vec<PreviewRow> {
    rows.iter()
        .map(|r| match &r.outcome {
            Ok(v) => PreviewRow {
                line_no: r.line_no,
                cells: cells(v),
                errors: Vec::new(),
            },
            Err(errors) => PreviewRow {
                line_no: r.line_no,
                cells: Vec::new(),
                errors: errors
                    .iter()
                    .map(|e| format!("{}: {}", c.t(&format!("mapping-field-{}", e.field)), problem_text(c, e)))
                    .collect(),
            },
        })
        .collect()
}

pub async fn import_form(user: User<Administer>, headers: HeaderMap) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/mappings");
    Ok(Html(mapping_import_page(c, String::new(), None, None)?))
}

fn mapping_import_page(
    c: Chrome,
    csv: String,
    error: Option<String>,
    preview: Option<(Vec<PreviewRow>, usize, usize)>,
) -> Result<String, PageError> {
    import_page(
        c,
        "/mappings/import",
        "mapping-import-title",
        MAPPING_COLUMNS,
        csv,
        error,
        preview,
    )
}

pub(super) fn import_page(
    c: Chrome,
    action: &'static str,
    title: &str,
    columns: &'static [&'static str],
    csv: String,
    error: Option<String>,
    preview: Option<(Vec<PreviewRow>, usize, usize)>,
) -> Result<String, PageError> {
    let (preview, valid, invalid) = match preview {
        Some((rows, valid, invalid)) => (Some(rows), valid, invalid),
        None => (None, 0, 0),
    };
    let page = ImportPage {
        title: c.t(title),
        c,
        action,
        columns,
        csv,
        error,
        preview,
        valid,
        invalid,
    };
    Ok(page.render()?)
}

pub async fn import(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Administer, ImportForm>,
) -> Result<Response, PageError> {
    let c = Chrome::new(&posted.user, &headers, "/mappings");
    let csv = posted.form.csv.clone();
    if posted.form.step == "apply" {
        return match engine.apply_mapping_import(&posted.user.actor(), &csv).await {
            Ok(o) => Ok(Redirect::to(&format!(
                "/mappings?done=imported&applied={}&skipped={}",
                o.applied, o.skipped
            ))
            .into_response()),
            Err(ImportError::File(p)) => {
                let error = Some(file_problem_text(&c, &p));
                Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Html(mapping_import_page(c, csv, error, None)?),
                )
                    .into_response())
            }
            Err(e) => Err(e.into()),
        };
    }
    match engine.preview_mapping_import(&csv).await {
        Ok(p) => {
            let rows = preview_rows(&c, &p.rows, |m| MappingDraft::of(m).cells().map(str::to_owned).to_vec());
            let (valid, invalid) = (p.valid(), p.invalid());
            Ok(Html(mapping_import_page(c, csv, None, Some((rows, valid, invalid)))?).into_response())
        }
        Err(ImportError::File(p)) => {
            let error = Some(file_problem_text(&c, &p));
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(mapping_import_page(c, csv, error, None)?),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Every mapping in force as CSV, in the import's columns (an export imports back as it is).
pub async fn export(State(engine): State<Arc<Engine>>, _user: User<Read>) -> Result<Response, PageError> {
    let mut file = CsvFile::new(MAPPING_COLUMNS)?;
    for m in engine.mapping_list().await? {
        let d = MappingDraft::of(&m.mapping);
        file.row(d.cells());
    }
    file.into_response("mappings.csv")
}
