//! settei's AWS adapter: reads live settings with the official AWS SDK for
//! Rust and normalizes them into a [`Snapshot`].
//!
//! - Only read operations are called; [`guard::ReadOnlyGuard`] refuses
//!   anything else on every client before it is sent.
//! - Every call that fails is recorded as a [`settei_model::CollectionError`]
//!   against the kind, region, resource and attributes it would have filled,
//!   so that the engine reports ERROR for them instead of PASS.
//! - Regions fan out concurrently with a bound; calls within a region run
//!   concurrently; the SDK retries throttling with its adaptive mode.
//!
//! SDK types never leave this crate.

/// A client for one region of an SDK, with the read-only guard installed.
macro_rules! regional_client {
    ($sdk:ident, $ctx:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from(&$ctx.sdk)
                .region(aws_config::Region::new($region.to_string()))
                .interceptor($crate::ReadOnlyGuard)
                .build(),
        )
    };
}

mod accessanalyzer;
mod budgets;
mod config;
mod credential_report;
mod dynamodb;
mod ecr;
mod ecs;
mod efs;
mod eks;
mod elasticache;
mod elbv2;
mod error;
mod filter_pattern;
mod guard;
mod guardduty;
mod iam;
mod kms;
mod lambda;
mod logs;
mod monitoring;
pub mod operations;
pub(crate) mod policy;
mod rds;
mod redshift;
mod regional;
mod regions;
mod s3;
pub mod secrets;
mod secretsmanager;
mod securityhub;
pub mod sibling;
mod trail;

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use chrono::{SecondsFormat, Utc};

use settei_model::{Provider, Snapshot};
use settei_provider::{Progress, SnapshotSink};

pub(crate) use guard::ReadOnlyGuard;
pub(crate) use sibling::tag_map;
pub(crate) use sibling::Ctx;
pub use sibling::RegionalCollector;

/// How to reach the account and what to read.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// A named profile from the shared config files.
    pub profile: Option<String>,
    /// Regions to read; empty means every region enabled for the account.
    /// The account's enabled regions are listed either way, so that a
    /// narrower scan says which enabled regions it did not read.
    pub regions: Vec<String>,
    /// Send every call to this endpoint (an emulator such as moto).
    pub endpoint_url: Option<String>,
    /// Assume this role before reading.
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    /// Regions read at the same time.
    pub region_concurrency: usize,
    /// Per-resource calls in flight within one service.
    pub call_concurrency: usize,
    /// Attempts per call, including the first (adaptive retry on throttling).
    pub max_attempts: u32,
    /// Time limit for one call, retries included.
    pub operation_timeout: Duration,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            regions: Vec::new(),
            endpoint_url: None,
            role_arn: None,
            external_id: None,
            region_concurrency: 4,
            call_concurrency: 8,
            max_attempts: 5,
            operation_timeout: Duration::from_secs(60),
        }
    }
}

/// Failures that stop collection altogether (nothing could be read).
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("no AWS region: pass --region, or set one in the profile or AWS_REGION")]
    NoRegion,
    #[error("cannot identify the account (sts:GetCallerIdentity): {0}")]
    Identity(String),
}

/// Loads credentials and configuration the standard way (environment,
/// profiles, SSO, web identity, IMDS), optionally assuming a role.
pub(crate) async fn load_config(opts: &AwsOptions) -> SdkConfig {
    let retry = RetryConfig::adaptive().with_max_attempts(opts.max_attempts.max(1));
    let timeouts = TimeoutConfig::builder()
        .operation_timeout(opts.operation_timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry.clone())
        .timeout_config(timeouts.clone());
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = opts.regions.first() {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let base = loader.load().await;
    let Some(role) = &opts.role_arn else {
        return base;
    };
    let mut assume = aws_config::sts::AssumeRoleProvider::builder(role).session_name("settei-scan");
    if let Some(x) = &opts.external_id {
        assume = assume.external_id(x);
    }
    let provider = assume.configure(&base).build().await;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts)
        .credentials_provider(provider);
    if let Some(r) = base.region() {
        loader = loader.region(r.clone());
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// Collects the account's settings into a snapshot; `extra` collectors run
/// in every region beside the built-in ones.
pub async fn collect(
    opts: AwsOptions,
    progress: Arc<dyn Progress>,
    extra: &[&dyn RegionalCollector],
) -> Result<Snapshot, AwsError> {
    let sdk = load_config(&opts).await;
    if sdk.region().is_none() {
        return Err(AwsError::NoRegion);
    }
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&sdk)
            .interceptor(ReadOnlyGuard)
            .build(),
    );
    let identity = sts.get_caller_identity().send().await.map_err(|e| {
        AwsError::Identity(aws_smithy_types::error::display::DisplayErrorContext(&e).to_string())
    })?;
    let account = identity.account().unwrap_or_default().to_string();
    let partition = identity
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    // The account's enabled regions: what is read is judged against them.
    let sink = SnapshotSink::new();
    let enabled = match regions::enabled_regions(&sdk).await {
        Ok(mut list) => {
            list.sort();
            Some(list)
        }
        Err(e) => {
            // Unknown: every rule about every region is ERROR with this.
            sink.error(e);
            None
        }
    };
    let mut regions = opts.regions.clone();
    if regions.is_empty() {
        match &enabled {
            Some(list) if !list.is_empty() => regions = list.clone(),
            _ => {
                let home = sdk.region().expect("checked").to_string();
                tracing::warn!(%home, "the enabled regions are unknown; reading the home region only");
                regions.push(home);
            }
        }
    }
    regions.sort();
    regions.dedup();
    tracing::info!(%account, ?regions, "collecting");
    let ctx = Arc::new(Ctx {
        sdk,
        account,
        partition,
        now: Utc::now(),
        sink,
        opts,
        progress,
    });
    ctx.progress.add_total(4 + regions.len() as u64);

    // Account-wide services and per-region services, all at once.
    let global = async {
        let (buckets, _, _, _) = tokio::join!(
            s3::collect(&ctx, &regions),
            iam::collect(&ctx),
            iam::collect_account_contact(&ctx),
            budgets::collect(&ctx),
        );
        buckets
    };
    let per_region =
        settei_provider::bounded(regions.clone(), ctx.opts.region_concurrency, |region| {
            let ctx = ctx.clone();
            async move {
                let extras =
                    futures_util::future::join_all(extra.iter().map(|c| c.collect(&ctx, &region)));
                let (out, _, _, _, _, _) = tokio::join!(
                    regional::collect_region(&ctx, &region),
                    async {
                        tokio::join!(
                            rds::collect(&ctx, &region),
                            dynamodb::collect(&ctx, &region),
                            efs::collect(&ctx, &region),
                            redshift::collect(&ctx, &region),
                            elasticache::collect(&ctx, &region),
                        )
                    },
                    async {
                        tokio::join!(
                            eks::collect(&ctx, &region),
                            ecr::collect(&ctx, &region),
                            ecs::collect(&ctx, &region),
                            lambda::collect(&ctx, &region),
                        )
                    },
                    elbv2::collect(&ctx, &region),
                    secretsmanager::collect(&ctx, &region),
                    extras,
                );
                ctx.progress.advance(&region);
                out
            }
        });
    let (buckets, region_trails) = tokio::join!(global, per_region);
    trail::normalize(&ctx, &regions, buckets, region_trails).await;
    ctx.progress.advance("cloudtrail");

    let ctx = Arc::into_inner(ctx).expect("all tasks finished");
    let collected_at = ctx.now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut snapshot = ctx
        .sink
        .into_snapshot(Provider::Aws, ctx.account, regions, collected_at);
    snapshot.scope.enabled_regions = enabled;
    Ok(snapshot)
}
