//! Who may do what in the admin: three roles, each a superset of the one below it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A person's role in the web admin and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything, changes nothing.
    Viewer,
    /// Acts on enrolments, jobs, seats and certificates.
    Operator,
    /// Everything, users and settings included.
    Admin,
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See any page or list.
    Read,
    /// Retry or discard jobs, assign seats, revoke or resend certificates, repair drift.
    Operate,
    /// Manage users, sites, sources, mappings and settings.
    Administer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Operator, Role::Viewer];

    pub fn may(self, permission: Permission) -> bool {
        let needed = match permission {
            Permission::Read => Role::Viewer,
            Permission::Operate => Role::Operator,
            Permission::Administer => Role::Admin,
        };
        self >= needed
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is none of `admin`, `operator`, `viewer`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: use admin, operator or viewer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// What an API token may do: `read` (every GET), `write` (also what an operator does), `admin`
/// (everything an admin does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    /// A token of this scope may what a person of the matching role may.
    pub fn may(self, permission: Permission) -> bool {
        let role = match self {
            Scope::Read => Role::Viewer,
            Scope::Write => Role::Operator,
            Scope::Admin => Role::Admin,
        };
        role.may(permission)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scope name that is none of `read`, `write`, `admin`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope {0:?}: use read, write or admin")]
pub struct UnknownScope(pub String);

impl FromStr for Scope {
    type Err = UnknownScope;

    fn from_str(s: &str) -> Result<Scope, UnknownScope> {
        Scope::ALL
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownScope(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_may_what_its_role_may() {
        assert!(Scope::Read.may(Permission::Read) && !Scope::Read.may(Permission::Operate));
        assert!(Scope::Write.may(Permission::Operate) && !Scope::Write.may(Permission::Administer));
        assert!(Scope::Admin.may(Permission::Administer));
        assert_eq!("WRITE".parse::<Scope>(), Ok(Scope::Write));
        assert!(
            "root"
                .parse::<Scope>()
                .unwrap_err()
                .to_string()
                .contains("read, write or admin")
        );
    }

    #[test]
    fn each_role_may_what_the_one_below_may_and_no_more_than_its_own() {
        let table = [
            (Role::Viewer, [true, false, false]),
            (Role::Operator, [true, true, false]),
            (Role::Admin, [true, true, true]),
        ];
        for (role, allowed) in table {
            let got = [Permission::Read, Permission::Operate, Permission::Administer].map(|p| role.may(p));
            assert_eq!(got, allowed, "{role}");
        }
    }

    #[test]
    fn names_round_trip_and_a_wrong_one_lists_the_right_ones() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!(" Operator ".parse::<Role>(), Ok(Role::Operator));
        let err = "root".parse::<Role>().unwrap_err().to_string();
        assert!(err.contains("admin, operator or viewer"), "{err}");
    }
}
