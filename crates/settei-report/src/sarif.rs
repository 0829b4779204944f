//! SARIF 2.1.0: rules from rule metadata, one result per finding with a
//! stable fingerprint (the finding id), cloud resources as logical
//! locations, and collection errors as tool notifications.

use serde_json::{json, Value};
use settei_model::{Lang, Severity, Status};

use crate::view;
use crate::ReportInput;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The 0.0–10.0 score code-scanning services sort by.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

pub fn render(input: &ReportInput<'_>) -> String {
    let lang = input.lang;
    let snap = input.snapshot;
    let mut rule_ids: Vec<&str> = input.findings.iter().map(|f| f.rule_id.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let Some(r) = view::rule(input, id) else {
                return json!({ "id": id });
            };
            let rem = match lang {
                Lang::Ja => &r.remediation.ja,
                Lang::En => &r.remediation.en,
            };
            let mut help = rem.trim().to_string();
            if let Some(cli) = &r.remediation.cli {
                help.push_str("\n\n$ ");
                help.push_str(cli.trim());
            }
            let mut tags = vec![
                "security".to_string(),
                format!("guideline-category:{}", r.category),
            ];
            tags.extend(r.references.iter().cloned());
            json!({
                "id": r.id,
                "shortDescription": { "text": r.title.get(lang) },
                "fullDescription": { "text": r.risk.get(lang).trim() },
                "help": { "text": help },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "tags": tags,
                    "security-severity": security_severity(r.severity),
                    "precision": "high",
                    "problem.severity": match level(r.severity) { "error" => "error", "warning" => "warning", _ => "recommendation" },
                    "settei": {
                        "severity": r.severity,
                        "category": r.category,
                        "measures": r.measures,
                        "references": r.references,
                        "resource_kind": r.kind,
                        "title": r.title,
                        "risk": r.risk,
                        "remediation": { "ja": r.remediation.ja, "en": r.remediation.en, "cli": r.remediation.cli },
                    }
                }
            })
        })
        .collect();
    let results: Vec<Value> = view::ordered(input)
        .into_iter()
        .map(|f| {
            let rule_index = rule_ids.binary_search(&f.rule_id.as_str()).unwrap_or(0);
            let (kind, lvl) = match f.status {
                Status::Fail | Status::Muted => ("fail", level(f.severity)),
                Status::Error => ("review", "none"),
                Status::Pass => ("pass", "none"),
            };
            let mut r = json!({
                "ruleId": f.rule_id,
                "ruleIndex": rule_index,
                "kind": kind,
                "level": lvl,
                "message": { "text": f.message.get(lang) },
                "locations": [{
                    "logicalLocations": [{
                        "name": f.resource_name,
                        "fullyQualifiedName": f.resource_id,
                        "kind": "resource",
                    }],
                    "properties": { "region": f.region, "account": f.account, "provider": f.provider },
                }],
                "fingerprints": { "settei/finding/v1": f.id },
                "partialFingerprints": { "settei/ruleResource/v1": f.id },
                "properties": {
                    "status": f.status,
                    "severity": f.severity,
                    "category": f.category,
                    "resource_kind": f.resource_kind,
                    "message": f.message,
                    "evidence": f.evidence,
                    // `tags` is reserved in SARIF property bags (an array of strings).
                    "resource_tags": f.tags,
                    "error": f.error,
                },
            });
            if let Some(m) = &f.mute {
                r["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("{} (owner: {}, expires: {})", m.reason, m.owner, m.expires),
                    "properties": { "owner": m.owner, "expires": m.expires },
                }]);
            }
            r
        })
        .collect();
    let notifications: Vec<Value> = snap
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{} {}{}: {} ({})",
                    e.kind,
                    e.region.as_deref().map(|r| format!("[{r}] ")).unwrap_or_default(),
                    e.resource_id.as_deref().unwrap_or(""),
                    e.message,
                    e.cause.label(lang)) },
                "descriptor": { "id": e.cause.as_str() },
                "properties": { "operation": e.operation, "kind": e.kind, "region": e.region, "resource_id": e.resource_id },
            })
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "settei",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/settei",
                "rules": rules,
            }},
            "automationDetails": { "id": format!("settei/{}/{}/", snap.provider.as_str(), snap.account) },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "language": lang.as_str(),
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "provider": snap.provider,
                "account": snap.account,
                "regions": snap.regions,
                "unscanned_regions": snap.unscanned_regions(),
                "collected_at": snap.collected_at,
                "rule_count": view::rule_count(input),
                "resource_count": input.resource_count,
            },
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("sarif serializes");
    s.push('\n');
    s
}
