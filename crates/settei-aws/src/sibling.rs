//! What the sibling AWS adapter crates (`settei-aws-ec2`) need to read
//! through this crate's client setup, guard and failure recording. These
//! items carry SDK types (the SDK configuration, SDK errors, the guard's
//! interceptor trait); they are for adapter crates only: `tests/tidy.rs`
//! holds that nothing outside an adapter crate names this module, and that
//! the rest of the crate's public API names no SDK type (invariant 3).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use aws_config::SdkConfig;
use chrono::{DateTime, Utc};
use serde_json::Value;
use settei_model::Resource;
use settei_provider::{Progress, SnapshotSink};

pub use crate::error::{failure, unknown_shape, AwsErrors, Scope};
pub use crate::guard::ReadOnlyGuard;
use crate::{error, AwsOptions};

/// Tags as a map from any SDK's (key, value) pairs; a pair without a key is
/// not a tag.
pub fn tag_map<'a>(
    pairs: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    pairs
        .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or("").to_string())))
        .collect()
}

/// A per-region collector kept in its own crate (EC2 lives in
/// `settei-aws-ec2` so that the rest of the workspace does not wait for
/// `aws-sdk-ec2` to build). It reads through [`Ctx`] and records what it
/// read, or why it could not, in [`Ctx::sink`].
pub trait RegionalCollector: Send + Sync {
    /// Collects one region.
    fn collect<'a>(
        &'a self,
        ctx: &'a Ctx,
        region: &'a str,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
}

/// Shared state of one collection run. Public for sibling adapter crates
/// (`settei-aws-ec2`) only: it carries the SDK configuration, so it must
/// never reach the CLI, the engine or a report (invariant 3).
pub struct Ctx {
    pub sdk: SdkConfig,
    pub account: String,
    pub partition: String,
    pub now: DateTime<Utc>,
    pub sink: SnapshotSink,
    pub opts: AwsOptions,
    pub progress: Arc<dyn Progress>,
}

impl Ctx {
    pub fn days_since(&self, t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
        let t = t?;
        let then = DateTime::<Utc>::from_timestamp(t.secs(), 0)?;
        Some((self.now - then).num_days().max(0))
    }

    pub fn resource(&self, kind: &str, id: String, region: &str, name: String, attributes: Value) {
        self.tagged_resource(kind, id, region, name, Default::default(), attributes)
    }

    pub fn tagged_resource(
        &self,
        kind: &str,
        id: String,
        region: &str,
        name: String,
        tags: BTreeMap<String, String>,
        attributes: Value,
    ) {
        let attributes = match attributes {
            Value::Object(m) => m,
            _ => unreachable!("attributes are built as objects"),
        };
        self.sink.resource(Resource {
            id,
            kind: kind.to_string(),
            region: region.to_string(),
            name,
            tags,
            attributes,
        });
    }

    /// The provider layer's fail-closed reading helpers, with AWS's
    /// error classification: `ctx.rec().listed(..)`, `ctx.rec().described(..)`.
    pub fn rec(&self) -> settei_provider::Recorder<'_, error::AwsErrors> {
        settei_provider::Recorder {
            sink: &self.sink,
            classify: &error::AwsErrors,
        }
    }

    /// Awaits a listing call; see [`settei_provider::Recorder::listed`].
    pub async fn listed<T, E>(
        &self,
        kind: &str,
        region: &str,
        service: &str,
        operation: &str,
        call: impl Future<Output = Result<T, error::SdkFailure<E>>>,
    ) -> Option<T>
    where
        E: error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.rec()
            .listed(kind, region, service, operation, call)
            .await
    }

    /// Awaits a per-resource describe call; see
    /// [`settei_provider::Recorder::described`].
    pub async fn described<O, T, E>(
        &self,
        at: (&str, &str, &str),
        service: &str,
        operation: &str,
        what: &str,
        call: impl Future<Output = Result<O, error::SdkFailure<E>>>,
        body: impl FnOnce(O) -> Option<T>,
    ) -> Option<T>
    where
        E: error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.rec()
            .described(at, service, operation, what, call, body)
            .await
    }

    /// Records a failed call against `scope`: the one way an AWS collector
    /// records a failure that [`Ctx::listed`] and [`Ctx::described`] do not
    /// cover (a per-attribute read, a read whose failure has its own scope).
    /// A caller that also needs the failure's cause builds it with
    /// [`failure`] and records it with `ctx.sink.error`.
    pub fn failed<E>(
        &self,
        scope: Scope<'_>,
        service: &str,
        operation: &str,
        err: &error::SdkFailure<E>,
    ) where
        E: error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.sink
            .error(error::failure(scope, service, operation, err));
    }

    /// The fields of one listed resource that the API must answer, read
    /// through [`settei_provider::Fields::required`].
    pub fn fields<'a>(
        &'a self,
        kind: &'a str,
        region: &'a str,
        id: &'a str,
        op: &'a str,
    ) -> settei_provider::Fields<'a> {
        settei_provider::Fields {
            sink: &self.sink,
            kind,
            region,
            id,
            operation: op,
        }
    }

    /// An ARN in this account's partition: `arn:<partition>:<service>:<region>:<account>:<rest>`.
    pub fn arn(&self, service: &str, region: &str, rest: &str) -> String {
        format!(
            "arn:{}:{service}:{region}:{}:{rest}",
            self.partition, self.account
        )
    }

    /// A per-region settings record's id (one per service and region).
    pub fn settings_id(&self, service: &str, region: &str) -> String {
        self.arn(service, region, "settings")
    }

    /// The global region used for IAM, S3 listing and other account-wide calls.
    pub fn home_region(&self) -> String {
        self.sdk
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".into())
    }
}
