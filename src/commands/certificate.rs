//! `certificate …`: the admin's certificate commands over the engine's services, and the
//! offline check of a PDF (`certificate verify`), which needs neither the database nor the
//! network when given the published keys.

use anyhow::{Context, anyhow};
use clap::Subcommand;
use mm_credential::{KeySet, PdfCheck};
use mm_engine::Engine;
use mm_engine::config::Config;
use mm_store::{CertificateFilter, CertificateRow};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum CertificateCommand {
    /// Make a new signing key; new certificates are signed with it, older keys keep verifying.
    Keygen,
    /// List certificates, newest first.
    List {
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        course: Option<String>,
        #[arg(long)]
        learner: Option<String>,
        /// One JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Every field of one certificate (by code or number), with its standing.
    Show { certificate: String },
    /// Issue a certificate by hand for a key (`site/course/learner`): the next version.
    Issue { key: String },
    /// Revoke a certificate, with a reason shown on its verification page.
    Revoke {
        certificate: String,
        #[arg(long)]
        reason: String,
    },
    /// Issue a new version of a certificate's key that supersedes it.
    Reissue { certificate: String },
    /// Queue a certificate's mail again.
    Resend { certificate: String },
    /// Write the PDFs of matching certificates into one zip file.
    Export {
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        course: Option<String>,
        #[arg(long)]
        zip: PathBuf,
    },
    /// Check a certificate PDF offline: its seal against the published keys.
    Verify {
        file: PathBuf,
        /// The issuer's `keys.json`; without it, the keys in the configured database.
        #[arg(long)]
        keys: Option<PathBuf>,
    },
}

/// Runs a certificate command; `load` gives the configuration when the command needs it.
pub async fn run(what: CertificateCommand, load: impl FnOnce() -> anyhow::Result<Config>) -> anyhow::Result<ExitCode> {
    if let CertificateCommand::Verify { file, keys: Some(keys) } = &what {
        let keys = std::fs::read_to_string(keys).with_context(|| format!("cannot read {}", keys.display()))?;
        let keys = KeySet::from_jwks(&keys).map_err(|e| anyhow!("the keys file is not a JWKS: {e}"))?;
        return verify_file(file, &keys);
    }
    let engine = Engine::build(load()?).await?;
    match what {
        CertificateCommand::Keygen => {
            let kid = engine.rotate_signing_key().await?;
            println!("new signing key {kid}; restart the service to sign with it (older keys keep verifying)");
        }
        CertificateCommand::List {
            site,
            course,
            learner,
            json,
        } => {
            let rows = engine
                .list_certificates(&CertificateFilter { site, course, learner })
                .await?;
            if json {
                let views: Vec<_> = rows
                    .iter()
                    .map(|r| row_json(r, engine.certificate_standing(r)))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&views)?);
            } else {
                for r in &rows {
                    println!("{}", row_line(r, engine.certificate_standing(r)));
                }
                println!("{} certificates", rows.len());
            }
        }
        CertificateCommand::Show { certificate } => {
            let row = engine.find_certificate(&certificate).await?;
            let view = engine
                .certificate_view(&row.cert.code)
                .await?
                .ok_or_else(|| anyhow!("certificate vanished"))?;
            println!("{}", serde_json::to_string_pretty(&view)?);
        }
        CertificateCommand::Issue { key } => {
            let key = super::service::parse_key(&key)?;
            let number = engine.issue_certificate_by_admin(&key, "cli").await?;
            engine.drain_outbox().await?;
            println!("issued {number}");
        }
        CertificateCommand::Revoke { certificate, reason } => {
            let done = engine.revoke_certificate_by_admin(&certificate, &reason, "cli").await?;
            engine.drain_outbox().await?;
            println!("{}", if done { "revoked" } else { "already revoked" });
        }
        CertificateCommand::Reissue { certificate } => {
            let number = engine.reissue_certificate(&certificate, "cli").await?;
            engine.drain_outbox().await?;
            println!("issued {number}, superseding {certificate}");
        }
        CertificateCommand::Resend { certificate } => {
            engine.resend_certificate(&certificate).await?;
            let round = engine.drain_outbox().await?;
            println!("mail queued ({} sent now, {} retrying)", round.sent, round.retrying);
        }
        CertificateCommand::Export { site, course, zip } => {
            let n = engine
                .export_certificates(
                    &CertificateFilter {
                        site,
                        course,
                        learner: None,
                    },
                    &zip,
                )
                .await?;
            println!("{n} certificates written to {}", zip.display());
        }
        CertificateCommand::Verify { file, .. } => {
            return verify_file(&file, &engine.certificate_keys().await?.public);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// 0 valid, 2 altered or not ours, with a sentence either way.
fn verify_file(file: &std::path::Path, keys: &KeySet) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    match mm_credential::check_pdf(&bytes, keys) {
        PdfCheck::Valid(p) => {
            println!(
                "valid: certificate {} (v{}) for {} — {}, completed {}, issued {} by {}",
                p.number, p.version, p.learner, p.course, p.completed_on, p.issued_on, p.issuer
            );
            println!(
                "(this checks the file; its current standing — revoked, superseded — is on its verification page)"
            );
            Ok(ExitCode::SUCCESS)
        }
        PdfCheck::Altered { claimed } => {
            match claimed {
                Some(p) => println!(
                    "ALTERED: the file claims to be certificate {}, but its bytes were changed after signing",
                    p.number
                ),
                None => println!("ALTERED: the file's bytes were changed after signing"),
            }
            Ok(ExitCode::from(2))
        }
        PdfCheck::UnknownKey(kid) => {
            println!("NOT VERIFIED: signed with key {kid}, which is not among the given keys");
            Ok(ExitCode::from(2))
        }
        PdfCheck::NotSealed => {
            println!("NOT VERIFIED: the file carries no MoodleManagement seal (not issued by us, or altered)");
            Ok(ExitCode::from(2))
        }
        PdfCheck::Malformed(why) => {
            println!("NOT VERIFIED: the seal cannot be read: {why}");
            Ok(ExitCode::from(2))
        }
    }
}

fn row_line(r: &CertificateRow, standing: &str) -> String {
    let c = &r.cert;
    let standing = match &r.revoked {
        Some(rev) => format!("{standing} {} ({})", rev.at.date(), rev.reason),
        None => standing.to_string(),
    };
    format!(
        "{} v{} {} {} — {} [{}] issued {}{}",
        c.number,
        c.version,
        c.key,
        c.learner_name,
        c.course_name,
        standing,
        c.issued_at.date(),
        if r.emailed_at.is_some() { ", emailed" } else { "" }
    )
}

fn row_json(r: &CertificateRow, standing: &str) -> serde_json::Value {
    let c = &r.cert;
    serde_json::json!({
        "number": c.number,
        "standing": standing,
        "code": c.code,
        "version": c.version,
        "site": c.key.site,
        "course": c.key.course.to_string(),
        "learner": c.key.learner.as_str(),
        "learner_name": c.learner_name,
        "course_name": c.course_name,
        "issued_at": c.issued_at.0,
        "completed_at": c.completed_at.0,
        "valid_until": c.valid_until.map(|t| t.0),
        "superseded_by": r.superseded_by,
        "revoked_at": r.revoked.as_ref().map(|x| x.at.0),
        "revoked_reason": r.revoked.as_ref().map(|x| x.reason.clone()),
        "emailed_at": r.emailed_at.map(|t| t.0),
        "sha256": r.sha256,
    })
}
