//! settei's Azure adapter: reads one subscription's settings through Azure
//! Resource Manager (and its tenant's through Microsoft Graph) and
//! normalizes them into a [`Snapshot`].
//!
//! - Tokens come from `azure_identity` ([`auth`]); requests go through a
//!   small client of our own ([`client`]) that sends only the reads listed
//!   in [`operations`], GET only.
//! - Every read that fails is recorded as a [`settei_model::CollectionError`]
//!   against what it would have filled, so rules report ERROR, never PASS.
//! - HTTP and SDK types never leave this crate.

pub mod auth;
mod authorization;
mod client;
mod compute;
mod contacts;
mod ctx;
mod defender;
mod entra;
pub mod error;
mod keyvault;
mod monitor;
mod network;
pub mod operations;
mod sql;
mod storage;
mod web;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use serde::Deserialize;
use settei_model::{AccountScope, Provider, Snapshot};
use settei_provider::{Progress, SnapshotSink};

pub use auth::{AuthMethod, Choice};

/// How to reach the subscription.
#[derive(Debug, Clone)]
pub struct AzureOptions {
    /// The subscription to read; `None`: the only one the credentials see.
    pub subscription: Option<String>,
    /// The tenant to sign in to.
    pub tenant: Option<String>,
    /// `None`: chosen from the environment ([`auth::choose`]).
    pub auth: Option<AuthMethod>,
    /// Send every ARM and Graph request here (same paths and queries).
    pub endpoint_url: Option<String>,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// Time limit of one call, retries included.
    pub call_timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
}

impl Default for AzureOptions {
    fn default() -> Self {
        AzureOptions {
            subscription: None,
            tenant: None,
            auth: None,
            endpoint_url: None,
            max_attempts: 5,
            call_timeout: Duration::from_secs(60),
            concurrency: 8,
        }
    }
}

/// Failures that stop collection before anything is read.
#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    /// Bad options (exit 2).
    #[error("{0}")]
    Usage(String),
    #[error("Azure sign-in: {0}")]
    Auth(String),
    #[error("cannot list the subscriptions these credentials see ({operation}): {message}")]
    Subscriptions { operation: String, message: String },
    #[error("these credentials see no subscription; pass --subscription ID")]
    NoSubscription,
    #[error("these credentials see {} subscriptions; choose one with --subscription: {}", .seen.len(), .seen.join(", "))]
    AmbiguousSubscription { seen: Vec<String> },
    #[error("subscription {wanted} is not visible to these credentials (they see: {})", if .seen.is_empty() { "none".to_string() } else { .seen.join(", ") })]
    NotVisible { wanted: String, seen: Vec<String> },
}

impl AzureError {
    /// Whether the user can fix it by changing the command line (exit 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            AzureError::Usage(_)
                | AzureError::AmbiguousSubscription { .. }
                | AzureError::NotVisible { .. }
                | AzureError::NoSubscription
        )
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Subscription {
    subscription_id: String,
    display_name: Option<String>,
    tenant_id: Option<String>,
    state: Option<String>,
}

/// What a finished collection tells beyond the snapshot.
#[derive(Debug, Clone)]
pub struct Collected {
    pub snapshot: Snapshot,
    /// How the subscription was chosen, for the user.
    pub chosen: Option<String>,
    /// HTTP requests sent, retries included.
    pub requests: u64,
}

/// Collects one subscription into a snapshot.
pub async fn collect(
    opts: AzureOptions,
    progress: Arc<dyn Progress>,
) -> Result<Collected, AzureError> {
    let endpoints = client::endpoints(opts.endpoint_url.as_deref())?;
    let choice = auth::choose(opts.auth, opts.tenant.as_deref(), &|k| {
        std::env::var(k).ok()
    })?;
    tracing::info!("signing in with {}", choice.describe());
    let credential = auth::credential(&choice)?;
    let client = client::Client::new(
        endpoints,
        auth::Tokens::new(credential),
        opts.max_attempts,
        opts.call_timeout,
        opts.concurrency,
    )?;

    let subs: Vec<Subscription> = client
        .list(&operations::SUBSCRIPTIONS, "/subscriptions", &[])
        .await
        .map_err(|e| {
            if e.kind == error::FailureKind::Refused {
                return AzureError::Auth(e.message);
            }
            AzureError::Subscriptions {
                operation: operations::SUBSCRIPTIONS.name.to_string(),
                message: match &e.code {
                    Some(c) => format!("{c}: {}", e.message),
                    None => e.message.clone(),
                },
            }
        })?;
    let seen: Vec<String> = subs.iter().map(|s| s.subscription_id.clone()).collect();
    let (sub, chosen) = match &opts.subscription {
        Some(want) => match subs
            .iter()
            .find(|s| s.subscription_id.eq_ignore_ascii_case(want))
        {
            Some(s) => (s, None),
            None => {
                return Err(AzureError::NotVisible {
                    wanted: want.clone(),
                    seen,
                })
            }
        },
        None => match subs.as_slice() {
            [] => return Err(AzureError::NoSubscription),
            [only] => (
                only,
                Some(format!(
                    "subscription {} ({}): the only one these credentials see",
                    only.subscription_id,
                    only.display_name.as_deref().unwrap_or("no name")
                )),
            ),
            _ => return Err(AzureError::AmbiguousSubscription { seen }),
        },
    };
    if let Some(state) = sub
        .state
        .as_deref()
        .filter(|s| !s.eq_ignore_ascii_case("Enabled"))
    {
        tracing::warn!(subscription = %sub.subscription_id, state, "the subscription is not enabled; reads may fail");
    }
    let tenant = sub.tenant_id.clone().or_else(|| opts.tenant.clone());

    let sink = SnapshotSink::new();
    let ctx = ctx::Ctx {
        client: &client,
        sink: &sink,
        subscription: &sub.subscription_id,
        tenant: tenant.as_deref(),
        concurrency: opts.concurrency.max(1),
    };
    type Step<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;
    let network_step = network::collect(&ctx);
    let steps: [(&str, Step<'_>); 11] = [
        ("storage accounts", Box::pin(storage::collect(&ctx))),
        ("key vaults", Box::pin(keyvault::collect(&ctx))),
        ("Defender for Cloud", Box::pin(defender::collect(&ctx))),
        ("activity log", Box::pin(monitor::collect(&ctx))),
        ("custom roles", Box::pin(authorization::collect(&ctx))),
        ("Entra ID policy", Box::pin(entra::collect(&ctx))),
        ("SQL servers", Box::pin(sql::collect(&ctx))),
        ("security contacts", Box::pin(contacts::collect(&ctx))),
        ("web apps", Box::pin(web::collect(&ctx))),
        ("disks", Box::pin(compute::disks(&ctx))),
        ("virtual machines", Box::pin(compute::vms(&ctx))),
    ];
    progress.add_total(steps.len() as u64 + 1);
    let progress = &progress;
    let (network, ()) = futures_util::join!(
        async {
            let n = network_step.await;
            progress.advance("networks");
            n
        },
        async {
            futures_util::future::join_all(steps.into_iter().map(|(what, f)| async move {
                f.await;
                progress.advance(what);
            }))
            .await;
        }
    );

    let requests = client.requests_sent();
    let mut snapshot = sink.into_snapshot(
        Provider::Azure,
        sub.subscription_id.clone(),
        Vec::new(),
        Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    let regions: BTreeSet<String> = snapshot
        .resources
        .iter()
        .map(|r| r.region.clone())
        .filter(|r| r != "global")
        .collect();
    snapshot.regions = regions.into_iter().collect();
    network::finish(&mut snapshot, &sub.subscription_id, network);
    let groups: BTreeSet<String> = snapshot
        .resources
        .iter()
        .filter_map(|r| resource_group(&r.id))
        .collect();
    snapshot.scope = AccountScope {
        name: sub.display_name.clone(),
        tenant,
        resource_groups: groups.into_iter().collect(),
        ..Default::default()
    };
    Ok(Collected {
        snapshot,
        chosen,
        requests,
    })
}

/// The resource group of an ARM id (`/subscriptions/s/resourceGroups/rg/…`).
fn resource_group(id: &str) -> Option<String> {
    let mut parts = id.split('/');
    while let Some(p) = parts.next() {
        if p.eq_ignore_ascii_case("resourceGroups") {
            return parts.next().map(str::to_ascii_lowercase);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_groups_come_from_ids() {
        assert_eq!(
            resource_group("/subscriptions/s/resourceGroups/RG-Prod/providers/Microsoft.Storage/storageAccounts/a"),
            Some("rg-prod".into())
        );
        assert_eq!(
            resource_group("/subscriptions/s/providers/Microsoft.Security/pricings"),
            None
        );
    }
}
