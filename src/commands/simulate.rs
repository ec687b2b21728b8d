//! `simulate`: one simulator on its own as an HTTP server.

use anyhow::Context;
use clap::Subcommand;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum Simulator {
    /// A stateful Moodle web-services simulator.
    Moodle {
        #[arg(long, default_value = "127.0.0.1:8081")]
        listen: SocketAddr,
        /// The admin token (random when omitted).
        #[arg(long)]
        token: Option<String>,
        /// A seed file (TOML or JSON): courses, users, completions.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Latency added to every call, e.g. 20ms.
        #[arg(long)]
        latency: Option<humantime::Duration>,
        /// Mount the /__admin endpoints (state dump, request counts, faults).
        #[arg(long)]
        admin: bool,
    },
    /// A stateful FacturaScripts api/3 simulator.
    Facturascripts {
        #[arg(long, default_value = "127.0.0.1:8082")]
        listen: SocketAddr,
        /// The API key (random when omitted).
        #[arg(long)]
        token: Option<String>,
        /// A seed file: a JSON array of admin operations (customers, products, invoices…)
        /// applied at start; the format is that of POST /__admin/op.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Mount the /__admin endpoints (scripted changes, state dump, faults).
        #[arg(long)]
        admin: bool,
    },
}

impl Simulator {
    pub async fn run(self) -> anyhow::Result<()> {
        match self {
            Simulator::Moodle {
                listen,
                token,
                seed,
                latency,
                admin,
            } => {
                let seed = seed
                    .map(|p| {
                        mm_sim_moodle::SimSeed::from_file(&p).with_context(|| format!("seed file {}", p.display()))
                    })
                    .transpose()?;
                let mut faults = mm_sim_fault::FaultConfig::default();
                if let Some(l) = latency {
                    faults.latency_fixed = l.into();
                }
                let opts = mm_sim_moodle::SimOptions {
                    token,
                    seed,
                    faults,
                    debug: false,
                    admin,
                };
                mm_sim_moodle::run_standalone(listen, opts).await?;
            }
            Simulator::Facturascripts {
                listen,
                token,
                seed,
                admin,
            } => {
                let opts = mm_sim_facturascripts::FsSimOptions {
                    token,
                    admin,
                    script: seed,
                    ..Default::default()
                };
                mm_sim_facturascripts::run_standalone(listen, opts).await?;
            }
        }
        Ok(())
    }
}
