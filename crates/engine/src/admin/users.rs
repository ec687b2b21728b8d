//! Admin users: added from the CLI (`user add`) or by an admin in the UI, with argon2id
//! password hashes. The last enabled admin cannot be disabled or demoted, so nobody locks the
//! business out of its own admin.

use super::Actor;
use crate::Engine;
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use mm_core::{Email, Role};
use mm_store::{AdminUser, AdminUserChange, StoreError};
use secrecy::{ExposeSecret, SecretString};

/// Shorter passwords are refused (NIST SP 800-63B asks for at least 8; an admin that can revoke
/// every learner's access deserves more).
pub const MIN_PASSWORD_CHARS: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0:?} is not an email address: give the person's email, e.g. ana@example.com")]
    InvalidEmail(String),
    #[error("a user with email {0} exists already: change their role or password instead")]
    EmailTaken(String),
    #[error(
        "the password is too short: use at least {MIN_PASSWORD_CHARS} characters (a passphrase of a few words is easiest)"
    )]
    WeakPassword,
    #[error("no admin user {0}: list them with `moodle-management user list`")]
    NoSuchUser(String),
    #[error("{0} is the last enabled admin: make another user admin first")]
    LastAdmin(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AdminError {
    /// A stable code for the API and the UI's translated messages.
    pub fn code(&self) -> &'static str {
        match self {
            AdminError::InvalidEmail(_) => "invalid-email",
            AdminError::EmailTaken(_) => "email-taken",
            AdminError::WeakPassword => "weak-password",
            AdminError::NoSuchUser(_) => "no-such-user",
            AdminError::LastAdmin(_) => "last-admin",
            AdminError::Hash(_) | AdminError::Store(_) => "internal",
        }
    }
}

/// The argon2id hash (PHC string) of a password, with the crate's default parameters
/// (OWASP's minimum: 19 MiB, 2 passes).
pub(crate) fn hash_password(password: &SecretString) -> Result<String, AdminError> {
    if password.expose_secret().chars().count() < MIN_PASSWORD_CHARS {
        return Err(AdminError::WeakPassword);
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AdminError::Hash(e.to_string()))
}

/// Whether `password` matches a stored PHC hash; a malformed hash matches nothing.
pub(crate) fn password_matches(password: &SecretString, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.expose_secret().as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A strong password for a new user (24 characters from a 64-symbol alphabet: 144 bits).
pub fn generate_password() -> String {
    use base64::Engine as _;
    use rand::RngCore;
    let mut bytes = [0u8; 18];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl Engine {
    pub async fn add_admin_user(
        &self,
        email: &str,
        role: Role,
        password: &SecretString,
        actor: &Actor,
    ) -> Result<AdminUser, AdminError> {
        let email = Email::parse(email)
            .map_err(|_| AdminError::InvalidEmail(email.to_owned()))?
            .as_str()
            .to_owned();
        let hash = hash_password(password)?;
        let user = self
            .store
            .insert_admin_user(&email, role, &hash, self.now())
            .await?
            .ok_or_else(|| AdminError::EmailTaken(email.clone()))?;
        self.record_action(actor, "user.add", &email, Some(format!("role {role}")), true)
            .await;
        Ok(user)
    }

    pub async fn admin_users(&self) -> Result<Vec<AdminUser>, StoreError> {
        self.store.admin_users().await
    }

    /// Whether anyone can sign in yet (the first-run screen shows while nobody can).
    pub async fn has_admin_users(&self) -> Result<bool, StoreError> {
        Ok(self.store.count_enabled_admin_users().await? > 0)
    }

    /// Changes a user's role or enabled state, or sets a new password; disabling, demoting or
    /// a new password ends the user's sessions.
    pub async fn change_admin_user(
        &self,
        email: &str,
        change: AdminUserUpdate,
        actor: &Actor,
    ) -> Result<AdminUser, AdminError> {
        let user = self.admin_user(email).await?;
        let loses_admin = user.role == Role::Admin
            && !user.disabled
            && (change.disabled == Some(true) || change.role.is_some_and(|r| r != Role::Admin));
        if loses_admin && self.enabled_admins().await? <= 1 {
            return Err(AdminError::LastAdmin(user.email));
        }
        let password_hash = change.password.as_ref().map(hash_password).transpose()?;
        let ends_sessions = password_hash.is_some() || change.disabled == Some(true) || change.role.is_some();
        let stored = AdminUserChange {
            role: change.role,
            disabled: change.disabled,
            password_hash,
            locale: change.locale.clone(),
        };
        self.store.update_admin_user(user.id, &stored, self.now()).await?;
        if ends_sessions {
            self.store.delete_sessions_of(user.id).await?;
        }
        self.record_action(actor, "user.change", &user.email, Some(change.describe()), true)
            .await;
        self.admin_user(&user.email).await
    }

    pub async fn admin_user(&self, email: &str) -> Result<AdminUser, AdminError> {
        self.store
            .admin_credentials(email)
            .await?
            .map(|c| c.user)
            .ok_or_else(|| AdminError::NoSuchUser(email.to_owned()))
    }

    /// A user's own language for the admin (`None`: the browser's). A preference, not audited.
    pub async fn set_own_locale(&self, email: &str, locale: Option<String>) -> Result<(), AdminError> {
        let user = self.admin_user(email).await?;
        let change = AdminUserChange {
            locale: Some(locale),
            ..AdminUserChange::default()
        };
        self.store.update_admin_user(user.id, &change, self.now()).await?;
        Ok(())
    }

    async fn enabled_admins(&self) -> Result<usize, StoreError> {
        let users = self.store.admin_users().await?;
        Ok(users.iter().filter(|u| u.role == Role::Admin && !u.disabled).count())
    }
}

/// What [`Engine::change_admin_user`] changes; `None` fields stay.
#[derive(Debug, Clone, Default)]
pub struct AdminUserUpdate {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<SecretString>,
    /// `Some(None)`: follow the browser's language.
    pub locale: Option<Option<String>>,
}

impl AdminUserUpdate {
    /// For the audit log: what changed, never the password itself.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(role) = self.role {
            parts.push(format!("role {role}"));
        }
        match self.disabled {
            Some(true) => parts.push("disabled".to_owned()),
            Some(false) => parts.push("enabled".to_owned()),
            None => {}
        }
        if self.password.is_some() {
            parts.push("new password".to_owned());
        }
        if let Some(locale) = &self.locale {
            parts.push(format!("locale {}", locale.as_deref().unwrap_or("browser")));
        }
        parts.join(", ")
    }
}
