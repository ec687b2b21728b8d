//! The web admin's people: users and their roles (`users`), signing in and sessions
//! (`sessions`, with `throttle` against password guessing), API tokens (`tokens`), and the operator's audit log of
//! what each of them did (`actions`).

mod actions;
mod sessions;
mod throttle;
mod tokens;
mod users;

pub use actions::Actor;
pub use sessions::{NewSessionToken, Session, SignIn, SignInError, random_token};
pub use throttle::LoginThrottle;
pub use tokens::{NewToken, TOKEN_PREFIX, TokenError, TokenStanding, standing};
pub use users::{AdminError, AdminUserUpdate, MIN_PASSWORD_CHARS, generate_password};
