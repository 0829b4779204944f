//! The terminal report: findings grouped by guideline category, each group
//! opened by the category's risk description (図表Ⅱ.1.1-2), then a summary.

use std::fmt::Write as _;

use settei_model::{Lang, Status};

use crate::text::{pad, sanitize, width};
use crate::{ReportInput, Summary};

/// Options for the table.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableOptions {
    /// List PASS findings too (they are always counted).
    pub show_pass: bool,
}

struct Labels {
    scope: &'static str,
    rules: &'static str,
    resources: &'static str,
    risk: &'static str,
    resource: &'static str,
    evidence: &'static str,
    mute: &'static str,
    passed: &'static str,
    summary: &'static str,
    category: &'static str,
    total: &'static str,
    no_findings: &'static str,
    collection_errors: &'static str,
}

const JA: Labels = Labels {
    scope: "対象",
    rules: "ルール数",
    resources: "リソース数",
    risk: "想定されるリスク",
    resource: "リソース",
    evidence: "確認した設定値",
    mute: "受容理由",
    passed: "適合",
    summary: "ガイドライン類型別の結果",
    category: "類型",
    total: "合計",
    no_findings: "該当なし",
    collection_errors: "収集エラー",
};

const EN: Labels = Labels {
    scope: "Scope",
    rules: "Rules",
    resources: "Resources",
    risk: "Risk",
    resource: "Resource",
    evidence: "Observed settings",
    mute: "Accepted because",
    passed: "passed",
    summary: "Results by guideline category",
    category: "Category",
    total: "Total",
    no_findings: "nothing to report",
    collection_errors: "Collection errors",
};

pub fn render(input: &ReportInput<'_>, opts: TableOptions) -> String {
    let lang = input.lang;
    let l = if lang == Lang::Ja { &JA } else { &EN };
    let g = &input.catalog.guideline;
    let snap = input.snapshot;
    let mut out = String::new();
    let regions = crate::view::regions_text(snap, lang);
    let _ = writeln!(
        out,
        "settei {} — {}: {} {} ({regions}) @ {}",
        env!("CARGO_PKG_VERSION"),
        l.scope,
        snap.provider,
        sanitize(&snap.account),
        sanitize(&snap.collected_at)
    );
    let rule_count = input
        .catalog
        .rules
        .iter()
        .filter(|r| r.provider == snap.provider)
        .count();
    let _ = writeln!(
        out,
        "{}: {rule_count}  {}: {}",
        l.rules, l.resources, input.resource_count
    );
    if !snap.errors.is_empty() {
        let _ = writeln!(out, "{}: {}", l.collection_errors, snap.errors.len());
    }

    let summary = Summary::of(input.findings);
    for cat in &g.categories {
        let in_cat: Vec<_> = input
            .findings
            .iter()
            .filter(|f| f.category == cat.id && (opts.show_pass || f.status != Status::Pass))
            .collect();
        let counts = summary.by_category.get(&cat.id);
        if in_cat.is_empty() && counts.is_none_or(|c| c.total() == 0) {
            continue;
        }
        let _ = writeln!(out, "\n■ {} {}", cat.id, cat.name.get(lang));
        let _ = writeln!(out, "  {}: {}", l.risk, cat.risk.get(lang));
        let mut sorted = in_cat;
        sorted.sort_by(|a, b| {
            (
                a.status,
                std::cmp::Reverse(a.severity),
                &a.rule_id,
                &a.resource_id,
            )
                .cmp(&(
                    b.status,
                    std::cmp::Reverse(b.severity),
                    &b.rule_id,
                    &b.resource_id,
                ))
        });
        for f in sorted {
            let tag = format!("[{} {}]", f.status.label(lang), f.severity.label(lang));
            let _ = writeln!(
                out,
                "  {} {}  {}",
                pad(&tag, 16),
                f.rule_id,
                sanitize(f.message.get(lang))
            );
            let _ = writeln!(
                out,
                "      {}: {} ({})",
                l.resource,
                sanitize(&f.resource_id),
                sanitize(&f.region)
            );
            if !f.evidence.is_empty() {
                let ev: Vec<String> = f
                    .evidence
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", sanitize(&v.to_string())))
                    .collect();
                let _ = writeln!(out, "      {}: {}", l.evidence, ev.join(", "));
            }
            if let Some(m) = &f.mute {
                let _ = writeln!(
                    out,
                    "      {}: {} ({}, ~{})",
                    l.mute,
                    sanitize(&m.reason),
                    sanitize(&m.owner),
                    m.expires
                );
            }
        }
        if let Some(c) = counts {
            if !opts.show_pass && c.pass > 0 {
                let _ = writeln!(out, "  ({} {})", l.passed, c.pass);
            }
        }
    }
    if input.findings.is_empty() {
        let _ = writeln!(out, "\n{}", l.no_findings);
    }

    // Summary table.
    let _ = writeln!(out, "\n{}", l.summary);
    let statuses = [Status::Fail, Status::Error, Status::Muted, Status::Pass];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec![l.category.to_string()];
    header.extend(statuses.iter().map(|s| s.label(lang).to_string()));
    rows.push(header);
    for cat in &g.categories {
        let c = summary
            .by_category
            .get(&cat.id)
            .cloned()
            .unwrap_or_default();
        let mut row = vec![format!("{} {}", cat.id, cat.name.get(lang))];
        row.extend(statuses.iter().map(|s| c.get(*s).to_string()));
        rows.push(row);
    }
    let mut total = vec![l.total.to_string()];
    total.extend(statuses.iter().map(|s| summary.total.get(*s).to_string()));
    rows.push(total);
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| width(&r[i])).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
    out
}
