//! `webhook`: help for testing a webhook integration (sign a payload, make a secret).

use anyhow::Context;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum WebhookCommand {
    /// Sign a payload (a file, or standard input) and print the Standard Webhooks headers,
    /// or a ready-to-run curl command with `--url`.
    Sign {
        /// The source's secret, `whsec_…` (or set MM_WEBHOOK_SECRET).
        #[arg(long, env = "MM_WEBHOOK_SECRET", hide_env_values = true)]
        secret: String,
        /// The delivery id (a new random one when omitted).
        #[arg(long)]
        id: Option<String>,
        /// Unix timestamp (now when omitted).
        #[arg(long)]
        timestamp: Option<i64>,
        /// Print a curl command posting to this URL, e.g. http://127.0.0.1:8080/webhooks/shop.
        #[arg(long)]
        url: Option<String>,
        /// The payload file; standard input when omitted.
        file: Option<PathBuf>,
    },
    /// Generate a new `whsec_…` secret.
    Secret,
}

pub fn run(what: WebhookCommand) -> anyhow::Result<()> {
    match what {
        WebhookCommand::Secret => {
            println!(
                "{}",
                mm_webhook::Secret::generate(&mut rand::rngs::OsRng).expose_whsec()
            );
        }
        WebhookCommand::Sign {
            secret,
            id,
            timestamp,
            url,
            file,
        } => {
            let secret = mm_webhook::Secret::parse(&secret).context("--secret")?;
            let body = match &file {
                Some(f) => std::fs::read(f).with_context(|| format!("reading {}", f.display()))?,
                None => {
                    let mut b = Vec::new();
                    std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).context("reading standard input")?;
                    b
                }
            };
            let id = id.unwrap_or_else(|| format!("msg_{:032x}", rand::random::<u128>()));
            let timestamp = timestamp.unwrap_or_else(|| mm_engine::clock::now().0);
            let signature = mm_webhook::sign(&secret, &id, timestamp, &body);
            match url {
                None => {
                    println!("webhook-id: {id}");
                    println!("webhook-timestamp: {timestamp}");
                    println!("webhook-signature: {signature}");
                }
                Some(url) => {
                    let data = match &file {
                        Some(f) => format!("@{}", f.display()),
                        None => String::from_utf8_lossy(&body).into_owned(),
                    };
                    println!(
                        "curl -sS -X POST '{url}' -H 'content-type: application/json' -H 'webhook-id: {id}' \\\n  -H 'webhook-timestamp: {timestamp}' -H 'webhook-signature: {signature}' \\\n  --data-binary '{}'",
                        data.replace('\'', "'\\''")
                    );
                }
            }
        }
    }
    Ok(())
}
