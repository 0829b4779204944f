//! Running collectors from the command line: a tokio runtime, a progress
//! bar on a terminal (quiet otherwise), and writing snapshots atomically.

use std::io::IsTerminal as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use settei_model::Snapshot;
use settei_provider::{NoProgress, Progress};

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn add_total(&self, n: u64) {
        self.0.inc_length(n);
    }
    fn advance(&self, what: &str) {
        self.0.set_message(what.to_string());
        self.0.inc(1);
    }
}

fn progress() -> Arc<dyn Progress> {
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            )
            .expect("valid template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Arc::new(Bar(bar))
    } else {
        Arc::new(NoProgress)
    }
}

/// One live target of `settei scan` / `settei collect`: every adapter is
/// reached through this, and [`ADAPTERS`] lists them.
pub trait Live {
    /// The provider it reads.
    fn provider(&self) -> settei_model::Provider;
    /// Collects a snapshot on `runtime`.
    fn collect(&self, runtime: &tokio::runtime::Runtime) -> Result<Snapshot>;
}

/// The adapters settei has, by provider: what `settei scan <provider>`
/// and `settei collect <provider>` accept.
pub const ADAPTERS: &[settei_model::Provider] =
    &[settei_model::Provider::Aws, settei_model::Provider::Azure];

impl Live for settei_aws::AwsOptions {
    fn provider(&self) -> settei_model::Provider {
        settei_model::Provider::Aws
    }
    fn collect(&self, runtime: &tokio::runtime::Runtime) -> Result<Snapshot> {
        // EC2 lives in its own adapter crate; it runs in every region too.
        let extra: [&dyn settei_aws::RegionalCollector; 1] = [&settei_aws_ec2::Ec2];
        Ok(runtime.block_on(settei_aws::collect(self.clone(), progress(), &extra))?)
    }
}

impl Live for settei_azure::AzureOptions {
    fn provider(&self) -> settei_model::Provider {
        settei_model::Provider::Azure
    }
    fn collect(&self, runtime: &tokio::runtime::Runtime) -> Result<Snapshot> {
        let collected = runtime.block_on(settei_azure::collect(self.clone(), progress()))?;
        if let Some(chosen) = &collected.chosen {
            eprintln!("settei: {chosen}");
        }
        tracing::info!(requests = collected.requests, "Azure requests sent");
        Ok(collected.snapshot)
    }
}

/// Collects `target` live.
pub fn live(target: &dyn Live) -> Result<Snapshot> {
    debug_assert!(ADAPTERS.contains(&target.provider()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let snapshot = target.collect(&runtime)?;
    tracing::info!(
        provider = %target.provider(),
        resources = snapshot.resources.len(),
        errors = snapshot.errors.len(),
        "collected"
    );
    Ok(snapshot)
}

pub fn write_snapshot(path: &Path, snapshot: &Snapshot) -> Result<()> {
    let mut text = serde_json::to_string_pretty(snapshot).context("serializing the snapshot")?;
    text.push('\n');
    crate::output::write_atomic(path, text.as_bytes(), crate::output::Visibility::Private)
}
