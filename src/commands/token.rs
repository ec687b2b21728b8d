//! `token …`: API tokens from the server's command line — made (shown once), listed, revoked.

use clap::Subcommand;
use mm_core::Scope;
use mm_engine::Engine;
use mm_engine::admin::{Actor, TokenStanding, standing};
use mm_engine::config::Config;
use secrecy::ExposeSecret;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make a token. It is printed once; only its SHA-256 is kept.
    Create {
        name: String,
        /// read (every GET), write (also what an operator does) or admin (everything).
        #[arg(long, default_value = "read")]
        scope: Scope,
        /// It ends after this long (e.g. 90d, 12h); without it, when revoked.
        #[arg(long, value_parser = humantime::parse_duration)]
        expires: Option<std::time::Duration>,
    },
    /// Every token: scope, first characters, when made, last used, and whether it still works.
    List,
    /// End a token at once.
    Revoke { name: String },
}

pub async fn run(what: TokenCommand, load: impl FnOnce() -> anyhow::Result<Config>) -> anyhow::Result<ExitCode> {
    let engine = Engine::build(load()?).await?;
    match what {
        TokenCommand::Create { name, scope, expires } => {
            let made = engine.create_api_token(&Actor::Cli, &name, scope, expires).await?;
            println!("made token {} ({})", made.row.name, made.row.scope);
            println!("token: {}", made.token.expose_secret());
            println!("(shown once: send it as `Authorization: Bearer <token>`)");
        }
        TokenCommand::List => {
            let now = engine.now();
            for t in engine.api_tokens().await? {
                let state = match standing(&t, now) {
                    TokenStanding::Live => "live",
                    TokenStanding::Expired => "expired",
                    TokenStanding::Revoked => "revoked",
                };
                let used = t
                    .last_used_at
                    .map_or_else(|| "never used".to_owned(), |u| format!("last used {}", u.0));
                println!("{}\t{}\t{}…\t{state}\t{used}", t.name, t.scope, t.prefix);
            }
        }
        TokenCommand::Revoke { name } => {
            engine.revoke_api_token(&Actor::Cli, &name).await?;
            println!("token {name} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}
