//! What every cloud adapter shares: a thread-safe [`SnapshotSink`] that
//! collectors write resources and collection errors into, bounded
//! concurrency ([`bounded`]), the mapping of provider error codes onto
//! [`ErrorCause`] ([`classify`]), the [`Progress`] hook, and the read-only
//! operation policy ([`is_read_only_operation`]).
//!
//! SDK types never appear here; adapters translate their SDK's errors into
//! codes and HTTP statuses before calling [`classify`].

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Mutex;

use futures_util::stream::{self, StreamExt};
use settei_model::{CollectionError, ErrorCause, Provider, Resource, Snapshot};

/// Receives what collectors read. Cheap to share between tasks.
#[derive(Debug, Default)]
pub struct SnapshotSink {
    inner: Mutex<SinkInner>,
}

#[derive(Debug, Default)]
struct SinkInner {
    resources: Vec<Resource>,
    errors: Vec<CollectionError>,
    kinds: BTreeSet<String>,
}

impl SnapshotSink {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `kind` was attempted: rules on it are evaluated (or are
    /// ERROR through recorded errors) instead of being reported as not collected.
    pub fn attempted(&self, kind: &str) {
        self.inner
            .lock()
            .expect("sink lock")
            .kinds
            .insert(kind.to_string());
    }

    pub fn resource(&self, r: Resource) {
        let mut inner = self.inner.lock().expect("sink lock");
        inner.kinds.insert(r.kind.clone());
        inner.resources.push(r);
    }

    pub fn error(&self, e: CollectionError) {
        tracing::warn!(kind = %e.kind, region = ?e.region, cause = e.cause.as_str(), operation = ?e.operation, "{}", e.message);
        let mut inner = self.inner.lock().expect("sink lock");
        inner.kinds.insert(e.kind.clone());
        inner.errors.push(e);
    }

    /// The finished snapshot, with resources and errors in a stable order.
    pub fn into_snapshot(
        self,
        provider: Provider,
        account: String,
        regions: Vec<String>,
        collected_at: String,
    ) -> Snapshot {
        let inner = self.inner.into_inner().expect("sink lock");
        let mut snapshot = Snapshot::new(provider, account, collected_at);
        snapshot.regions = regions;
        snapshot.collected_kinds = inner.kinds.into_iter().collect();
        snapshot.resources = inner.resources;
        snapshot
            .resources
            .sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
        snapshot.errors = inner.errors;
        snapshot.errors.sort_by(|a, b| {
            (&a.kind, &a.region, &a.resource_id, &a.operation).cmp(&(
                &b.kind,
                &b.region,
                &b.resource_id,
                &b.operation,
            ))
        });
        snapshot
    }
}

/// Runs `f` over `items` with at most `limit` futures in flight, returning
/// the results in completion order.
pub async fn bounded<I, T, F, Fut, R>(items: I, limit: usize, f: F) -> Vec<R>
where
    I: IntoIterator<Item = T>,
    F: FnMut(T) -> Fut,
    Fut: Future<Output = R>,
{
    stream::iter(items)
        .map(f)
        .buffer_unordered(limit.max(1))
        .collect()
        .await
}

/// Maps a provider error code and HTTP status onto an [`ErrorCause`].
pub fn classify(code: Option<&str>, http_status: Option<u16>) -> ErrorCause {
    let code = code.unwrap_or("");
    let lower = code.to_ascii_lowercase();
    if lower.contains("accessdenied")
        || lower.contains("unauthorized")
        || lower.contains("authorizationerror")
        || lower.contains("authorizationfailure")
        || lower == "forbidden"
        || lower == "authfailure"
        || lower == "invalidclienttokenid"
        || lower == "signaturedoesnotmatch"
        || matches!(http_status, Some(401 | 403))
    {
        ErrorCause::AccessDenied
    } else if lower.contains("throttl")
        || lower.contains("toomanyrequests")
        || lower == "requestlimitexceeded"
        || lower == "slowdown"
        || lower == "limitexceededexception" && http_status == Some(429)
        || http_status == Some(429)
    {
        ErrorCause::Throttled
    } else if lower.contains("timeout") || lower.contains("timedout") || http_status == Some(504) {
        ErrorCause::Timeout
    } else if lower == "optinrequired"
        || lower == "subscriptionrequiredexception"
        || lower.contains("notsubscribed")
        || lower == "unrecognizedclientexception"
        || lower.contains("notavailable")
    {
        ErrorCause::Unavailable
    } else {
        ErrorCause::Other
    }
}

/// The read-only policy: an operation may be called by a collector only if
/// its name starts with one of these verbs. `GenerateCredentialReport` asks
/// IAM to build a report and changes no setting.
pub const READ_ONLY_PREFIXES: &[&str] = &[
    "Get",
    "List",
    "Describe",
    "Head",
    "Lookup",
    "GenerateCredentialReport",
];

/// Reads that return secrets or credentials rather than settings. settei
/// never needs them, so the policy refuses them even though they are reads:
/// a scanner's credentials should not be a path to the data it audits.
pub const SECRET_READS: &[&str] = &[
    "GetSecretValue",
    "BatchGetSecretValue",
    "GetParameter",
    "GetParameters",
    "GetParametersByPath",
    "GetParameterHistory",
    "GetObject",
    "GetObjectTorrent",
    "GetPasswordData",
    "GetAuthorizationToken",
    "GetSessionToken",
    "GetFederationToken",
    "GetCredentialsForIdentity",
    "GetClusterCredentials",
    "GetClusterCredentialsWithIAM",
    "GetFunction",
    "GetQueryResults",
    "GetLogEvents",
];

/// Whether `operation` (an API operation name such as `ListBuckets`) is
/// allowed by the read-only policy.
pub fn is_read_only_operation(operation: &str) -> bool {
    if SECRET_READS.contains(&operation) {
        return false;
    }
    READ_ONLY_PREFIXES.iter().any(|p| {
        operation.starts_with(p)
            && operation[p.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_ascii_uppercase())
    })
}

/// Reports collection progress; the CLI shows a bar on a terminal.
pub trait Progress: Send + Sync {
    /// More units of work became known.
    fn add_total(&self, n: u64);
    /// One unit finished.
    fn advance(&self, what: &str);
}

/// Progress that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn add_total(&self, _: u64) {}
    fn advance(&self, _: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_common_codes() {
        assert_eq!(
            classify(Some("AccessDenied"), Some(403)),
            ErrorCause::AccessDenied
        );
        assert_eq!(
            classify(Some("AccessDeniedException"), Some(400)),
            ErrorCause::AccessDenied
        );
        assert_eq!(
            classify(Some("UnauthorizedOperation"), None),
            ErrorCause::AccessDenied
        );
        assert_eq!(classify(None, Some(403)), ErrorCause::AccessDenied);
        assert_eq!(
            classify(Some("Throttling"), Some(400)),
            ErrorCause::Throttled
        );
        assert_eq!(
            classify(Some("ThrottlingException"), None),
            ErrorCause::Throttled
        );
        assert_eq!(classify(Some("SlowDown"), Some(503)), ErrorCause::Throttled);
        assert_eq!(classify(None, Some(429)), ErrorCause::Throttled);
        assert_eq!(classify(Some("RequestTimeout"), None), ErrorCause::Timeout);
        assert_eq!(
            classify(Some("SubscriptionRequiredException"), None),
            ErrorCause::Unavailable
        );
        assert_eq!(
            classify(Some("InternalError"), Some(500)),
            ErrorCause::Other
        );
    }

    #[test]
    fn read_only_policy() {
        for ok in [
            "GetBucketPolicy",
            "ListUsers",
            "DescribeTrails",
            "GenerateCredentialReport",
            "HeadBucket",
            "Get",
        ] {
            assert!(is_read_only_operation(ok), "{ok}");
        }
        for bad in [
            "PutBucketPolicy",
            "DeleteUser",
            "CreateTrail",
            "Getaway",
            "ListenFoo",
            "UpdateDetector",
            "GenerateDataKey",
            // Reads of secrets and data, not settings.
            "GetSecretValue",
            "GetParameters",
            "GetObject",
            "GetPasswordData",
            "GetClusterCredentials",
        ] {
            assert!(!is_read_only_operation(bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn bounded_runs_everything_within_the_limit() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let out = bounded(0..20, 3, |i| {
            let (running, peak) = (&running, &peak);
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::task::yield_now().await;
                running.fetch_sub(1, Ordering::SeqCst);
                i * 2
            }
        })
        .await;
        let mut out = out;
        out.sort();
        assert_eq!(out, (0..20).map(|i| i * 2).collect::<Vec<_>>());
        assert!(peak.load(Ordering::SeqCst) <= 3);
    }

    #[test]
    fn sink_orders_and_tracks_kinds() {
        let sink = SnapshotSink::new();
        sink.attempted("aws.s3.bucket");
        for id in ["b", "a"] {
            sink.resource(Resource {
                id: id.into(),
                kind: "aws.iam.user".into(),
                region: "global".into(),
                name: id.into(),
                tags: Default::default(),
                attributes: Default::default(),
            });
        }
        let s = sink.into_snapshot(Provider::Aws, "1".into(), vec![], "t".into());
        assert_eq!(s.collected_kinds, vec!["aws.iam.user", "aws.s3.bucket"]);
        assert_eq!(s.resources[0].id, "a");
    }
}
