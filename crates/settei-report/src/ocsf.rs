//! OCSF Detection Finding (class 2004, category 2 "Findings", schema 1.1):
//! a JSON array with one event per finding, for security data lakes and
//! SIEMs. Both languages travel in `unmapped.settei`.

use serde_json::{json, Value};
use settei_model::{Lang, Provider, Severity, Status};

use crate::view;
use crate::ReportInput;

pub const OCSF_VERSION: &str = "1.1.0";

fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// Finding status: FAIL and ERROR are new work, MUTED is suppressed, PASS resolved.
fn status(s: Status) -> (u8, &'static str) {
    match s {
        Status::Fail | Status::Error => (1, "New"),
        Status::Muted => (3, "Suppressed"),
        Status::Pass => (4, "Resolved"),
    }
}

fn cloud_provider(p: Provider) -> &'static str {
    match p {
        Provider::Aws => "AWS",
        Provider::Azure => "Azure",
        Provider::Gcp => "GCP",
    }
}

/// Milliseconds since the epoch of an RFC 3339 time; 0 when it does not parse.
pub fn epoch_ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.timestamp_millis())
        .unwrap_or(0)
}

pub fn render(input: &ReportInput<'_>) -> String {
    let lang = input.lang;
    let snap = input.snapshot;
    let time = epoch_ms(&snap.collected_at);
    let events: Vec<Value> = view::ordered(input)
        .into_iter()
        .map(|f| {
            let rule = view::rule(input, &f.rule_id);
            let (sev_id, sev) = severity(f.severity);
            let (status_id, status_name) = status(f.status);
            let title = rule
                .map(|r| r.title.get(lang).to_string())
                .unwrap_or_else(|| f.rule_id.clone());
            let mut event = json!({
                "activity_id": 1,
                "activity_name": "Create",
                "category_uid": 2,
                "category_name": "Findings",
                "class_uid": 2004,
                "class_name": "Detection Finding",
                "type_uid": 200401,
                "type_name": "Detection Finding: Create",
                "severity_id": sev_id,
                "severity": sev,
                "status_id": status_id,
                "status": status_name,
                "status_code": f.status.as_str(),
                "time": time,
                "message": f.message.get(lang),
                "metadata": {
                    "version": OCSF_VERSION,
                    "product": {
                        "name": "settei",
                        "vendor_name": "settei",
                        "version": env!("CARGO_PKG_VERSION"),
                    },
                    "event_code": f.rule_id,
                    "uid": f.id,
                    "log_name": "settei-findings",
                    "profiles": ["cloud"],
                },
                "finding_info": {
                    "uid": f.id,
                    "title": title,
                    "desc": rule.map(|r| r.risk.get(lang).trim().to_string()).unwrap_or_default(),
                    "types": [format!("guideline-category:{}", f.category)],
                    "created_time": time,
                    "analytic": { "uid": f.rule_id, "name": title, "type_id": 1, "type": "Rule" },
                },
                "cloud": {
                    "provider": cloud_provider(f.provider),
                    "account": { "uid": f.account },
                    "region": f.region,
                },
                "resources": [{
                    "uid": f.resource_id,
                    "name": f.resource_name,
                    "type": f.resource_kind,
                    "region": f.region,
                    "labels": f.tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
                    "data": { "evidence": f.evidence, "tags": f.tags },
                }],
                "unmapped": { "settei": {
                    "category": f.category,
                    "message": f.message,
                    "title": rule.map(|r| &r.title),
                    "references": rule.map(|r| &r.references),
                    "measures": rule.map(|r| &r.measures),
                    "error": f.error,
                    "mute": f.mute,
                }},
            });
            if let Some(r) = rule {
                let desc = match lang {
                    Lang::Ja => r.remediation.ja.trim(),
                    Lang::En => r.remediation.en.trim(),
                };
                event["remediation"] = json!({ "desc": desc, "references": r.references });
            }
            if f.status == Status::Error {
                if let Some(e) = &f.error {
                    event["status_detail"] = json!(format!("{}: {}", e.cause.as_str(), e.message));
                }
            }
            event
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&events).expect("ocsf serializes");
    s.push('\n');
    s
}
