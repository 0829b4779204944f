//! The JSON report: scope, summary, the rules that ran, collection errors and
//! every finding (ja and en messages included), for machines and ticketing.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::{ReportInput, Summary};

pub const REPORT_FORMAT_VERSION: u32 = 1;

pub fn render(input: &ReportInput<'_>) -> String {
    let snap = input.snapshot;
    let rules: BTreeMap<&str, Value> = input
        .catalog
        .rules
        .iter()
        .filter(|r| input.findings.iter().any(|f| f.rule_id == r.id))
        .map(|r| {
            (
                r.id.as_str(),
                json!({
                    "title": r.title,
                    "risk": r.risk,
                    "remediation": { "ja": r.remediation.ja, "en": r.remediation.en, "cli": r.remediation.cli },
                    "severity": r.severity,
                    "category": r.category,
                    "measures": r.measures,
                    "references": r.references,
                    "kind": r.kind,
                    "params": r.params,
                }),
            )
        })
        .collect();
    let doc = json!({
        "report_format_version": REPORT_FORMAT_VERSION,
        "tool": { "name": "settei", "version": env!("CARGO_PKG_VERSION") },
        "scan": {
            "provider": snap.provider,
            "account": snap.account,
            "regions": snap.regions,
            "collected_at": snap.collected_at,
            "snapshot_tool_version": snap.tool_version,
            "resource_count": snap.resources.len(),
            "rule_count": input.catalog.rules.iter().filter(|r| r.provider == snap.provider).count(),
        },
        "summary": Summary::of(input.findings),
        "rules": rules,
        "collection_errors": snap.errors,
        "findings": input.findings,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("report serializes");
    s.push('\n');
    s
}
