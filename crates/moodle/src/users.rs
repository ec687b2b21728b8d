//! Users: look-up (exact and case-insensitive by email), creation (safe after ambiguous
//! failures), update and suspension.

use mm_net::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::Warning;
use crate::batch::{self, BatchError, concat_or_first_error, partition};
use crate::create::Creatable;
use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// A field `core_user_get_users_by_field` can search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserField {
    /// Moodle user id.
    Id,
    /// External id number.
    Idnumber,
    /// Username (lower case in Moodle).
    Username,
    /// Email. Case-sensitive on PostgreSQL: prefer [`MoodleClient::find_users_by_email_ci`].
    Email,
}

impl UserField {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserField::Id => "id",
            UserField::Idnumber => "idnumber",
            UserField::Username => "username",
            UserField::Email => "email",
        }
    }
}

/// A search key of `core_user_get_users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserCriterion {
    /// exact
    Id,
    /// exact
    Idnumber,
    /// exact
    Username,
    /// exact
    Auth,
    /// case-insensitive LIKE
    Email,
    /// case-insensitive LIKE
    Firstname,
    /// case-insensitive LIKE
    Lastname,
}

impl UserCriterion {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserCriterion::Id => "id",
            UserCriterion::Idnumber => "idnumber",
            UserCriterion::Username => "username",
            UserCriterion::Auth => "auth",
            UserCriterion::Email => "email",
            UserCriterion::Firstname => "firstname",
            UserCriterion::Lastname => "lastname",
        }
    }
}

/// A Moodle user (`user_description`; which fields are present depends on the caller's rights).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Moodle user id.
    pub id: i64,
    /// Username.
    #[serde(default)]
    pub username: Option<String>,
    /// First name.
    #[serde(default)]
    pub firstname: Option<String>,
    /// Last name.
    #[serde(default)]
    pub lastname: Option<String>,
    /// Full name.
    #[serde(default)]
    pub fullname: String,
    /// Email (absent when the caller may not see it).
    #[serde(default)]
    pub email: Option<String>,
    /// External id number (omitted by Moodle when empty).
    #[serde(default)]
    pub idnumber: Option<String>,
    /// Auth plugin.
    #[serde(default)]
    pub auth: Option<String>,
    /// Site-level suspension.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub suspended: Option<bool>,
    /// Confirmed account.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub confirmed: Option<bool>,
    /// Language.
    #[serde(default)]
    pub lang: Option<String>,
    /// Last access (unix time, 0 = never).
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub lastaccess: Option<i64>,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Lower-case username (Moodle rejects upper case).
    pub username: String,
    /// Email.
    pub email: String,
    /// First name.
    pub firstname: String,
    /// Last name.
    pub lastname: String,
    /// Auth plugin; `None` = Moodle's default (`manual`).
    pub auth: Option<String>,
    /// Let Moodle generate a password and mail it.
    pub createpassword: bool,
    /// Explicit password (must satisfy the site policy).
    pub password: Option<SecretString>,
    /// External id number.
    pub idnumber: Option<String>,
}

/// A created user as returned by Moodle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUser {
    /// New Moodle id.
    pub id: i64,
    /// Username.
    pub username: String,
}

/// Fields to change on a user; `None` leaves a field unchanged (only sent keys change).
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    /// Moodle user id.
    pub id: i64,
    /// New username.
    pub username: Option<String>,
    /// New auth plugin.
    pub auth: Option<String>,
    /// Suspend (true) or reactivate (false).
    pub suspended: Option<bool>,
    /// New password.
    pub password: Option<SecretString>,
    /// New first name.
    pub firstname: Option<String>,
    /// New last name.
    pub lastname: Option<String>,
    /// New email.
    pub email: Option<String>,
    /// New id number.
    pub idnumber: Option<String>,
}

/// Result of `core_user_get_users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsersSearch {
    /// Matching users, by id.
    #[serde(default)]
    pub users: Vec<User>,
    /// E.g. `invalidfieldparameter` for an unsupported key.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

#[derive(Deserialize)]
pub(crate) struct WarningsOnly {
    #[serde(default)]
    pub(crate) warnings: Vec<Warning>,
}

pub(crate) fn create_users_form(users: &[&NewUser]) -> Form {
    let mut f = Form::new();
    for (i, u) in users.iter().enumerate() {
        let mut s = f.item("users", i);
        s.text("username", u.username.as_str());
        if u.createpassword {
            s.bool("createpassword", true);
        }
        if let Some(p) = &u.password {
            s.text("password", p.expose_secret());
        }
        s.text("firstname", u.firstname.as_str())
            .text("lastname", u.lastname.as_str())
            .text("email", u.email.as_str());
        s.opt_text("auth", u.auth.as_deref())
            .opt_text("idnumber", u.idnumber.as_deref());
    }
    f
}

pub(crate) fn update_users_form(users: &[UserUpdate]) -> Form {
    let mut f = Form::new();
    for (i, u) in users.iter().enumerate() {
        let mut s = f.item("users", i);
        s.int("id", u.id);
        s.opt_text("username", u.username.as_deref())
            .opt_text("auth", u.auth.as_deref());
        if let Some(v) = u.suspended {
            s.bool("suspended", v);
        }
        if let Some(p) = &u.password {
            s.text("password", p.expose_secret());
        }
        s.opt_text("firstname", u.firstname.as_deref())
            .opt_text("lastname", u.lastname.as_deref())
            .opt_text("email", u.email.as_deref())
            .opt_text("idnumber", u.idnumber.as_deref());
    }
    f
}

impl Creatable for NewUser {
    type Key = String;
    type Created = CreatedUser;
    const FUNCTION: &'static str = "core_user_create_users";
    const NOUN: &'static str = "user";
    const AMBIGUOUS: &'static str = "ambiguous user creation: looking users up before retrying";

    fn key(&self) -> String {
        self.username.clone()
    }

    fn created_key(created: &CreatedUser) -> String {
        created.username.clone()
    }

    fn form(rows: &[&NewUser]) -> Form {
        create_users_form(rows)
    }

    async fn look_up(client: &MoodleClient, usernames: Vec<String>) -> Result<Vec<CreatedUser>, MoodleError> {
        let found = client.get_users_by_field(UserField::Username, &usernames).await?;
        Ok(found
            .into_iter()
            .filter_map(|u| u.username.map(|username| CreatedUser { id: u.id, username }))
            .collect())
    }
}

/// Escape the LIKE escape character only. `_` and `%` are left as wildcards on purpose: they
/// make the match a superset of the exact address, and [`MoodleClient::find_users_by_email_ci`]
/// then keeps only exact case-insensitive matches. (Escaping them would depend on the escape
/// character of the site's database driver; a superset plus a filter does not.)
fn like_literal(s: &str) -> String {
    s.replace('\\', "\\\\")
}

impl MoodleClient {
    /// `core_user_get_users_by_field`, split into requests of `batch_size` values.
    /// Users not found are simply absent.
    pub async fn get_users_by_field(&self, field: UserField, values: &[String]) -> Result<Vec<User>, MoodleError> {
        let results = self
            .call_batched(
                "core_user_get_users_by_field",
                Mode::Idempotent,
                values.len(),
                |range| {
                    let mut f = Form::new();
                    f.text("field", field.as_str()).list("values", &values[range]);
                    f
                },
            )
            .await;
        concat_or_first_error(results)
    }

    /// As [`MoodleClient::get_users_by_field`], with one item per group of values (the
    /// spellings of one address): a request carries `batch_size` groups, so asking for a few
    /// spellings of each costs no more requests. A group holds a few values, as a user to
    /// create holds a few keys, which keeps a request under PHP's `max_input_vars`.
    pub async fn get_users_by_field_grouped(
        &self,
        field: UserField,
        groups: &[Vec<String>],
    ) -> Result<Vec<User>, MoodleError> {
        let results = self
            .call_batched(
                "core_user_get_users_by_field",
                Mode::Idempotent,
                groups.len(),
                |range| {
                    let values: Vec<String> = groups[range].iter().flatten().cloned().collect();
                    let mut f = Form::new();
                    f.text("field", field.as_str()).list("values", &values);
                    f
                },
            )
            .await;
        concat_or_first_error(results)
    }

    /// `core_user_get_users` with the given criteria (sent verbatim: `email`, `firstname` and
    /// `lastname` are case-insensitive LIKE patterns).
    pub async fn search_users(&self, criteria: &[(UserCriterion, String)]) -> Result<UsersSearch, MoodleError> {
        let mut f = Form::new();
        for (i, (k, v)) in criteria.iter().enumerate() {
            f.item("criteria", i).text("key", k.as_str()).text("value", v.as_str());
        }
        self.call("core_user_get_users", &f, Mode::Idempotent).await
    }

    /// Every (non-deleted) user whose email equals `email` ignoring case.
    ///
    /// `core_user_get_users_by_field(email)` is case-sensitive on PostgreSQL while
    /// `core_user_create_users` refuses an address differing only in case, so an exact look-up
    /// would miss the account and the creation would fail. This uses the case-insensitive
    /// `LIKE` of `core_user_get_users` and filters the answer, so `_`/`%` in an address cannot
    /// return other people's accounts.
    pub async fn find_users_by_email_ci(&self, email: &str) -> Result<Vec<User>, MoodleError> {
        let wanted = email.trim().to_lowercase();
        let found = self
            .search_users(&[(UserCriterion::Email, like_literal(email.trim()))])
            .await?;
        Ok(found
            .users
            .into_iter()
            .filter(|u| u.email.as_deref().is_some_and(|e| e.trim().to_lowercase() == wanted))
            .collect())
    }

    /// `core_user_create_users`, in batches.
    ///
    /// Not idempotent (a second call fails with `Username already exists`), so a batch is sent
    /// once; after an *ambiguous* failure (timeout, broken connection, HTTP 5xx: Moodle may have
    /// committed the batch) the usernames are looked up first and only the users still missing
    /// are created again, up to the retry policy's attempts. A username that exists afterwards
    /// is reported as created (even if another actor created it in between: look users up
    /// before creating them).
    pub async fn create_users(&self, users: &[NewUser]) -> Result<Vec<CreatedUser>, BatchError> {
        let results = self
            .per_chunk(users.len(), |range| self.create_once_or_look_up(&users[range]))
            .await;
        let (created, failures) = partition(results);
        let created: Vec<CreatedUser> = created.into_iter().flatten().collect();
        if failures.is_empty() {
            return Ok(created);
        }
        Err(BatchError {
            total: users.len(),
            failures,
            created,
        })
    }

    /// `core_user_update_users` (per-user on Moodle 4.x: failures come back as warnings).
    /// Idempotent, so retried; batched.
    pub async fn update_users(&self, users: &[UserUpdate]) -> Result<Vec<Warning>, BatchError> {
        // 3.x answers `null`, 4.x `{"warnings":[…]}`.
        let results = self
            .call_batched::<Option<WarningsOnly>>("core_user_update_users", Mode::Idempotent, users.len(), |range| {
                update_users_form(&users[range])
            })
            .await;
        let warnings = batch::collect(users.len(), results)?;
        Ok(warnings.into_iter().flatten().flat_map(|w| w.warnings).collect())
    }

    /// Suspend users site-wide (`suspended=1`, which also ends their sessions).
    pub async fn suspend_users(&self, ids: &[i64]) -> Result<Vec<Warning>, BatchError> {
        let updates: Vec<UserUpdate> = ids
            .iter()
            .map(|id| UserUpdate {
                id: *id,
                suspended: Some(true),
                ..UserUpdate::default()
            })
            .collect();
        self.update_users(&updates).await
    }
}
