//! Per-region services: CloudTrail trails (normalized later with S3 facts),
//! AWS Config, GuardDuty, Security Hub, IAM Access Analyzer, CloudWatch Logs
//! groups and metric filters, CloudWatch alarms, and KMS keys.

use aws_config::SdkConfig;
use serde_json::json;
use settei_model::ErrorCause;

use crate::error::{code, failure, Scope};
use crate::{policy, Ctx, ReadOnlyGuard};

pub const CONFIG: &str = "aws.config.region";
pub const GUARDDUTY: &str = "aws.guardduty.region";
pub const SECURITYHUB: &str = "aws.securityhub.region";
pub const ANALYZER: &str = "aws.accessanalyzer.region";
pub const LOG_GROUP: &str = "aws.logs.log_group";
pub const KMS_KEY: &str = "aws.kms.key";

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

/// A metric filter: its log group, pattern and the metrics it feeds.
#[derive(Debug, Clone)]
pub struct MetricFilter {
    pub log_group: String,
    pub pattern: String,
    pub metrics: Vec<(String, String)>,
}

/// An alarm on a metric, with whether it notifies anyone: its actions are
/// enabled and one of them is an SNS topic with a confirmed subscription.
#[derive(Debug, Clone)]
pub struct Alarm {
    pub namespace: String,
    pub metric: String,
    pub notifies: bool,
}

/// What one region contributes to the cross-service normalization.
#[derive(Debug)]
pub struct RegionData {
    pub region: String,
    /// Each part is either what was read or why it could not be.
    pub trails: Result<Vec<TrailInfo>, ErrorCause>,
    pub filters: Result<Vec<MetricFilter>, ErrorCause>,
    pub alarms: Result<Vec<Alarm>, ErrorCause>,
}

pub async fn collect_region(ctx: &Ctx, region: &str) -> RegionData {
    let (trails, filters, alarms, _, _, _, _, _, _) = tokio::join!(
        trails(ctx, region),
        metric_filters(ctx, region),
        alarms(ctx, region),
        config(ctx, region),
        guardduty(ctx, region),
        securityhub(ctx, region),
        analyzer(ctx, region),
        log_groups(ctx, region),
        kms(ctx, region),
    );
    RegionData {
        region: region.to_string(),
        trails,
        filters,
        alarms,
    }
}

async fn trails(ctx: &Ctx, region: &str) -> Result<Vec<TrailInfo>, ErrorCause> {
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

async fn metric_filters(ctx: &Ctx, region: &str) -> Result<Vec<MetricFilter>, ErrorCause> {
    let logs = regional_client!(aws_sdk_cloudwatchlogs, ctx, region);
    match logs
        .describe_metric_filters()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(list) => Ok(list
            .into_iter()
            .map(|f| MetricFilter {
                log_group: f.log_group_name().unwrap_or_default().to_string(),
                pattern: f.filter_pattern().unwrap_or_default().to_string(),
                metrics: f
                    .metric_transformations()
                    .iter()
                    .map(|m| {
                        (
                            m.metric_namespace().to_string(),
                            m.metric_name().to_string(),
                        )
                    })
                    .collect(),
            })
            .collect()),
        Err(e) => {
            let err = failure(
                Scope::kind(crate::monitoring::MONITORING, Some(region)),
                "logs",
                "DescribeMetricFilters",
                &e,
            );
            let cause = err.cause;
            ctx.sink.error(err);
            Err(cause)
        }
    }
}

async fn alarms(ctx: &Ctx, region: &str) -> Result<Vec<Alarm>, ErrorCause> {
    let cw = regional_client!(aws_sdk_cloudwatch, ctx, region);
    match cw
        .describe_alarms()
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(pages) => {
            let alarms: Vec<_> = pages.iter().flat_map(|p| p.metric_alarms()).collect();
            // The SNS topics of alarms whose actions are enabled.
            let mut topics: Vec<&str> = alarms
                .iter()
                .filter(|a| a.actions_enabled() == Some(true))
                .flat_map(|a| a.alarm_actions())
                .map(String::as_str)
                .filter(|arn| arn.split(':').nth(2) == Some("sns"))
                .collect();
            topics.sort_unstable();
            topics.dedup();
            let mut reached = std::collections::HashSet::new();
            for topic in topics {
                if confirmed_subscription(ctx, region, topic).await? {
                    reached.insert(topic);
                }
            }
            Ok(alarms
                .iter()
                .map(|a| Alarm {
                    namespace: a.namespace().unwrap_or_default().to_string(),
                    metric: a.metric_name().unwrap_or_default().to_string(),
                    notifies: a.actions_enabled() == Some(true)
                        && a.alarm_actions()
                            .iter()
                            .any(|t| reached.contains(t.as_str())),
                })
                .collect())
        }
        Err(e) => {
            let err = failure(
                Scope::kind(crate::monitoring::MONITORING, Some(region)),
                "cloudwatch",
                "DescribeAlarms",
                &e,
            );
            let cause = err.cause;
            ctx.sink.error(err);
            Err(cause)
        }
    }
}

/// Whether an SNS topic has at least one confirmed subscription (a pending
/// or deleted one reaches nobody). A topic that cannot be read makes the
/// region's alarms unknown.
async fn confirmed_subscription(ctx: &Ctx, region: &str, topic: &str) -> Result<bool, ErrorCause> {
    let topic_region = topic
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .unwrap_or(region);
    let sns = regional_client!(aws_sdk_sns, ctx, topic_region);
    match sns
        .list_subscriptions_by_topic()
        .topic_arn(topic)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(subs) => Ok(subs.iter().any(|s| {
            s.subscription_arn()
                .is_some_and(|arn| arn.starts_with("arn:"))
        })),
        Err(e) => {
            let err = failure(
                Scope::kind(crate::monitoring::MONITORING, Some(region)),
                "sns",
                "ListSubscriptionsByTopic",
                &e,
            );
            let cause = err.cause;
            ctx.sink.error(err);
            Err(cause)
        }
    }
}

fn region_id(ctx: &Ctx, service: &str, region: &str) -> String {
    ctx.settings_id(service, region)
}

async fn config(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(CONFIG);
    let cfg = regional_client!(aws_sdk_config, ctx, region);
    let scope = || Scope::kind(CONFIG, Some(region));
    let recorders = match cfg.describe_configuration_recorders().send().await {
        Ok(o) => o.configuration_recorders().to_vec(),
        Err(e) => {
            return ctx.sink.error(failure(
                scope(),
                "config",
                "DescribeConfigurationRecorders",
                &e,
            ))
        }
    };
    let statuses = match cfg.describe_configuration_recorder_status().send().await {
        Ok(o) => o.configuration_recorders_status().to_vec(),
        Err(e) => {
            return ctx.sink.error(failure(
                scope(),
                "config",
                "DescribeConfigurationRecorderStatus",
                &e,
            ))
        }
    };
    let channels = match cfg.describe_delivery_channels().send().await {
        Ok(o) => o.delivery_channels().len(),
        Err(e) => {
            return ctx
                .sink
                .error(failure(scope(), "config", "DescribeDeliveryChannels", &e))
        }
    };
    // Join each recorder with its own status by name: the recording flag
    // and the recording group must describe the same recorder.
    let is_recording = |r: &aws_sdk_config::types::ConfigurationRecorder| {
        statuses
            .iter()
            .any(|s| s.name().is_some() && s.name() == r.name() && s.recording())
    };
    let rec = recorders
        .iter()
        .find(|r| is_recording(r))
        .or(recorders.first());
    let group = rec.and_then(|r| r.recording_group());
    // The last delivery of the recorder, by name (null without a recorder).
    let last_status = rec.and_then(|r| {
        statuses
            .iter()
            .find(|s| s.name().is_some() && s.name() == r.name())
            .and_then(|s| s.last_status())
            .map(|s| s.as_str().to_string())
    });
    let attrs = json!({
        "recorder_exists": rec.is_some(),
        "recording": rec.is_some_and(is_recording),
        "last_status": last_status,
        "all_supported": group.is_some_and(|g| g.all_supported()),
        "include_global_resources": group.is_some_and(|g| g.include_global_resource_types()),
        "delivery_channel_exists": channels > 0,
    });
    ctx.resource(
        CONFIG,
        region_id(ctx, "config", region),
        region,
        format!("config-{region}"),
        attrs,
    );
}

async fn guardduty(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(GUARDDUTY);
    let gd = regional_client!(aws_sdk_guardduty, ctx, region);
    let ids: Vec<String> = match gd
        .list_detectors()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(ids) => ids,
        Err(e) => {
            return ctx.sink.error(failure(
                Scope::kind(GUARDDUTY, Some(region)),
                "guardduty",
                "ListDetectors",
                &e,
            ))
        }
    };
    let mut enabled = false;
    for id in ids {
        match gd.get_detector().detector_id(&id).send().await {
            Ok(d) => {
                enabled |= d.status() == Some(&aws_sdk_guardduty::types::DetectorStatus::Enabled)
            }
            Err(e) => {
                return ctx.sink.error(failure(
                    Scope::kind(GUARDDUTY, Some(region)),
                    "guardduty",
                    "GetDetector",
                    &e,
                ))
            }
        }
    }
    ctx.resource(
        GUARDDUTY,
        region_id(ctx, "guardduty", region),
        region,
        format!("guardduty-{region}"),
        json!({ "detector_enabled": enabled }),
    );
}

async fn securityhub(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(SECURITYHUB);
    let sh = regional_client!(aws_sdk_securityhub, ctx, region);
    let enabled = match sh.describe_hub().send().await {
        Ok(_) => true,
        // Security Hub answers "not subscribed" when it is off.
        Err(e)
            if matches!(
                code(&e),
                Some("InvalidAccessException" | "ResourceNotFoundException")
            ) =>
        {
            false
        }
        Err(e) => {
            return ctx.sink.error(failure(
                Scope::kind(SECURITYHUB, Some(region)),
                "securityhub",
                "DescribeHub",
                &e,
            ))
        }
    };
    ctx.resource(
        SECURITYHUB,
        region_id(ctx, "securityhub", region),
        region,
        format!("securityhub-{region}"),
        json!({ "enabled": enabled }),
    );
}

async fn analyzer(ctx: &Ctx, region: &str) {
    use aws_sdk_accessanalyzer::types::{AnalyzerStatus, Criterion, Type};
    ctx.sink.attempted(ANALYZER);
    let aa = regional_client!(aws_sdk_accessanalyzer, ctx, region);
    let analyzers = match aa
        .list_analyzers()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(a) => a,
        Err(e) => {
            return ctx.sink.error(failure(
                Scope::kind(ANALYZER, Some(region)),
                "access-analyzer",
                "ListAnalyzers",
                &e,
            ))
        }
    };
    // External-access analyzers only: unused-access analyzers (CIS does not
    // ask for them) do not report resources shared outside the zone of trust.
    let active: Vec<_> = analyzers
        .iter()
        .filter(|a| a.status() == &AnalyzerStatus::Active)
        .filter(|a| matches!(a.r#type(), Type::Account | Type::Organization))
        .collect();
    let mut findings = 0usize;
    for a in &active {
        let active_only = Criterion::builder().eq("ACTIVE").build();
        match aa
            .list_findings()
            .analyzer_arn(a.arn())
            .filter("status", active_only)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(f) => findings += f.len(),
            Err(e) => {
                return ctx.sink.error(failure(
                    Scope::kind(ANALYZER, Some(region)),
                    "access-analyzer",
                    "ListFindings",
                    &e,
                ))
            }
        }
    }
    let attrs = json!({ "active_analyzers": active.len(), "active_findings": findings });
    ctx.resource(
        ANALYZER,
        region_id(ctx, "access-analyzer", region),
        region,
        format!("access-analyzer-{region}"),
        attrs,
    );
}

async fn log_groups(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(LOG_GROUP);
    let logs = regional_client!(aws_sdk_cloudwatchlogs, ctx, region);
    let groups = match logs
        .describe_log_groups()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(g) => g,
        Err(e) => {
            return ctx.sink.error(failure(
                Scope::kind(LOG_GROUP, Some(region)),
                "logs",
                "DescribeLogGroups",
                &e,
            ))
        }
    };
    for g in groups {
        let name = g.log_group_name().unwrap_or_default().to_string();
        let arn = g
            .arn()
            .map(|a| a.trim_end_matches(":*").to_string())
            .unwrap_or_else(|| {
                format!(
                    "arn:{}:logs:{region}:{}:log-group:{name}",
                    ctx.partition, ctx.account
                )
            });
        let attrs =
            json!({ "retention_days": g.retention_in_days(), "kms_key_id": g.kms_key_id() });
        ctx.resource(LOG_GROUP, arn, region, name, attrs);
    }
}

async fn kms(ctx: &Ctx, region: &str) {
    use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState};
    ctx.sink.attempted(KMS_KEY);
    let kms = regional_client!(aws_sdk_kms, ctx, region);
    let keys = match kms
        .list_keys()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(k) => k,
        Err(e) => {
            return ctx.sink.error(failure(
                Scope::kind(KMS_KEY, Some(region)),
                "kms",
                "ListKeys",
                &e,
            ))
        }
    };
    // Aliases name keys for people; a key without one is named by its id.
    // (A failed listing only costs the names.)
    let aliases: std::collections::HashMap<String, String> = match kms
        .list_aliases()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(list) => {
            let mut m = std::collections::HashMap::new();
            for a in &list {
                if let (Some(key), Some(name)) = (a.target_key_id(), a.alias_name()) {
                    let name = name.strip_prefix("alias/").unwrap_or(name);
                    // The first alias in name order, for a stable name.
                    m.entry(key.to_string())
                        .and_modify(|n: &mut String| {
                            if name < n.as_str() {
                                *n = name.to_string()
                            }
                        })
                        .or_insert_with(|| name.to_string());
                }
            }
            m
        }
        Err(e) => {
            tracing::warn!(region, error = %aws_smithy_types::error::display::DisplayErrorContext(&e), "kms:ListAliases failed; keys are named by id");
            Default::default()
        }
    };
    let aliases = &aliases;
    settei_provider::bounded(keys, ctx.opts.call_concurrency, |k| {
        let kms = &kms;
        async move {
            let key_id = k.key_id().unwrap_or_default().to_string();
            let arn = k.key_arn().map(str::to_string).unwrap_or_else(|| {
                format!(
                    "arn:{}:kms:{region}:{}:key/{key_id}",
                    ctx.partition, ctx.account
                )
            });
            let Some(meta) = ctx
                .described(
                    (KMS_KEY, region, &arn),
                    "kms",
                    "DescribeKey",
                    "KeyMetadata",
                    kms.describe_key().key_id(&key_id).send(),
                    |o| o.key_metadata,
                )
                .await
            else {
                return;
            };
            let manager = meta.key_manager().map(|m| m.as_str().to_string());
            let spec = meta.key_spec().map(|s| s.as_str().to_string());
            let state = meta.key_state().map(|s| s.as_str().to_string());
            if manager.is_none() || spec.is_none() || state.is_none() {
                // Without these the rotation rule's "not applicable" branches
                // would pass on nulls; report the gap instead.
                ctx.sink.error(crate::error::unknown_shape(
                    Scope::attrs(
                        KMS_KEY,
                        Some(region),
                        &arn,
                        &["key_manager", "key_spec", "key_state", "rotation_enabled"],
                    ),
                    "kms:DescribeKey",
                    "KeyMetadata lacks KeyManager, KeySpec or KeyState",
                ));
            }
            let mut attrs = json!({ "key_manager": manager, "key_spec": spec, "key_state": state });
            let rotatable = meta.key_manager() == Some(&KeyManagerType::Customer)
                && meta.key_spec() == Some(&KeySpec::SymmetricDefault)
                && meta.key_state() == Some(&KeyState::Enabled);
            if rotatable {
                match kms.get_key_rotation_status().key_id(&key_id).send().await {
                    Ok(o) => attrs["rotation_enabled"] = json!(o.key_rotation_enabled()),
                    Err(e) => ctx.sink.error(failure(
                        Scope::attrs(KMS_KEY, Some(region), &arn, &["rotation_enabled"]),
                        "kms",
                        "GetKeyRotationStatus",
                        &e,
                    )),
                }
            } else {
                attrs["rotation_enabled"] = json!(false);
            }
            match kms
                .get_key_policy()
                .key_id(&key_id)
                .policy_name("default")
                .send()
                .await
            {
                Ok(o) => match o.policy().and_then(policy::parse_document) {
                    Some(doc) => {
                        attrs["policy_public"] = json!(policy::allows_public_principal(&doc));
                        attrs["policy_external_accounts"] =
                            json!(policy::trust(&doc, &ctx.account).external_accounts);
                    }
                    None => ctx.sink.error(crate::error::unknown_shape(
                        Scope::attrs(
                            KMS_KEY,
                            Some(region),
                            &arn,
                            &["policy_public", "policy_external_accounts"],
                        ),
                        "kms:GetKeyPolicy",
                        "the key policy is not JSON",
                    )),
                },
                Err(e) => ctx.sink.error(failure(
                    Scope::attrs(
                        KMS_KEY,
                        Some(region),
                        &arn,
                        &["policy_public", "policy_external_accounts"],
                    ),
                    "kms",
                    "GetKeyPolicy",
                    &e,
                )),
            }
            let name = aliases
                .get(meta.key_id())
                .cloned()
                .unwrap_or_else(|| meta.key_id().to_string());
            ctx.resource(KMS_KEY, arn, region, name, attrs);
        }
    })
    .await;
}

/// The regions enabled for the account (account:ListRegions).
/// The regions enabled for the account (by default or opted in); a failure
/// is recorded against `<provider>.account.regions`.
pub async fn enabled_regions(
    sdk: &SdkConfig,
) -> Result<Vec<String>, settei_model::CollectionError> {
    use aws_sdk_account::types::RegionOptStatus;
    let client = aws_sdk_account::Client::from_conf(
        aws_sdk_account::config::Builder::from(sdk)
            .interceptor(ReadOnlyGuard)
            .build(),
    );
    let kind = settei_model::regions_kind(settei_model::Provider::Aws);
    let regions = client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| failure(Scope::kind(&kind, None), "account", "ListRegions", &e))?;
    Ok(regions
        .iter()
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect())
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
