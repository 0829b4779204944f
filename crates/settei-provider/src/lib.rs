//! What every cloud adapter shares: a thread-safe [`SnapshotSink`] that
//! collectors write resources and collection errors into, bounded
//! concurrency ([`bounded`]), the [`Progress`] hook, and the shape of a
//! read-only policy ([`ReadPolicy`]: the exact operations an adapter may call).
//!
//! Nothing here is specific to one cloud and no SDK type appears: each
//! adapter lists its own operations and classifies its own errors.

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

    /// The operations of the errors recorded so far that `pred` selects,
    /// joined (`cloudtrail:GetTrailStatus, s3:ListBuckets`, sorted, each
    /// once), or `None` if there are none: a join built on reads that
    /// failed names them in its own error.
    pub fn failed_operations(&self, pred: impl Fn(&CollectionError) -> bool) -> Option<String> {
        let inner = self.inner.lock().expect("sink lock");
        let ops: BTreeSet<&str> = inner
            .errors
            .iter()
            .filter(|e| pred(e))
            .filter_map(|e| e.operation.as_deref())
            .collect();
        (!ops.is_empty()).then(|| ops.into_iter().collect::<Vec<_>>().join(", "))
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
        snapshot.errors = inner.errors;
        snapshot.sort();
        snapshot
    }
}

/// Where a failed read sits in the snapshot.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub kind: &'a str,
    pub region: Option<&'a str>,
    pub resource_id: Option<&'a str>,
    /// Attributes that become unknown; empty = the whole resource or kind.
    pub attributes: &'a [&'a str],
}

impl<'a> Scope<'a> {
    /// A whole kind, in one region or (`None`) everywhere.
    pub fn kind(kind: &'a str, region: Option<&'a str>) -> Self {
        Scope {
            kind,
            region,
            resource_id: None,
            attributes: &[],
        }
    }

    /// Some attributes of one resource (none named: all of them).
    pub fn attrs(
        kind: &'a str,
        region: Option<&'a str>,
        resource_id: &'a str,
        attributes: &'a [&'a str],
    ) -> Self {
        Scope {
            kind,
            region,
            resource_id: Some(resource_id),
            attributes,
        }
    }

    /// The error `cause` with `message` for `operation`, recorded here.
    pub fn error(
        &self,
        cause: ErrorCause,
        operation: &str,
        message: impl Into<String>,
    ) -> CollectionError {
        CollectionError {
            kind: self.kind.to_string(),
            region: self.region.map(str::to_string),
            resource_id: self.resource_id.map(str::to_string),
            attributes: self.attributes.iter().map(|s| s.to_string()).collect(),
            cause,
            operation: Some(operation.to_string()),
            message: message.into(),
        }
    }
}

/// An answer the collector could not interpret: `unknown_shape`, never a
/// default that could pass.
pub fn unknown_shape(
    scope: Scope<'_>,
    operation: &str,
    message: impl Into<String>,
) -> CollectionError {
    scope.error(ErrorCause::UnknownShape, operation, message)
}

/// How one adapter turns a failed call of its client (`E`) into a
/// [`CollectionError`]: the cause (from its provider's error codes and HTTP
/// statuses), the operation (`service:Operation`) and a message fit for a
/// report. Each adapter implements it once for its own error type.
pub trait Classify<E> {
    fn failure(&self, scope: Scope<'_>, service: &str, operation: &str, err: &E)
        -> CollectionError;

    /// How this provider names `operation` of `service` in a report and in
    /// its least-privilege policy: AWS writes `s3:GetBucketPolicy`; an
    /// adapter whose operations are named otherwise says so here.
    fn operation_id(&self, service: &str, operation: &str) -> String {
        format!("{service}:{operation}")
    }
}

/// The fail-closed reading patterns every adapter uses, over its own
/// error type: a listing whose failure makes the kind ERROR, a per-resource
/// read whose failure makes the resource ERROR, and fields a rule decides
/// on that must be present.
pub struct Recorder<'a, C> {
    pub sink: &'a SnapshotSink,
    pub classify: &'a C,
}

impl<C> Recorder<'_, C> {
    /// Awaits a listing call. On failure the error is recorded against the
    /// whole kind in the region (or, for `None`, everywhere: a listing of a
    /// whole subscription), every rule on it reports ERROR, and `None` is
    /// returned, so the caller stops: `let Some(x) = r.listed(..).await
    /// else { return };`.
    pub async fn listed<'r, T, E>(
        &self,
        kind: &str,
        region: impl Into<Option<&'r str>>,
        service: &str,
        operation: &str,
        call: impl Future<Output = Result<T, E>>,
    ) -> Option<T>
    where
        C: Classify<E>,
    {
        match call.await {
            Ok(v) => Some(v),
            Err(e) => {
                let scope = Scope::kind(kind, region.into());
                self.sink
                    .error(self.classify.failure(scope, service, operation, &e));
                None
            }
        }
    }

    /// Awaits the call that describes one listed resource and takes the
    /// part of its answer named `what` with `body`. A failed call, or an
    /// answer without that part, is recorded against the whole resource
    /// (every rule on it reports ERROR) and `None` is returned.
    pub async fn described<O, T, E>(
        &self,
        (kind, region, id): (&str, &str, &str),
        service: &str,
        operation: &str,
        what: &str,
        call: impl Future<Output = Result<O, E>>,
        body: impl FnOnce(O) -> Option<T>,
    ) -> Option<T>
    where
        C: Classify<E>,
    {
        let scope = Scope::attrs(kind, Some(region), id, &[]);
        match call.await {
            Ok(o) => {
                let part = body(o);
                if part.is_none() {
                    self.sink.error(unknown_shape(
                        scope,
                        &self.classify.operation_id(service, operation),
                        format!("the response has no {what}"),
                    ));
                }
                part
            }
            Err(e) => {
                self.sink
                    .error(self.classify.failure(scope, service, operation, &e));
                None
            }
        }
    }
}

/// One resource's fields as one operation returned them.
pub struct Fields<'a> {
    pub sink: &'a SnapshotSink,
    pub kind: &'a str,
    pub region: &'a str,
    pub id: &'a str,
    /// `service:Operation`.
    pub operation: &'a str,
}

impl Fields<'_> {
    /// A field the API must answer. `None` records an unknown-shape error
    /// against `attr` (so every rule reading it is ERROR) and stays `None`,
    /// which the attributes then hold as null.
    pub fn required<T>(&self, attr: &'static str, v: Option<T>) -> Option<T> {
        if v.is_none() {
            self.sink.error(unknown_shape(
                Scope::attrs(self.kind, Some(self.region), self.id, &[attr]),
                self.operation,
                format!("the response leaves `{attr}` out"),
            ));
        }
        v
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

/// One read a collector makes, named as its provider names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOperation {
    /// The service, as the adapter's client identifies it (AWS: the SDK's
    /// service name such as `S3 Control`).
    pub service: &'static str,
    /// The operation (AWS: `GetBucketPolicy`).
    pub operation: &'static str,
    /// The permission the call needs (AWS: the IAM action
    /// `s3:GetBucketPolicy`), for the least-privilege policy.
    pub permission: &'static str,
}

/// A provider's read-only policy: the exact operations its collectors
/// call. An adapter's guard refuses every other operation before anything
/// is sent, and the same list is the least-privilege policy.
#[derive(Debug, Clone, Copy)]
pub struct ReadPolicy {
    pub provider: Provider,
    pub operations: &'static [ReadOperation],
}

impl ReadPolicy {
    /// Whether `operation` of `service` is on the list.
    pub fn allows(&self, service: &str, operation: &str) -> bool {
        self.operations
            .iter()
            .any(|o| o.service == service && o.operation == operation)
    }

    /// The permissions the listed operations need, sorted, each once.
    pub fn permissions(&self) -> Vec<&'static str> {
        let set: BTreeSet<&'static str> = self.operations.iter().map(|o| o.permission).collect();
        set.into_iter().collect()
    }
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
    fn a_read_policy_allows_exactly_its_operations() {
        const P: ReadPolicy = ReadPolicy {
            provider: Provider::Aws,
            operations: &[
                ReadOperation {
                    service: "S3",
                    operation: "GetBucketPolicy",
                    permission: "s3:GetBucketPolicy",
                },
                ReadOperation {
                    service: "S3",
                    operation: "ListBuckets",
                    permission: "s3:ListAllMyBuckets",
                },
            ],
        };
        assert!(P.allows("S3", "GetBucketPolicy"));
        assert!(!P.allows("S3", "GetBucketPolicyStatus"));
        assert!(!P.allows("S3 Control", "GetBucketPolicy"));
        assert_eq!(
            P.permissions(),
            ["s3:GetBucketPolicy", "s3:ListAllMyBuckets"]
        );
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
