//! `user …`: the web admin's users from the server's command line — the first admin, a lost
//! password, a laptop left signed in.

use clap::Subcommand;
use mm_core::Role;
use mm_engine::Engine;
use mm_engine::admin::{Actor, AdminUserUpdate};
use mm_engine::config::Config;
use secrecy::{ExposeSecret, SecretString};
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin a strong password is made and printed once.
    Add {
        email: String,
        /// admin (everything), operator (act on enrolments, jobs, seats, certificates) or viewer.
        #[arg(long, default_value = "viewer")]
        role: Role,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Every user with their role.
    List,
    /// Set a new password (and end the user's sessions).
    Password {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change a user's role (and end their sessions).
    Role { email: String, role: Role },
    /// Stop a user from signing in (their sessions end).
    Disable { email: String },
    /// Let a disabled user sign in again.
    Enable { email: String },
    /// End every session of a user.
    SignOut { email: String },
}

/// A password from stdin, or a new random one that is printed once.
fn password(from_stdin: bool) -> anyhow::Result<(SecretString, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok((
            SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned()),
            false,
        ));
    }
    Ok((SecretString::from(mm_engine::admin::generate_password()), true))
}

pub async fn run(what: UserCommand, load: impl FnOnce() -> anyhow::Result<Config>) -> anyhow::Result<ExitCode> {
    let engine = Engine::build(load()?).await?;
    let actor = Actor::Cli;
    match what {
        UserCommand::Add {
            email,
            role,
            password_stdin,
        } => {
            let (password, generated) = password(password_stdin)?;
            let user = engine.add_admin_user(&email, role, &password, &actor).await?;
            println!("added {} ({})", user.email, user.role);
            if generated {
                println!("password: {}", password.expose_secret());
                println!("(shown once: keep it in a password manager)");
            }
        }
        UserCommand::List => {
            for u in engine.admin_users().await? {
                let state = if u.disabled { " (disabled)" } else { "" };
                println!("{}\t{}{state}", u.email, u.role);
            }
        }
        UserCommand::Password { email, password_stdin } => {
            let (password, generated) = password(password_stdin)?;
            let update = AdminUserUpdate {
                password: Some(password.clone()),
                ..AdminUserUpdate::default()
            };
            engine.change_admin_user(&email, update, &actor).await?;
            println!("new password set for {email}; their sessions ended");
            if generated {
                println!("password: {}", password.expose_secret());
            }
        }
        UserCommand::Role { email, role } => {
            let update = AdminUserUpdate {
                role: Some(role),
                ..AdminUserUpdate::default()
            };
            engine.change_admin_user(&email, update, &actor).await?;
            println!("{email} is now {role}");
        }
        UserCommand::Disable { email } => set_disabled(&engine, &email, true, &actor).await?,
        UserCommand::Enable { email } => set_disabled(&engine, &email, false, &actor).await?,
        UserCommand::SignOut { email } => {
            let n = engine.revoke_sessions(&email, &actor).await?;
            println!("{n} sessions of {email} ended");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn set_disabled(engine: &Engine, email: &str, disabled: bool, actor: &Actor) -> anyhow::Result<()> {
    let update = AdminUserUpdate {
        disabled: Some(disabled),
        ..AdminUserUpdate::default()
    };
    engine.change_admin_user(email, update, actor).await?;
    println!(
        "{email} {}",
        if disabled {
            "disabled; their sessions ended"
        } else {
            "enabled"
        }
    );
    Ok(())
}
