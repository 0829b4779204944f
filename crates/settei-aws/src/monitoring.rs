//! CloudWatch monitoring of security events (CIS 4.1–4.15): for each event
//! class, a metric filter on a log group fed by a logging multi-region
//! trail whose pattern covers the class, and an alarm with actions on the
//! filter's metric.

use serde_json::json;
use settei_model::{CollectionError, ErrorCause};

use crate::regional::{Alarm, MetricFilter, RegionData, TrailInfo};
use crate::Ctx;

pub const MONITORING: &str = "aws.cloudwatch.monitoring";

/// Each monitored event class and the pattern terms a filter must contain
/// (compared without white space, quotes or case).
pub const CHECKS: &[(&str, &[&str])] = &[
    (
        "unauthorized_api_calls",
        &[
            "$.errorCode=*UnauthorizedOperation",
            "$.errorCode=AccessDenied*",
        ],
    ),
    (
        "console_signin_without_mfa",
        &[
            "$.eventName=ConsoleLogin",
            "$.additionalEventData.MFAUsed!=Yes",
        ],
    ),
    (
        "root_usage",
        &[
            "$.userIdentity.type=Root",
            "$.userIdentity.invokedByNOTEXISTS",
            "$.eventType!=AwsServiceEvent",
        ],
    ),
    (
        "iam_policy_changes",
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
    (
        "cloudtrail_changes",
        &[
            "CreateTrail",
            "UpdateTrail",
            "DeleteTrail",
            "StartLogging",
            "StopLogging",
        ],
    ),
    (
        "console_auth_failures",
        &[
            "$.eventName=ConsoleLogin",
            "$.errorMessage=Failedauthentication",
        ],
    ),
    (
        "cmk_disable_or_deletion",
        &[
            "$.eventSource=kms.amazonaws.com",
            "DisableKey",
            "ScheduleKeyDeletion",
        ],
    ),
    (
        "s3_bucket_policy_changes",
        &[
            "$.eventSource=s3.amazonaws.com",
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
    (
        "config_changes",
        &[
            "$.eventSource=config.amazonaws.com",
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ],
    ),
    (
        "security_group_changes",
        &[
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ],
    ),
    (
        "nacl_changes",
        &[
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ],
    ),
    (
        "network_gateway_changes",
        &[
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ],
    ),
    (
        "route_table_changes",
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
    (
        "vpc_changes",
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
    (
        "organizations_changes",
        &[
            "$.eventSource=organizations.amazonaws.com",
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
];

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether `pattern` covers every term: bare event names must appear as
/// `$.eventName=<name>`, other terms literally.
pub fn pattern_covers(pattern: &str, terms: &[&str]) -> bool {
    let p = squash(pattern);
    terms.iter().all(|t| {
        let t = if t.starts_with('$') {
            squash(t)
        } else {
            squash(&format!("$.eventName={t}"))
        };
        // `=` and `==` are both accepted by CloudWatch Logs.
        contains_token(&p, &t) || contains_token(&p, &t.replacen('=', "==", 1))
    })
}

/// `needle` occurs in `haystack` and is not the prefix of a longer name
/// (`CreateRoute` must not be satisfied by `CreateRouteTable`).
fn contains_token(haystack: &str, needle: &str) -> bool {
    let continues = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '*' || c == '.';
    haystack.match_indices(needle).any(|(at, _)| {
        haystack[at + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !continues(c))
    })
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
    for (check, terms) in CHECKS {
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
            found |= covered(filters, al, name, terms);
        }
        if !found && !uncertain.is_empty() {
            blind = true;
            for t in &uncertain {
                cause_kinds.push(t.read_failure.unwrap_or(ErrorCause::UnknownShape));
                causes.push(format!("status or event selectors of trail {}", t.name));
            }
        }
        if found || (!blind && failed.is_empty()) {
            alarms.insert(check.to_string(), json!(found));
        } else {
            unknown.push(format!("alarms.{check}"));
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
            operation: None,
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

fn covered(filters: &[MetricFilter], alarms: &[Alarm], group: &str, terms: &[&str]) -> bool {
    filters
        .iter()
        .filter(|f| f.log_group == group && pattern_covers(&f.pattern, terms))
        .any(|f| {
            f.metrics.iter().any(|(ns, m)| {
                alarms
                    .iter()
                    .any(|a| &a.namespace == ns && &a.metric == m && a.has_actions)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cis_patterns_are_recognized() {
        let unauthorized =
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#;
        assert!(pattern_covers(unauthorized, CHECKS[0].1));
        let root = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
        assert!(pattern_covers(root, CHECKS[2].1));
        assert!(!pattern_covers(unauthorized, CHECKS[2].1));
        let trail = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }";
        assert!(pattern_covers(trail, CHECKS[4].1));
        let partial = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) }";
        assert!(!pattern_covers(partial, CHECKS[4].1));
    }

    #[test]
    fn a_longer_event_name_does_not_count_as_a_shorter_one() {
        // CreateRouteTable, ReplaceRouteTableAssociation, ... but no CreateRoute.
        let routes = CHECKS
            .iter()
            .find(|(_, terms)| terms.contains(&"CreateRoute"))
            .unwrap()
            .1;
        let full: Vec<String> = routes
            .iter()
            .map(|t| format!("($.eventName = {t})"))
            .collect();
        assert!(pattern_covers(
            &format!("{{ {} }}", full.join(" || ")),
            routes
        ));
        let without: Vec<String> = routes
            .iter()
            .filter(|t| **t != "CreateRoute")
            .map(|t| format!("($.eventName = {t})"))
            .collect();
        assert!(!pattern_covers(
            &format!("{{ {} }}", without.join(" || ")),
            routes
        ));
        assert!(pattern_covers(
            "{ $.eventName = \"CreateRoute\" }",
            &["CreateRoute"]
        ));
        assert!(!pattern_covers(
            "{ $.eventName = CreateRoutes }",
            &["CreateRoute"]
        ));
    }
}
