//! AWS Security Finding Format (ASFF, schema 2018-10-08), ready for
//! `aws securityhub batch-import-findings` (at most 100 per call). Only AWS
//! scans can be expressed: ASFF needs a 12-digit account id.

use serde_json::{json, Value};
use settei_model::{Finding, Lang, Provider, Severity, Status};

use crate::view;
use crate::ReportInput;

#[derive(Debug, thiserror::Error)]
pub enum AsffError {
    #[error("ASFF describes AWS findings only; this scan is of {0}")]
    NotAws(String),
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFORMATIONAL",
    }
}

/// Security Hub's resource type for a settei kind; `Other` where none fits.
pub fn resource_type(kind: &str) -> &'static str {
    match kind {
        "aws.s3.bucket" => "AwsS3Bucket",
        "aws.s3.account" => "AwsS3AccountPublicAccessBlock",
        "aws.iam.user" => "AwsIamUser",
        "aws.iam.role" => "AwsIamRole",
        "aws.iam.policy" => "AwsIamPolicy",
        "aws.iam.account" | "aws.iam.password_policy" | "aws.account.contact" => "AwsAccount",
        "aws.kms.key" => "AwsKmsKey",
        "aws.cloudtrail.trail" => "AwsCloudTrailTrail",
        "aws.logs.log_group" => "AwsLogsLogGroup",
        "aws.ec2.security_group" => "AwsEc2SecurityGroup",
        "aws.rds.instance" => "AwsRdsDbInstance",
        "aws.guardduty.region" => "AwsGuardDutyDetector",
        _ => "Other",
    }
}

/// Cuts `s` to at most `max` characters (ASFF field limits).
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn partition(f: &Finding) -> &str {
    match f.resource_id.split(':').nth(1) {
        Some(p @ ("aws" | "aws-cn" | "aws-us-gov")) => p,
        _ => "aws",
    }
}

pub fn render(input: &ReportInput<'_>) -> Result<String, AsffError> {
    let snap = input.snapshot;
    if snap.provider != Provider::Aws {
        return Err(AsffError::NotAws(snap.provider.as_str().to_string()));
    }
    let lang = input.lang;
    let home = snap
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| "us-east-1".to_string());
    let product_arn = format!(
        "arn:aws:securityhub:{home}:{acct}:product/{acct}/default",
        acct = snap.account
    );
    let findings: Vec<Value> = view::ordered(input)
        .into_iter()
        .map(|f| {
            let rule = view::rule(input, &f.rule_id);
            let title = rule.map(|r| r.title.get(lang)).unwrap_or(&f.rule_id);
            let (compliance, workflow) = match f.status {
                Status::Pass => ("PASSED", "RESOLVED"),
                Status::Fail => ("FAILED", "NEW"),
                Status::Muted => ("FAILED", "SUPPRESSED"),
                Status::Error => ("NOT_AVAILABLE", "NEW"),
            };
            let region = if f.region == "global" {
                home.as_str()
            } else {
                f.region.as_str()
            };
            let requirements: Vec<String> = rule
                .map(|r| r.references.iter().take(32).cloned().collect())
                .unwrap_or_default();
            let mut product_fields = serde_json::Map::new();
            product_fields.insert("settei/RuleId".into(), json!(f.rule_id));
            product_fields.insert("settei/GuidelineCategory".into(), json!(f.category));
            product_fields.insert("settei/Status".into(), json!(f.status.as_str()));
            if let Some(e) = &f.error {
                product_fields.insert("settei/ErrorCause".into(), json!(e.cause.as_str()));
            }
            if let Some(m) = &f.mute {
                product_fields.insert("settei/MuteOwner".into(), json!(cut(&m.owner, 256)));
                product_fields.insert("settei/MuteExpires".into(), json!(m.expires));
            }
            let mut resource = json!({
                "Type": resource_type(&f.resource_kind),
                "Id": cut(&f.resource_id, 512),
                "Partition": partition(f),
                "Region": region,
            });
            if !f.tags.is_empty() {
                resource["Tags"] = json!(f.tags);
            }
            let mut finding = json!({
                "SchemaVersion": "2018-10-08",
                "Id": format!("settei/{}/{}", snap.account, f.id),
                "ProductArn": product_arn,
                "ProductName": "settei",
                "CompanyName": "settei",
                "GeneratorId": format!("settei/{}", f.rule_id),
                "AwsAccountId": f.account,
                "Region": region,
                "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
                "CreatedAt": snap.collected_at,
                "UpdatedAt": snap.collected_at,
                "Severity": { "Label": label(f.severity) },
                "Title": cut(title, 256),
                "Description": cut(f.message.get(lang), 1024),
                "Resources": [resource],
                "Compliance": { "Status": compliance, "RelatedRequirements": requirements },
                "Workflow": { "Status": workflow },
                "RecordState": "ACTIVE",
                "ProductFields": product_fields,
            });
            if let Some(r) = rule {
                let text = match lang {
                    Lang::Ja => r.remediation.ja.trim(),
                    Lang::En => r.remediation.en.trim(),
                };
                finding["Remediation"] = json!({ "Recommendation": { "Text": cut(text, 512) } });
            }
            if let Some(e) = &f.error {
                finding["Compliance"]["StatusReasons"] = json!([{
                    "ReasonCode": "CONFIG_ACCESS_DENIED",
                    "Description": cut(&format!("{}: {}", e.cause.as_str(), e.message), 2048),
                }]);
                if e.cause != settei_model::ErrorCause::AccessDenied {
                    finding["Compliance"]["StatusReasons"][0]["ReasonCode"] =
                        json!("INTERNAL_SERVICE_ERROR");
                }
            }
            finding
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&findings).expect("asff serializes");
    s.push('\n');
    Ok(s)
}
