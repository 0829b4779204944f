//! CloudTrail (category 2): each trail joined with the facts of its S3
//! bucket, and the account-wide questions (is there a logging multi-region
//! trail with all management events; are S3 object events logged).

use std::collections::HashMap;

use serde_json::json;
use settei_model::{CollectionError, ErrorCause};

use crate::regional::{RegionData, TrailInfo};
use crate::s3::BucketFacts;
use crate::Ctx;

pub const TRAIL: &str = "aws.cloudtrail.trail";
pub const ACCOUNT: &str = "aws.cloudtrail.account";

pub async fn normalize(
    ctx: &Ctx,
    _regions: &[String],
    buckets: HashMap<String, BucketFacts>,
    data: Vec<RegionData>,
) {
    let mut all: Vec<TrailInfo> = Vec::new();
    let mut failed: Vec<(String, ErrorCause)> = Vec::new();
    for d in &data {
        match &d.trails {
            Ok(t) => all.extend(t.iter().cloned()),
            Err(cause) => failed.push((d.region.clone(), *cause)),
        }
    }
    failed.sort_by(|a, b| a.0.cmp(&b.0));
    for t in &all {
        trail_resource(ctx, t, &buckets);
    }
    account_resource(ctx, &all, &failed);
    crate::monitoring::normalize(ctx, &all, &failed, &data);
}

/// One cause for several failures: theirs when they agree, else `other`.
pub fn common_cause(causes: impl IntoIterator<Item = ErrorCause>) -> ErrorCause {
    let mut it = causes.into_iter();
    let Some(first) = it.next() else {
        return ErrorCause::Other;
    };
    if it.all(|c| c == first) {
        first
    } else {
        ErrorCause::Other
    }
}

/// "us-east-1 (throttled), ap-northeast-1 (access denied)".
pub fn describe_failed(failed: &[(String, ErrorCause)]) -> String {
    failed
        .iter()
        .map(|(region, cause)| format!("{region} ({})", cause.label(settei_model::Lang::En)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn trail_resource(ctx: &Ctx, t: &TrailInfo, buckets: &HashMap<String, BucketFacts>) {
    let mut a = json!({
        "is_multi_region": t.multi_region,
        "log_file_validation": t.log_file_validation,
        "kms_key_id": t.kms_key_id,
        "cloudwatch_logs_group_arn": t.cw_log_group_arn,
        "s3_bucket_name": t.bucket,
        "home_region": t.home_region,
    });
    if let Some(l) = t.logging {
        a["is_logging"] = json!(l);
    }
    if let Some(s) = &t.selectors {
        a["management_events"] = json!(s.management_events);
    }
    let facts = t.bucket.as_ref().and_then(|b| buckets.get(b));
    match facts {
        Some(f) => {
            if let Some(p) = f.public {
                a["s3_bucket_public"] = json!(p);
            }
            if let Some(l) = f.access_logging {
                a["s3_bucket_access_logging"] = json!(l);
            }
            // When the bucket's own settings failed, its errors are already
            // recorded; name them on the trail too so its rules are ERROR.
            let mut lost = Vec::new();
            if f.public.is_none() {
                lost.push("s3_bucket_public".to_string());
            }
            if f.access_logging.is_none() {
                lost.push("s3_bucket_access_logging".to_string());
            }
            if !lost.is_empty() {
                ctx.sink.error(CollectionError {
                    kind: TRAIL.into(),
                    region: Some(t.home_region.clone()),
                    resource_id: Some(t.arn.clone()),
                    attributes: lost,
                    cause: ErrorCause::Other,
                    operation: bucket_failures(ctx, t),
                    message: format!("settings of the trail's bucket `{}` could not be read", t.bucket.clone().unwrap_or_default()),
                });
            }
        }
        None => ctx.sink.error(CollectionError {
            kind: TRAIL.into(),
            region: Some(t.home_region.clone()),
            resource_id: Some(t.arn.clone()),
            attributes: vec!["s3_bucket_public".into(), "s3_bucket_access_logging".into()],
            cause: ErrorCause::Unavailable,
            operation: bucket_failures(ctx, t),
            message: format!(
                "the trail's bucket `{}` is not readable in this account (another account, or the bucket listing failed)",
                t.bucket.clone().unwrap_or_default()
            ),
        }),
    }
    ctx.resource(TRAIL, t.arn.clone(), &t.home_region, t.name.clone(), a);
}

/// The failed reads a trail's bucket facts depend on: the bucket listing,
/// the bucket's own reads, the account's Block Public Access.
fn bucket_failures(ctx: &Ctx, t: &TrailInfo) -> Option<String> {
    let arn = format!(
        "arn:{}:s3:::{}",
        ctx.partition,
        t.bucket.clone().unwrap_or_default()
    );
    ctx.sink.failed_operations(|e| {
        (e.kind == crate::s3::BUCKET && e.resource_id.as_ref().is_none_or(|id| *id == arn))
            || e.kind == crate::s3::ACCOUNT
    })
}

fn account_resource(ctx: &Ctx, trails: &[TrailInfo], failed: &[(String, ErrorCause)]) {
    ctx.sink.attempted(ACCOUNT);
    let id = format!("arn:{}:cloudtrail::{}:account", ctx.partition, ctx.account);
    let logging = |t: &&TrailInfo| t.logging == Some(true);
    let full_mgmt = trails.iter().filter(logging).any(|t| {
        t.multi_region
            && t.selectors
                .as_ref()
                .is_some_and(|s| s.management_events == "All")
    });
    let s3_write = trails
        .iter()
        .filter(logging)
        .any(|t| t.selectors.as_ref().is_some_and(|s| s.s3_object_write));
    let s3_read = trails
        .iter()
        .filter(logging)
        .any(|t| t.selectors.as_ref().is_some_and(|s| s.s3_object_read));
    let unknown_trail = trails
        .iter()
        .any(|t| t.logging.is_none() || t.selectors.is_none());
    let incomplete = !failed.is_empty() || unknown_trail;
    let mut a = json!({ "trail_count": trails.len() });
    let mut lost = Vec::new();
    for (name, found) in [
        ("multi_region_trail_logging", full_mgmt),
        ("s3_object_write_logging", s3_write),
        ("s3_object_read_logging", s3_read),
    ] {
        // A positive answer stands even when some trails were unreadable; a
        // negative one does not.
        if found || !incomplete {
            a[name] = json!(found);
        } else {
            lost.push(name.to_string());
        }
    }
    if !lost.is_empty() {
        ctx.sink.error(CollectionError {
            kind: ACCOUNT.into(),
            region: None,
            resource_id: Some(id.clone()),
            attributes: lost,
            cause: if unknown_trail {
                ErrorCause::Other
            } else {
                common_cause(failed.iter().map(|f| f.1))
            },
            operation: ctx.sink.failed_operations(|e| e.kind == TRAIL),
            message: if failed.is_empty() {
                "the status or event selectors of some trails could not be read".into()
            } else {
                format!("trails could not be listed in {}", describe_failed(failed))
            },
        });
    }
    ctx.resource(ACCOUNT, id, "global", ctx.account.clone(), a);
}
