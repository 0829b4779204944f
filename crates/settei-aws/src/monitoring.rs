//! CloudWatch monitoring of security events (CIS 4.1–4.15): for each event
//! class, a metric filter on a log group fed by a logging multi-region
//! trail whose pattern covers the class, and an alarm with actions on the
//! filter's metric.

use serde_json::json;
use settei_model::{CollectionError, ErrorCause};

use crate::error::{failure, Scope};
use crate::filter_pattern::{self, Dnf};
use crate::regional::RegionData;
use crate::trail::TrailInfo;
use crate::Ctx;

pub const MONITORING: &str = "aws.cloudwatch.monitoring";

/// What a metric filter must match for one CIS 4.x event class.
pub struct Check {
    pub name: &'static str,
    /// The events of the class, as CIS's recommended pattern names them.
    pub required: Required,
    /// Further conditions CIS's own pattern adds (or that restate the
    /// event source): a filter with them still counts.
    pub allowed: &'static [&'static str],
}

/// The events a filter must match.
pub enum Required {
    /// A filter pattern, written as CIS gives it.
    Pattern(&'static str),
    /// Any of these event names (from this event source, if given).
    Events(Option<&'static str>, &'static [&'static str]),
}

impl Required {
    fn dnf(&self) -> Dnf {
        match self {
            Required::Pattern(p) => filter_pattern::parse(p).expect("CIS patterns parse"),
            Required::Events(source, names) => names
                .iter()
                .map(|n| {
                    let mut conj = Vec::new();
                    if let Some(s) = source {
                        conj.push(atom("$.eventSource", s));
                    }
                    conj.push(atom("$.eventName", n));
                    conj
                })
                .collect(),
        }
    }
}

fn atom(field: &str, value: &str) -> filter_pattern::Atom {
    filter_pattern::Atom {
        field: field.into(),
        op: filter_pattern::Op::Eq,
        value: value.into(),
    }
}

/// The monitored event classes (CIS AWS v3.0 4.1–4.15), in attribute order.
pub const CHECKS: &[Check] = &[
    Check {
        name: "unauthorized_api_calls",
        required: Required::Pattern(
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
        ),
        allowed: &[
            r#"$.sourceIPAddress != "delivery.logs.amazonaws.com""#,
            r#"$.eventName != "HeadBucket""#,
        ],
    },
    Check {
        name: "console_signin_without_mfa",
        required: Required::Pattern(
            r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
        ),
        allowed: &[
            r#"$.userIdentity.type = "IAMUser""#,
            r#"$.responseElements.ConsoleLogin = "Success""#,
            r#"$.eventSource = "signin.amazonaws.com""#,
        ],
    },
    Check {
        name: "root_usage",
        required: Required::Pattern(
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        ),
        allowed: &[],
    },
    Check {
        name: "iam_policy_changes",
        required: Required::Events(
            None,
            &[
                "DeleteGroupPolicy",
                "DeleteRolePolicy",
                "DeleteUserPolicy",
                "PutGroupPolicy",
                "PutRolePolicy",
                "PutUserPolicy",
                "CreatePolicy",
                "DeletePolicy",
                "CreatePolicyVersion",
                "DeletePolicyVersion",
                "AttachRolePolicy",
                "DetachRolePolicy",
                "AttachUserPolicy",
                "DetachUserPolicy",
                "AttachGroupPolicy",
                "DetachGroupPolicy",
            ],
        ),
        allowed: &[r#"$.eventSource = "iam.amazonaws.com""#],
    },
    Check {
        name: "cloudtrail_changes",
        required: Required::Events(
            None,
            &[
                "CreateTrail",
                "UpdateTrail",
                "DeleteTrail",
                "StartLogging",
                "StopLogging",
            ],
        ),
        allowed: &[r#"$.eventSource = "cloudtrail.amazonaws.com""#],
    },
    Check {
        name: "console_auth_failures",
        required: Required::Pattern(
            r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
        ),
        allowed: &[r#"$.eventSource = "signin.amazonaws.com""#],
    },
    Check {
        name: "cmk_disable_or_deletion",
        required: Required::Events(
            Some("kms.amazonaws.com"),
            &["DisableKey", "ScheduleKeyDeletion"],
        ),
        allowed: &[],
    },
    Check {
        name: "s3_bucket_policy_changes",
        required: Required::Events(
            Some("s3.amazonaws.com"),
            &[
                "PutBucketAcl",
                "PutBucketPolicy",
                "PutBucketCors",
                "PutBucketLifecycle",
                "PutBucketReplication",
                "DeleteBucketPolicy",
                "DeleteBucketCors",
                "DeleteBucketLifecycle",
                "DeleteBucketReplication",
            ],
        ),
        allowed: &[],
    },
    Check {
        name: "config_changes",
        required: Required::Events(
            Some("config.amazonaws.com"),
            &[
                "StopConfigurationRecorder",
                "DeleteDeliveryChannel",
                "PutDeliveryChannel",
                "PutConfigurationRecorder",
            ],
        ),
        allowed: &[],
    },
    Check {
        name: "security_group_changes",
        required: Required::Events(
            None,
            &[
                "AuthorizeSecurityGroupIngress",
                "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "CreateSecurityGroup",
                "DeleteSecurityGroup",
            ],
        ),
        allowed: &[r#"$.eventSource = "ec2.amazonaws.com""#],
    },
    Check {
        name: "nacl_changes",
        required: Required::Events(
            None,
            &[
                "CreateNetworkAcl",
                "CreateNetworkAclEntry",
                "DeleteNetworkAcl",
                "DeleteNetworkAclEntry",
                "ReplaceNetworkAclEntry",
                "ReplaceNetworkAclAssociation",
            ],
        ),
        allowed: &[r#"$.eventSource = "ec2.amazonaws.com""#],
    },
    Check {
        name: "network_gateway_changes",
        required: Required::Events(
            None,
            &[
                "CreateCustomerGateway",
                "DeleteCustomerGateway",
                "AttachInternetGateway",
                "CreateInternetGateway",
                "DeleteInternetGateway",
                "DetachInternetGateway",
            ],
        ),
        allowed: &[r#"$.eventSource = "ec2.amazonaws.com""#],
    },
    Check {
        name: "route_table_changes",
        required: Required::Events(
            None,
            &[
                "CreateRoute",
                "CreateRouteTable",
                "ReplaceRoute",
                "ReplaceRouteTableAssociation",
                "DeleteRouteTable",
                "DeleteRoute",
                "DisassociateRouteTable",
            ],
        ),
        allowed: &[r#"$.eventSource = "ec2.amazonaws.com""#],
    },
    Check {
        name: "vpc_changes",
        required: Required::Events(
            None,
            &[
                "CreateVpc",
                "DeleteVpc",
                "ModifyVpcAttribute",
                "AcceptVpcPeeringConnection",
                "CreateVpcPeeringConnection",
                "DeleteVpcPeeringConnection",
                "RejectVpcPeeringConnection",
                "AttachClassicLinkVpc",
                "DetachClassicLinkVpc",
                "DisableVpcClassicLink",
                "EnableVpcClassicLink",
            ],
        ),
        allowed: &[r#"$.eventSource = "ec2.amazonaws.com""#],
    },
    Check {
        name: "organizations_changes",
        required: Required::Events(
            Some("organizations.amazonaws.com"),
            &[
                "AcceptHandshake",
                "AttachPolicy",
                "CreateAccount",
                "CreateOrganizationalUnit",
                "CreatePolicy",
                "DeclineHandshake",
                "DeleteOrganization",
                "DeleteOrganizationalUnit",
                "DeletePolicy",
                "DetachPolicy",
                "DisablePolicyType",
                "EnablePolicyType",
                "InviteAccountToOrganization",
                "LeaveOrganization",
                "MoveAccount",
                "RemoveAccountFromOrganization",
                "UpdatePolicy",
                "UpdateOrganizationalUnit",
            ],
        ),
        allowed: &[],
    },
];

/// Whether `pattern` (a metric filter's) matches every event of `check`.
pub fn pattern_covers(pattern: &str, check: &Check) -> bool {
    let Some(filter) = filter_pattern::parse(pattern) else {
        return false;
    };
    let allowed: Vec<filter_pattern::Atom> = check
        .allowed
        .iter()
        .filter_map(|a| filter_pattern::parse(&format!("{{ {a} }}")))
        .flat_map(|d| d.into_iter().flatten())
        .collect();
    filter_pattern::covers(&filter, &check.required.dnf(), &allowed)
}

pub fn normalize(
    ctx: &Ctx,
    trails: &[TrailInfo],
    failed: &[(String, ErrorCause)],
    data: &[RegionData],
) {
    ctx.sink.attempted(MONITORING);
    let id = format!(
        "arn:{}:cloudwatch::{}:security-monitoring",
        ctx.partition, ctx.account
    );
    // Log groups fed by logging multi-region trails: "arn:aws:logs:REGION:ACCT:log-group:NAME:*".
    // CIS 4.x asks for a multi-region trail that is logging every management
    // event (read and write) into the log group the filters watch.
    let feeds = |t: &&TrailInfo| {
        t.multi_region
            && t.logging == Some(true)
            && t.selectors
                .as_ref()
                .is_some_and(|s| s.management_events == "All")
    };
    // Trails that might qualify but whose status or selectors were unreadable.
    let uncertain: Vec<&TrailInfo> = trails
        .iter()
        .filter(|t| t.multi_region && t.cw_log_group_arn.is_some())
        .filter(|t| t.logging != Some(false))
        .filter(|t| t.logging.is_none() || t.selectors.is_none())
        .collect();
    let groups: Vec<(String, String, String)> = trails
        .iter()
        .filter(feeds)
        .filter_map(|t| t.cw_log_group_arn.as_ref())
        .filter_map(|arn| {
            let parts: Vec<&str> = arn.split(':').collect();
            (parts.len() >= 7 && parts[5] == "log-group").then(|| {
                (
                    arn.trim_end_matches(":*").to_string(),
                    parts[3].to_string(),
                    parts[6].to_string(),
                )
            })
        })
        .collect();
    let mut alarms = serde_json::Map::new();
    let mut unknown = Vec::new();
    let mut causes: Vec<String> = failed
        .iter()
        .map(|(r, c)| format!("trails in {r} ({})", c.label(settei_model::Lang::En)))
        .collect();
    let mut cause_kinds: Vec<ErrorCause> = failed.iter().map(|f| f.1).collect();
    for check in CHECKS {
        let mut found = false;
        let mut blind = false;
        for (_, region, name) in &groups {
            let Some(d) = data.iter().find(|d| &d.region == region) else {
                blind = true;
                cause_kinds.push(ErrorCause::NotCollected);
                causes.push(format!(
                    "region {region} of log group {name} was not scanned"
                ));
                continue;
            };
            let (filters, al) = match (&d.filters, &d.alarms) {
                (Ok(f), Ok(a)) => (f, a),
                (Err(c), _) | (_, Err(c)) => {
                    blind = true;
                    cause_kinds.push(*c);
                    causes.push(format!(
                        "metric filters or alarms in {region} ({})",
                        c.label(settei_model::Lang::En)
                    ));
                    continue;
                }
            };
            found |= covered(filters, al, name, check);
        }
        if !found && !uncertain.is_empty() {
            blind = true;
            for t in &uncertain {
                cause_kinds.push(t.read_failure.unwrap_or(ErrorCause::UnknownShape));
                causes.push(format!("status or event selectors of trail {}", t.name));
            }
        }
        if found || (!blind && failed.is_empty()) {
            alarms.insert(check.name.to_string(), json!(found));
        } else {
            unknown.push(format!("alarms.{}", check.name));
        }
    }
    if !unknown.is_empty() {
        causes.sort();
        causes.dedup();
        ctx.sink.error(CollectionError {
            kind: MONITORING.into(),
            region: None,
            resource_id: Some(id.clone()),
            attributes: vec!["alarms".into()],
            cause: crate::trail::common_cause(cause_kinds.iter().copied()),
            operation: ctx
                .sink
                .failed_operations(|e| e.kind == crate::trail::TRAIL || e.kind == MONITORING),
            message: format!("could not read: {}", causes.join(", ")),
        });
    }
    let monitored: Vec<&String> = groups.iter().map(|(arn, _, _)| arn).collect();
    let mut a = json!({ "monitored_log_groups": monitored });
    if unknown.is_empty() {
        a["alarms"] = serde_json::Value::Object(alarms);
    }
    ctx.resource(MONITORING, id, "global", "security-monitoring".into(), a);
}

/// A filter on `group` that covers the class feeds a metric with an alarm
/// that notifies someone.
fn covered(filters: &[MetricFilter], alarms: &[Alarm], group: &str, check: &Check) -> bool {
    filters
        .iter()
        .filter(|f| f.log_group == group && pattern_covers(&f.pattern, check))
        .any(|f| {
            f.metrics.iter().any(|(ns, m)| {
                alarms
                    .iter()
                    .any(|a| &a.namespace == ns && &a.metric == m && a.notifies)
            })
        })
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

pub(crate) async fn metric_filters(
    ctx: &Ctx,
    region: &str,
) -> Result<Vec<MetricFilter>, ErrorCause> {
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

pub(crate) async fn alarms(ctx: &Ctx, region: &str) -> Result<Vec<Alarm>, ErrorCause> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str) -> &'static Check {
        CHECKS.iter().find(|c| c.name == name).unwrap()
    }

    #[test]
    fn cis_patterns_are_recognized() {
        let unauthorized =
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#;
        assert!(pattern_covers(
            unauthorized,
            check("unauthorized_api_calls")
        ));
        // CIS v3.0's own refinement of 4.1 still counts.
        let refined = r#"{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#;
        assert!(pattern_covers(refined, check("unauthorized_api_calls")));
        let root = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
        assert!(pattern_covers(root, check("root_usage")));
        assert!(!pattern_covers(unauthorized, check("root_usage")));
        let trail = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }";
        assert!(pattern_covers(trail, check("cloudtrail_changes")));
        let partial = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) }";
        assert!(!pattern_covers(partial, check("cloudtrail_changes")));
        let kms = "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}";
        assert!(pattern_covers(kms, check("cmk_disable_or_deletion")));
        let mfa = r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#;
        assert!(pattern_covers(mfa, check("console_signin_without_mfa")));
    }

    #[test]
    fn a_filter_narrowed_by_a_further_condition_does_not_count() {
        // Counted by substring matching before: every CIS term is present.
        let narrowed = r#"{ (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) && $.userIdentity.arn = "arn:aws:iam::111122223333:user/ops" }"#;
        assert!(!pattern_covers(narrowed, check("cloudtrail_changes")));
        // A longer event name is not a shorter one.
        let routes = check("route_table_changes");
        let Required::Events(_, names) = routes.required else {
            panic!("route table changes are a list of events")
        };
        let all: Vec<String> = names
            .iter()
            .map(|n| format!("($.eventName = {n})"))
            .collect();
        assert!(pattern_covers(
            &format!("{{ {} }}", all.join(" || ")),
            routes
        ));
        let longer: Vec<String> = names
            .iter()
            .map(|n| n.replace("CreateRoute", "CreateRoutes"))
            .map(|n| format!("($.eventName = {n})"))
            .collect();
        assert!(!pattern_covers(
            &format!("{{ {} }}", longer.join(" || ")),
            routes
        ));
    }
}
