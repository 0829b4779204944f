//! CloudTrail (category 2): each trail joined with the facts of its S3
//! bucket, and the account-wide questions (is there a logging multi-region
//! trail with all management events; are S3 object events logged).

use std::collections::HashMap;

use serde_json::json;
use settei_model::{CollectionError, ErrorCause};

use crate::error::{failure, Scope};
use crate::regional::RegionData;
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

/// A trail as listed in its home region, before the S3 join.
#[derive(Debug, Clone)]
pub struct TrailInfo {
    pub arn: String,
    pub name: String,
    pub home_region: String,
    pub multi_region: bool,
    pub log_file_validation: bool,
    pub kms_key_id: Option<String>,
    pub cw_log_group_arn: Option<String>,
    pub bucket: Option<String>,
    /// `None` when GetTrailStatus failed (the error is recorded).
    pub logging: Option<bool>,
    /// `None` when GetEventSelectors failed (the error is recorded).
    pub selectors: Option<Selectors>,
    /// Why `logging` or `selectors` is unknown.
    pub read_failure: Option<ErrorCause>,
}

#[derive(Debug, Clone, Default)]
pub struct Selectors {
    /// All / ReadOnly / WriteOnly / None.
    pub management_events: String,
    pub s3_object_write: bool,
    pub s3_object_read: bool,
}

pub(crate) async fn trails(ctx: &Ctx, region: &str) -> Result<Vec<TrailInfo>, ErrorCause> {
    let ct = regional_client!(aws_sdk_cloudtrail, ctx, region);
    let kind = crate::trail::TRAIL;
    ctx.sink.attempted(kind);
    let list = match ct
        .describe_trails()
        .include_shadow_trails(false)
        .send()
        .await
    {
        Ok(out) => out.trail_list().to_vec(),
        Err(e) => {
            let err = failure(
                Scope::kind(kind, Some(region)),
                "cloudtrail",
                "DescribeTrails",
                &e,
            );
            let cause = err.cause;
            ctx.sink.error(err);
            return Err(cause);
        }
    };
    let mut out = Vec::new();
    for t in list
        .into_iter()
        .filter(|t| t.home_region().is_none_or(|h| h == region))
    {
        let arn = t.trail_arn().unwrap_or_default().to_string();
        let name = t.name().unwrap_or_default().to_string();
        let mut read_failure = None;
        let logging = match ct.get_trail_status().name(&arn).send().await {
            Ok(s) => {
                if s.is_logging().is_none() {
                    read_failure = Some(ErrorCause::UnknownShape);
                    ctx.sink.error(crate::error::unknown_shape(
                        Scope::attrs(kind, Some(region), &arn, &["is_logging"]),
                        "cloudtrail:GetTrailStatus",
                        "the response has no IsLogging",
                    ));
                }
                s.is_logging()
            }
            Err(e) => {
                let err = failure(
                    Scope::attrs(kind, Some(region), &arn, &["is_logging"]),
                    "cloudtrail",
                    "GetTrailStatus",
                    &e,
                );
                read_failure = Some(err.cause);
                ctx.sink.error(err);
                None
            }
        };
        let selectors = match ct.get_event_selectors().trail_name(&arn).send().await {
            Ok(s) => match selectors_of(&s) {
                Ok(sel) => Some(sel),
                Err(why) => {
                    read_failure = read_failure.or(Some(ErrorCause::UnknownShape));
                    ctx.sink.error(crate::error::unknown_shape(
                        Scope::attrs(kind, Some(region), &arn, &["management_events"]),
                        "cloudtrail:GetEventSelectors",
                        why,
                    ));
                    None
                }
            },
            Err(e) => {
                let err = failure(
                    Scope::attrs(kind, Some(region), &arn, &["management_events"]),
                    "cloudtrail",
                    "GetEventSelectors",
                    &e,
                );
                read_failure = read_failure.or(Some(err.cause));
                ctx.sink.error(err);
                None
            }
        };
        out.push(TrailInfo {
            arn,
            name,
            home_region: t.home_region().unwrap_or(region).to_string(),
            multi_region: t.is_multi_region_trail().unwrap_or(false),
            log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
            kms_key_id: t.kms_key_id().map(str::to_string),
            cw_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_string),
            bucket: t.s3_bucket_name().map(str::to_string),
            logging,
            selectors,
            read_failure,
        });
    }
    Ok(out)
}

/// What a trail's event selectors log. A basic selector that leaves out
/// `ReadWriteType` or `IncludeManagementEvents` is not read as the API's
/// default: the answer is incomplete, and `Err` says which field it lacks.
fn selectors_of(
    s: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
) -> Result<Selectors, String> {
    use aws_sdk_cloudtrail::types::ReadWriteType;
    let mut out = Selectors {
        management_events: "None".into(),
        ..Default::default()
    };
    let mut read = false;
    let mut write = false;
    for sel in s.event_selectors() {
        let rw = sel
            .read_write_type()
            .ok_or("an event selector without ReadWriteType")?;
        let management = sel
            .include_management_events()
            .ok_or("an event selector without IncludeManagementEvents")?;
        let (r, w) = match rw {
            ReadWriteType::All => (true, true),
            ReadWriteType::ReadOnly => (true, false),
            ReadWriteType::WriteOnly => (false, true),
            _ => (false, false),
        };
        // Excluded event sources (e.g. KMS, RDS Data API) mean management
        // events are only partly logged: give no credit rather than guess.
        if management && sel.exclude_management_event_sources().is_empty() {
            read |= r;
            write |= w;
        }
        for d in sel.data_resources() {
            let all_buckets = d.values().iter().any(|v| is_all_s3_buckets(v));
            if d.r#type() == Some("AWS::S3::Object") && all_buckets {
                out.s3_object_read |= r;
                out.s3_object_write |= w;
            }
        }
    }
    for adv in s.advanced_event_selectors() {
        let fields = adv.field_selectors();
        let field = |name: &str| fields.iter().find(|f| f.field() == name);
        // A field that selects exactly one value with Equals and nothing else.
        let only = |name: &str, v: &str| {
            field(name).is_some_and(|f| f.equals() == [v.to_string()] && !narrows_otherwise(f))
        };
        let (r, w) = match field("readOnly") {
            None => (true, true),
            Some(f) if narrows_otherwise(f) && f.equals().is_empty() => match f.not_equals() {
                [v] if v == "true" && f.starts_with().is_empty() => (false, true),
                [v] if v == "false" && f.starts_with().is_empty() => (true, false),
                _ => (false, false),
            },
            Some(f) if narrows_otherwise(f) => (false, false),
            Some(f) => match f.equals() {
                [v] if v == "true" => (true, false),
                [v] if v == "false" => (false, true),
                _ => (false, false),
            },
        };
        // Any other field (eventSource, eventName, userIdentity.arn, ...)
        // narrows the selector below "every event of the category".
        let allowed = |extra: &[&str]| {
            fields.iter().all(|f| {
                ["eventCategory", "readOnly"].contains(&f.field()) || extra.contains(&f.field())
            })
        };
        if only("eventCategory", "Management") && allowed(&[]) {
            read |= r;
            write |= w;
        }
        if only("eventCategory", "Data")
            && only("resources.type", "AWS::S3::Object")
            && allowed(&["resources.type"])
        {
            out.s3_object_read |= r;
            out.s3_object_write |= w;
        }
    }
    out.management_events = match (read, write) {
        (true, true) => "All",
        (true, false) => "ReadOnly",
        (false, true) => "WriteOnly",
        (false, false) => "None",
    }
    .into();
    Ok(out)
}

/// `arn:<partition>:s3` or `arn:<partition>:s3:::` — every bucket.
fn is_all_s3_buckets(v: &str) -> bool {
    let parts: Vec<&str> = v.split(':').collect();
    parts.first() == Some(&"arn")
        && parts.get(2) == Some(&"s3")
        && parts.iter().skip(3).all(|p| p.is_empty())
}

/// The field also filters with an operator other than Equals.
fn narrows_otherwise(f: &aws_sdk_cloudtrail::types::AdvancedFieldSelector) -> bool {
    !f.not_equals().is_empty()
        || !f.starts_with().is_empty()
        || !f.not_starts_with().is_empty()
        || !f.ends_with().is_empty()
        || !f.not_ends_with().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
    use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};

    fn with(selector: EventSelector) -> GetEventSelectorsOutput {
        GetEventSelectorsOutput::builder()
            .event_selectors(selector)
            .build()
    }

    #[test]
    fn selectors_the_api_left_incomplete_are_not_read_as_its_defaults() {
        let full = EventSelector::builder()
            .read_write_type(ReadWriteType::All)
            .include_management_events(true)
            .build();
        assert_eq!(selectors_of(&with(full)).unwrap().management_events, "All");
        // Without ReadWriteType (the API's default is All) or
        // IncludeManagementEvents (default true), nothing is assumed.
        let no_rw = EventSelector::builder()
            .include_management_events(true)
            .build();
        assert!(selectors_of(&with(no_rw))
            .unwrap_err()
            .contains("ReadWriteType"));
        let no_mgmt = EventSelector::builder()
            .read_write_type(ReadWriteType::All)
            .build();
        assert!(selectors_of(&with(no_mgmt))
            .unwrap_err()
            .contains("IncludeManagementEvents"));
    }
}
