//! core_user_* functions.

use std::collections::HashSet;

use super::Caller;
use crate::errors::WsError;
use crate::json::J;
use crate::params::{Desc, Ty, V, d};
use crate::state::{State, User, now};

/// `validate_email()` — a pragmatic version of Moodle's regex.
pub fn validate_email(e: &str) -> bool {
    let Some((local, domain)) = e.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.');
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    local_ok && domain_ok
}

/// The default password policy (≥8 chars, digit, lower, upper, special). Returns the HTML errors.
pub fn password_policy_errors(pw: &str) -> Option<String> {
    let mut errs = String::new();
    if pw.chars().count() < 8 {
        errs.push_str("<div>Passwords must be at least 8 characters long.</div>");
    }
    if !pw.chars().any(|c| c.is_ascii_digit()) {
        errs.push_str("<div>Passwords must have at least 1 digit(s).</div>");
    }
    if !pw.chars().any(char::is_lowercase) {
        errs.push_str("<div>Passwords must have at least 1 lower case letter(s).</div>");
    }
    if !pw.chars().any(char::is_uppercase) {
        errs.push_str("<div>Passwords must have at least 1 upper case letter(s).</div>");
    }
    if !pw.chars().any(|c| !c.is_alphanumeric()) {
        errs.push_str("<div>The password must have at least 1 special character(s) such as *, -, or #.</div>");
    }
    if errs.is_empty() { None } else { Some(errs) }
}

/// Whether `user_get_user_details` answers at all: the caller themself, or with
/// `moodle/user:viewdetails` (course contacts are not modelled).
fn details_visible(caller: &Caller, u: &User) -> bool {
    u.id == caller.user.id || caller.can("moodle/user:viewdetails")
}

/// Whether the answer carries the email (`user_lib.php::user_get_user_details`): a caller
/// always sees their own; another user's only as an identity field, i.e. with
/// `moodle/site:viewuseridentity` (`showuseridentity` = `email`; `maildisplay` is not modelled).
fn email_visible(caller: &Caller, u: &User) -> bool {
    u.id == caller.user.id || caller.can("moodle/site:viewuseridentity")
}

/// A `user_description` as returned to an admin caller (empty optional fields omitted).
pub fn user_description(state: &State, caller: &Caller, u: &User) -> J {
    let (small, big) = super::picture_urls(state);
    let full = caller.can("moodle/user:viewalldetails");
    let mut o = J::obj().with("id", u.id);
    if full {
        o.push("username", u.username.as_str());
        o.push("firstname", u.firstname.as_str());
        o.push("lastname", u.lastname.as_str());
    }
    o.push("fullname", u.fullname());
    if email_visible(caller, u) {
        o.push("email", u.email.as_str());
    }
    if full {
        if !u.phone1.is_empty() {
            o.push("phone1", u.phone1.as_str());
        }
        o.push("department", u.department.as_str());
        if !u.institution.is_empty() {
            o.push("institution", u.institution.as_str());
        }
        if !u.idnumber.is_empty() {
            o.push("idnumber", u.idnumber.as_str());
        }
        o.push("firstaccess", 0);
        o.push("lastaccess", 0);
        o.push("auth", u.auth.as_str());
        o.push("suspended", u.suspended);
        o.push("confirmed", u.confirmed);
        o.push("lang", if u.lang.is_empty() { "en" } else { u.lang.as_str() });
        o.push("theme", "");
        o.push(
            "timezone",
            if u.timezone.is_empty() {
                "99"
            } else {
                u.timezone.as_str()
            },
        );
        o.push("mailformat", 1);
        o.push("trackforums", 0);
        if !u.description.is_empty() {
            o.push("description", u.description.as_str());
            o.push("descriptionformat", 1);
        }
        if !u.city.is_empty() {
            o.push("city", u.city.as_str());
        }
        if !u.country.is_empty() {
            o.push("country", u.country.as_str());
        }
    }
    o.push("profileimageurlsmall", small);
    o.push("profileimageurl", big);
    if full && !u.customfields.is_empty() {
        let cf: Vec<J> = u
            .customfields
            .iter()
            .map(|(k, v)| {
                J::obj()
                    .with("type", "text")
                    .with("value", v.as_str())
                    .with("displayvalue", v.as_str())
                    .with("name", k.as_str())
                    .with("shortname", k.as_str())
            })
            .collect();
        o.push("customfields", cf);
    }
    o
}

/// `get_users*` return a user only if the searched field is non-empty in its details: a
/// search by email finds nobody when emails are hidden from the caller.
fn field_visible(caller: &Caller, field: &str, u: &User) -> bool {
    let full = caller.can("moodle/user:viewalldetails");
    if !details_visible(caller, u) {
        return false;
    }
    match field {
        "id" => true,
        "email" => email_visible(caller, u) && !u.email.is_empty(),
        "username" | "firstname" | "lastname" | "auth" => full,
        "idnumber" => full && !u.idnumber.is_empty(),
        _ => full,
    }
}

/// Params of core_user_get_users_by_field.
pub fn by_field_params() -> Desc {
    d::single(vec![("field", d::req(Ty::Alpha)), ("values", d::list(d::req(Ty::Raw)))])
}

/// core_user_get_users_by_field — exact match (email is case-SENSITIVE, as on PostgreSQL).
pub fn get_users_by_field(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let field = p.get_str("field").unwrap_or("");
    let values: Vec<&str> = p
        .get("values")
        .map(V::list)
        .unwrap_or(&[])
        .iter()
        .filter_map(V::str)
        .collect();
    let ty = match field {
        "id" => Ty::Int,
        "idnumber" => Ty::Raw,
        "username" => Ty::Username,
        "email" => Ty::RawTrimmed,
        _ => {
            return Err(WsError::coding("invalid field parameter").debug(format!(
                "The search field '{field}' is not supported, look at the web service documentation"
            )));
        }
    };
    for v in &values {
        let c = crate::params::clean(v, ty);
        if c != *v {
            return Err(WsError::invalid_parameter(format!(
                "The field '{field}' value is invalid: {v}(cleaned value: {c})"
            )));
        }
    }
    let mut ids: Vec<i64> = Vec::new();
    for v in &values {
        match field {
            "id" => {
                if let Ok(id) = v.parse::<i64>()
                    && state.user(id).is_some()
                {
                    ids.push(id);
                }
            }
            "username" => {
                if let Some(u) = state.user_by_username(v) {
                    ids.push(u.id);
                }
            }
            "email" => ids.extend(state.users_by_email_ci(v).filter(|u| u.email == *v).map(|u| u.id)),
            _ => ids.extend(
                state
                    .users
                    .values()
                    .filter(|u| !u.deleted && u.idnumber == *v)
                    .map(|u| u.id),
            ),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let out = ids
        .iter()
        .filter_map(|id| state.users.get(id))
        .filter(|u| field_visible(caller, field, u))
        .map(|u| user_description(state, caller, u))
        .collect::<Vec<_>>();
    Ok(J::Arr(out))
}

/// Params of core_user_get_users.
pub fn get_users_params() -> Desc {
    d::single(vec![(
        "criteria",
        d::list(d::single(vec![("key", d::req(Ty::Alpha)), ("value", d::req(Ty::Raw))])),
    )])
}

/// SQL `LIKE` (case-insensitive here, as Moodle's `sql_like(..., false)`), `%` and `_`, `\` escapes.
pub fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    fn go(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| go(rest, &t[i..])),
            Some(('_', rest)) => !t.is_empty() && go(rest, &t[1..]),
            Some(('\\', rest)) if !rest.is_empty() => !t.is_empty() && t[0] == rest[0] && go(&rest[1..], &t[1..]),
            Some((c, rest)) => !t.is_empty() && t[0] == *c && go(rest, &t[1..]),
        }
    }
    go(&p, &t)
}

/// core_user_get_users
pub fn get_users(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let mut seen = HashSet::new();
    let mut warnings = Vec::new();
    let mut crit: Vec<(String, String)> = Vec::new();
    for c in p.get("criteria").map(V::list).unwrap_or(&[]) {
        let key = c.get_str("key").unwrap_or("").to_owned();
        let value = c.get_str("value").unwrap_or("").to_owned();
        if !seen.insert(key.clone()) {
            return Err(WsError::moodle("keyalreadyset", "error/keyalreadyset")
                .debug(format!("The key {key} can only be sent once")));
        }
        match key.as_str() {
            "id" | "idnumber" | "username" | "auth" | "email" | "firstname" | "lastname" => {
                crit.push((key, value));
            }
            _ => warnings.push(
                J::obj()
                    .with("item", key.as_str())
                    .with("warningcode", "invalidfieldparameter")
                    .with(
                        "message",
                        format!("The search key '{key}' is not supported, look at the web service documentation"),
                    ),
            ),
        }
    }
    let matches = |u: &User| {
        crit.iter().all(|(k, v)| match k.as_str() {
            "id" => v.parse::<i64>().is_ok_and(|i| i == u.id),
            "idnumber" => u.idnumber == *v,
            "username" => u.username == *v,
            "auth" => u.auth == *v,
            "email" => like(v, &u.email),
            "firstname" => like(v, &u.firstname),
            "lastname" => like(v, &u.lastname),
            _ => true,
        })
    };
    let candidates: Vec<&User> = match crit.iter().find(|(k, _)| k == "username") {
        Some((_, v)) => state.user_by_username(v).into_iter().collect(),
        None => state.users.values().filter(|u| !u.deleted).collect(),
    };
    let users: Vec<J> = candidates
        .into_iter()
        .filter(|u| matches(u))
        .filter(|u| details_visible(caller, u))
        .filter(|u| crit.iter().all(|(k, _)| field_visible(caller, k, u)))
        .map(|u| user_description(state, caller, u))
        .collect();
    Ok(J::obj().with("users", users).with("warnings", warnings))
}

fn user_fields_common() -> Vec<(&'static str, Desc)> {
    vec![
        ("maildisplay", d::opt(Ty::Int)),
        ("city", d::opt(Ty::NoTags)),
        ("country", d::opt(Ty::Alpha)),
        ("timezone", d::opt(Ty::Timezone)),
        ("description", d::opt(Ty::Raw)),
        ("firstnamephonetic", d::opt(Ty::NoTags)),
        ("lastnamephonetic", d::opt(Ty::NoTags)),
        ("middlename", d::opt(Ty::NoTags)),
        ("alternatename", d::opt(Ty::NoTags)),
        ("interests", d::opt(Ty::Text)),
        ("institution", d::opt(Ty::Text)),
        ("department", d::opt(Ty::Text)),
        ("phone1", d::opt(Ty::NoTags)),
        ("phone2", d::opt(Ty::NoTags)),
        ("address", d::opt(Ty::Text)),
    ]
}

fn kv_list(typekey: Ty) -> Desc {
    d::list_opt(d::single(vec![("type", d::req(typekey)), ("value", d::req(Ty::Raw))]))
}

/// Params of core_user_create_users.
pub fn create_params() -> Desc {
    let mut keys = vec![
        ("createpassword", d::opt(Ty::Bool)),
        ("username", d::req(Ty::Username)),
        ("auth", d::def(Ty::Plugin, V::Str("manual".into()))),
        ("password", d::opt(Ty::Raw)),
        ("firstname", d::req(Ty::NoTags)),
        ("lastname", d::req(Ty::NoTags)),
        ("email", d::req(Ty::RawTrimmed)),
    ];
    keys.extend(user_fields_common());
    keys.extend(vec![
        ("idnumber", d::def(Ty::Raw, V::Str(String::new()))),
        ("lang", d::def(Ty::Lang, V::Str("en".into()))),
        ("calendartype", d::def(Ty::Plugin, V::Str("gregorian".into()))),
        ("theme", d::opt(Ty::Plugin)),
        ("mailformat", d::opt(Ty::Int)),
        ("customfields", kv_list(Ty::AlphaNumExt)),
        ("preferences", kv_list(Ty::Raw)),
    ]);
    d::single(vec![("users", d::list(d::single(keys)))])
}

fn s(v: &V, k: &str) -> String {
    v.get_str(k).unwrap_or("").to_owned()
}

fn customfields(v: &V) -> std::collections::BTreeMap<String, String> {
    v.get("customfields")
        .map(V::list)
        .unwrap_or(&[])
        .iter()
        .map(|c| (s(c, "type"), s(c, "value")))
        .collect()
}

/// core_user_create_users — all-or-nothing, checks in the contract's order.
pub fn create_users(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    caller.require("moodle/user:create", "Create users")?;
    let mut new_usernames: HashSet<String> = HashSet::new();
    let mut new_emails: HashSet<String> = HashSet::new();
    let mut staged: Vec<User> = Vec::new();
    let t = now();
    for item in p.get("users").map(V::list).unwrap_or(&[]) {
        let username = s(item, "username");
        for f in ["username", "firstname", "lastname"] {
            if s(item, f).trim().is_empty() {
                return Err(WsError::invalid_parameter(format!("The field {f} cannot be blank")));
            }
        }
        if state.user_by_username(&username).is_some() || new_usernames.contains(&username) {
            return Err(WsError::invalid_parameter(format!(
                "Username already exists: {username}"
            )));
        }
        let auth = s(item, "auth");
        if ![
            "manual",
            "nologin",
            "email",
            "ldap",
            "oauth2",
            "db",
            "cas",
            "shibboleth",
            "lti",
        ]
        .contains(&auth.as_str())
        {
            return Err(WsError::invalid_parameter(format!(
                "Invalid authentication type: {auth}"
            )));
        }
        let password = s(item, "password");
        let createpassword = item.get("createpassword").and_then(V::bool).unwrap_or(false);
        if auth == "manual" && password.is_empty() && !createpassword {
            return Err(WsError::invalid_parameter(
                "Invalid password: you must provide a password, or set createpassword.",
            ));
        }
        let email = s(item, "email");
        if !validate_email(&email) {
            return Err(WsError::invalid_parameter(format!("Email address is invalid: {email}")));
        }
        if !state.site.allowaccountssameemail
            && (state.users_by_email_ci(&email).next().is_some() || new_emails.contains(&email.to_lowercase()))
        {
            return Err(WsError::invalid_parameter(format!(
                "Email address already exists: {email}"
            )));
        }
        if !password.is_empty()
            && !createpassword
            && let Some(errs) = password_policy_errors(&password)
        {
            return Err(WsError::moodle(&errs, format!("error/{errs}")));
        }
        new_usernames.insert(username.clone());
        new_emails.insert(email.to_lowercase());
        staged.push(User {
            username,
            firstname: s(item, "firstname"),
            lastname: s(item, "lastname"),
            email,
            auth,
            confirmed: true,
            idnumber: s(item, "idnumber"),
            department: s(item, "department"),
            institution: s(item, "institution"),
            city: s(item, "city"),
            country: s(item, "country"),
            lang: s(item, "lang"),
            timezone: item.get_str("timezone").unwrap_or("99").to_owned(),
            description: s(item, "description"),
            phone1: s(item, "phone1"),
            password,
            customfields: customfields(item),
            timecreated: t,
            ..User::default()
        });
    }
    let out = staged
        .into_iter()
        .map(|u| {
            let name = u.username.clone();
            let id = state.insert_user(u);
            J::obj().with("id", id).with("username", name)
        })
        .collect();
    Ok(J::Arr(out))
}

/// Params of core_user_update_users.
pub fn update_params() -> Desc {
    let mut keys = vec![
        ("id", d::req(Ty::Int)),
        ("username", d::opt(Ty::Username)),
        ("auth", d::opt(Ty::Plugin)),
        ("suspended", d::opt(Ty::Bool)),
        ("password", d::opt(Ty::Raw)),
        ("firstname", d::opt(Ty::NoTags)),
        ("lastname", d::opt(Ty::NoTags)),
        ("email", d::opt(Ty::RawTrimmed)),
    ];
    keys.extend(user_fields_common());
    keys.extend(vec![
        ("userpicture", d::opt(Ty::Int)),
        ("idnumber", d::opt(Ty::Raw)),
        ("lang", d::opt(Ty::Lang)),
        ("calendartype", d::opt(Ty::Plugin)),
        ("theme", d::opt(Ty::Plugin)),
        ("mailformat", d::opt(Ty::Int)),
        ("customfields", kv_list(Ty::AlphaNumExt)),
        ("preferences", kv_list(Ty::Raw)),
    ]);
    d::single(vec![("users", d::list(d::single(keys)))])
}

fn warn(id: i64, code: &str, msg: &str) -> J {
    J::obj()
        .with("item", "user")
        .with("itemid", id)
        .with("warningcode", code)
        .with("message", msg)
}

/// core_user_update_users — Moodle 4.5.6: per-user, failures become warnings.
pub fn update_users(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    caller.require("moodle/user:update", "Update user profiles")?;
    let mut warnings = Vec::new();
    for item in p.get("users").map(V::list).unwrap_or(&[]) {
        let id = item.get_int("id").unwrap_or(0);
        let Some(existing) = state.user(id).cloned() else {
            warnings.push(warn(id, "invaliduserid", "Invalid user ID"));
            continue;
        };
        if existing.id == 1 {
            warnings.push(warn(id, "usernotupdatedguest", "error/usernotupdatedguest"));
            continue;
        }
        if existing.admin && !caller.user.admin {
            warnings.push(warn(id, "usernotupdatedadmin", "error/usernotupdatedadmin"));
            continue;
        }
        if let Some(email) = item.get_str("email") {
            if !validate_email(email) {
                warnings.push(warn(id, "useremailinvalid", "error/useremailinvalid"));
                continue;
            }
            if !state.site.allowaccountssameemail && state.users_by_email_ci(email).any(|u| u.id != id) {
                warnings.push(warn(id, "useremailduplicate", "Duplicate address"));
                continue;
            }
        }
        if let Some(un) = item.get_str("username")
            && state.user_by_username(un).is_some_and(|u| u.id != id)
        {
            warnings.push(warn(id, "dmlwriteexception", "Error writing to database"));
            continue;
        }
        if let Some(pw) = item.get_str("password")
            && let Some(errs) = password_policy_errors(pw)
        {
            return Err(WsError::new(
                    crate::errors::class::INVALID_RESPONSE,
                    "invalidresponse",
                    "Invalid response value detected",
                )
                .debug(format!(
                    "warnings => Invalid response value detected: warningcode => Invalid response value detected: Invalid external api response: the value is \"{errs}\" of PHP type \"string\", the server was expecting \"alphanum\" type"
                )));
        }
        let mut u = existing.clone();
        let set = |dst: &mut String, k: &str| {
            if let Some(v) = item.get_str(k) {
                *dst = v.to_owned();
            }
        };
        set(&mut u.username, "username");
        set(&mut u.auth, "auth");
        set(&mut u.password, "password");
        set(&mut u.firstname, "firstname");
        set(&mut u.lastname, "lastname");
        set(&mut u.email, "email");
        set(&mut u.city, "city");
        set(&mut u.country, "country");
        set(&mut u.timezone, "timezone");
        set(&mut u.description, "description");
        set(&mut u.institution, "institution");
        set(&mut u.department, "department");
        set(&mut u.phone1, "phone1");
        set(&mut u.idnumber, "idnumber");
        set(&mut u.lang, "lang");
        if let Some(b) = item.get("suspended").and_then(V::bool) {
            u.suspended = b;
        }
        for (k, v) in customfields(item) {
            u.customfields.insert(k, v);
        }
        state.users.insert(id, u);
        state.reindex_user(id, &existing.username, &existing.email);
    }
    Ok(J::obj().with("warnings", warnings))
}
