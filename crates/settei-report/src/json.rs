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
            "scope": snap.scope,
            "unscanned_regions": snap.unscanned_regions(),
            "collected_at": snap.collected_at,
            "snapshot_tool_version": snap.tool_version,
            "resource_count": input.resource_count,
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

/// A scan read back from a JSON report written by `settei scan --format json`:
/// the snapshot's scope and collection errors (without resources) and the
/// findings, so that every other format can be rendered from it later.
pub struct StoredScan {
    pub snapshot: settei_model::Snapshot,
    pub findings: Vec<settei_model::Finding>,
    pub resource_count: usize,
}

#[derive(serde::Deserialize)]
struct RawReport {
    report_format_version: u32,
    scan: RawScan,
    #[serde(default)]
    collection_errors: Vec<settei_model::CollectionError>,
    findings: Vec<settei_model::Finding>,
}

#[derive(serde::Deserialize)]
struct RawScan {
    provider: settei_model::Provider,
    account: String,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    scope: settei_model::AccountScope,
    collected_at: String,
    #[serde(default)]
    snapshot_tool_version: String,
    #[serde(default)]
    resource_count: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("{line}:{column}: error: invalid JSON report: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("report format version {0} is not supported (this settei reads version {REPORT_FORMAT_VERSION})")]
    Version(u32),
}

/// Parses a JSON report; errors carry line and column.
pub fn parse(text: &str) -> Result<StoredScan, ParseError> {
    let raw: RawReport = serde_json::from_str(text).map_err(|e| ParseError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if raw.report_format_version != REPORT_FORMAT_VERSION {
        return Err(ParseError::Version(raw.report_format_version));
    }
    let mut snapshot =
        settei_model::Snapshot::new(raw.scan.provider, &raw.scan.account, &raw.scan.collected_at);
    snapshot.regions = raw.scan.regions;
    snapshot.scope = raw.scan.scope;
    snapshot.tool_version = raw.scan.snapshot_tool_version;
    snapshot.errors = raw.collection_errors;
    Ok(StoredScan {
        snapshot,
        findings: raw.findings,
        resource_count: raw.scan.resource_count,
    })
}
