//! `doctor`: prints what `Engine::doctor` found, one line per finding with its fix below, or
//! the report as JSON; exits 0 all good, 1 warnings, 2 errors.

use crate::telemetry;
use mm_engine::Engine;
use mm_engine::config::{Config, LogFormat};
use mm_engine::doctor::{DoctorReport, Finding, Severity};
use std::path::Path;
use std::process::ExitCode;

pub async fn run(config: Option<&Path>, json: bool, log_json: bool) -> anyhow::Result<ExitCode> {
    let report = match Config::load(config) {
        // A configuration that does not load is the one finding: nothing else can be checked.
        Err(e) => DoctorReport {
            findings: vec![Finding::error(
                "config",
                "config_invalid",
                format!("{e:#}"),
                "correct the configuration as the message says, then run doctor again",
            )],
        },
        Ok(config) => {
            // Findings are the output; the logs only say what went wrong beyond them.
            let format = if log_json { LogFormat::Json } else { config.log_format };
            telemetry::init(format, "off");
            check(config).await
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", describe(&report));
    }
    Ok(ExitCode::from(report.exit_code()))
}

/// Opens the database, builds the engine as a dry run (the store stays as it was) and asks it.
async fn check(config: Config) -> DoctorReport {
    match mm_engine::open_store(&config.database_url).await {
        Ok(store) => store.close().await,
        Err(e) => {
            return DoctorReport {
                findings: vec![Finding::error(
                    "database",
                    "database_unavailable",
                    format!("{e:#}"),
                    "check [database] url, that the database server is up and that this user may create tables",
                )],
            };
        }
    }
    let engine = match Engine::build_dry_run(config).await {
        Ok(engine) => engine,
        Err(e) => {
            return DoctorReport {
                findings: vec![Finding::error(
                    "config",
                    "setup_failed",
                    format!("{e:#}"),
                    "correct the configuration as the message says, then run doctor again",
                )],
            };
        }
    };
    let report = engine.doctor().await;
    engine.store().close().await;
    report
}

/// One line per finding (✓ ok, ! warning, ✗ error), its fix indented below, then a summary.
fn describe(report: &DoctorReport) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let mark = match f.severity {
            Severity::Ok => "✓",
            Severity::Warning => "!",
            Severity::Error => "✗",
        };
        out.push_str(&format!("{mark} {} [{}]: {}\n", f.area, f.code, f.message));
        if let Some(fix) = &f.fix {
            out.push_str(&format!("    fix: {fix}\n"));
        }
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    out.push_str(&match report.worst() {
        Severity::Ok => "all good\n".to_string(),
        _ => format!(
            "{} errors, {} warnings\n",
            count(Severity::Error),
            count(Severity::Warning)
        ),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_finding_is_one_line_with_its_fix_indented_below() {
        let report = DoctorReport {
            findings: vec![
                Finding::ok("database", "database_ready", "connected"),
                Finding::error("source:erp", "source_key_refused", "refused", "fix the key"),
            ],
        };
        let text = describe(&report);
        assert_eq!(
            text,
            "✓ database [database_ready]: connected\n✗ source:erp [source_key_refused]: refused\n    fix: fix the key\n1 errors, 0 warnings\n"
        );
    }
}
