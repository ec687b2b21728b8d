//! Who did what: every operator action goes through [`Engine::record_action`] with its
//! [`Actor`], so the audit log names a person, the CLI or the API token.

use crate::Engine;
use mm_store::{OperatorAction, OperatorActionRecord, StoreError};
use std::fmt;

/// Who asked for an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user, by email.
    User(String),
    /// The command line on the server.
    Cli,
    /// A request carrying `[server] admin_token`.
    AdminToken,
    /// A request carrying an API token, by its name.
    ApiToken(String),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(email) => f.write_str(email),
            Actor::Cli => f.write_str("cli"),
            Actor::AdminToken => f.write_str("admin-token"),
            Actor::ApiToken(name) => write!(f, "token:{name}"),
        }
    }
}

impl Engine {
    /// Writes one entry of the operator's audit log. A failure to write it is logged, not
    /// returned: the action itself already happened (or failed) and its caller reports that.
    pub async fn record_action(&self, actor: &Actor, action: &str, object: &str, detail: Option<String>, ok: bool) {
        let entry = OperatorAction {
            actor: actor.to_string(),
            action: action.to_owned(),
            object: object.to_owned(),
            detail,
            ok,
        };
        if let Err(e) = self.store.record_operator_action(&entry, self.now()).await {
            tracing::error!(error = %e, action, object, "cannot write the operator audit log");
        }
    }

    /// The operator's audit log, newest first, optionally filtered by a search.
    pub async fn operator_actions(
        &self,
        search: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OperatorActionRecord>, StoreError> {
        self.store.operator_actions(search, limit).await
    }

    /// A page of the operator's audit log older than the entry `before` (the log's next page).
    pub async fn operator_actions_before(
        &self,
        search: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<OperatorActionRecord>, StoreError> {
        self.store.operator_actions_before(search, before, limit).await
    }
}
