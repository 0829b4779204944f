//! What several formats share: the category table with its result matrix,
//! findings in reading order, and the labels a reader sees in both languages.

use std::collections::BTreeMap;

use settei_model::{Category, Finding, Lang, Severity, Status, Text};
use settei_rules::Rule;

use crate::ReportInput;

/// Statuses in the order reports show them.
pub const STATUSES: [Status; 4] = [Status::Fail, Status::Error, Status::Muted, Status::Pass];

/// Findings of one category counted by status and severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matrix {
    /// `cells[status][severity]`, both in [`STATUSES`] / [`Severity::ALL`] order.
    pub cells: [[usize; 5]; 4],
}

impl Matrix {
    pub fn add(&mut self, f: &Finding) {
        let s = STATUSES.iter().position(|s| *s == f.status).unwrap_or(0);
        let v = Severity::ALL
            .iter()
            .position(|v| *v == f.severity)
            .unwrap_or(0);
        self.cells[s][v] += 1;
    }
    pub fn status_total(&self, status: Status) -> usize {
        let s = STATUSES.iter().position(|x| *x == status).unwrap_or(0);
        self.cells[s].iter().sum()
    }
    pub fn total(&self) -> usize {
        self.cells.iter().flatten().sum()
    }
}

/// One row of the guideline table, with its results.
pub struct CategoryRow<'a> {
    pub category: &'a Category,
    pub matrix: Matrix,
    pub rules: usize,
}

/// All 11 categories in the guideline's order, each with its result matrix
/// and the number of rules that map onto it.
pub fn category_rows<'a>(input: &ReportInput<'a>) -> Vec<CategoryRow<'a>> {
    let mut by_cat: BTreeMap<&str, Matrix> = BTreeMap::new();
    for f in input.findings {
        by_cat.entry(f.category.as_str()).or_default().add(f);
    }
    input
        .catalog
        .guideline
        .categories
        .iter()
        .map(|c| CategoryRow {
            category: c,
            matrix: by_cat.get(c.id.as_str()).cloned().unwrap_or_default(),
            rules: input
                .catalog
                .rules
                .iter()
                .filter(|r| r.category == c.id && r.provider == input.snapshot.provider)
                .count(),
        })
        .collect()
}

/// Position of a category in the guideline table, for sorting.
pub fn category_rank(input: &ReportInput<'_>, id: &str) -> usize {
    input
        .catalog
        .guideline
        .categories
        .iter()
        .position(|c| c.id == id)
        .unwrap_or(usize::MAX)
}

/// Findings in reading order: category, status (FAIL first), severity
/// (highest first), rule, resource.
pub fn ordered<'a>(input: &ReportInput<'a>) -> Vec<&'a Finding> {
    let mut v: Vec<&Finding> = input.findings.iter().collect();
    v.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                category_rank(input, &f.category),
                STATUSES.iter().position(|s| *s == f.status),
                std::cmp::Reverse(f.severity),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.resource_id.cmp(&b.resource_id))
    });
    v
}

pub fn rule<'a>(input: &ReportInput<'a>, id: &str) -> Option<&'a Rule> {
    input.catalog.rule(id)
}

/// The rules that apply to the scanned provider.
pub fn rule_count(input: &ReportInput<'_>) -> usize {
    input
        .catalog
        .rules
        .iter()
        .filter(|r| r.provider == input.snapshot.provider)
        .count()
}

/// Evidence as one line: `key = value, ...` (values as JSON).
pub fn evidence_line(f: &Finding) -> String {
    f.evidence
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Tags as one line: `key=value, ...`.
pub fn tags_line(f: &Finding) -> String {
    f.tags
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn t(ja: &str, en: &str) -> Text {
    Text {
        ja: ja.to_string(),
        en: en.to_string(),
    }
}

/// Fixed labels used by several formats.
pub struct Labels;

impl Labels {
    pub fn get(key: &str, lang: Lang) -> &'static str {
        let (ja, en) = match key {
            "title" => (
                "クラウド設定診断レポート",
                "Cloud settings assessment report",
            ),
            "handover" => (
                "クラウド設定 引き渡し報告書",
                "Cloud settings handover report",
            ),
            "scope" => ("診断範囲", "Scope"),
            "provider" => ("クラウド", "Cloud"),
            "account" => ("アカウント", "Account"),
            "subscription" => ("サブスクリプション", "Subscription"),
            "project" => ("プロジェクト", "Project"),
            "tenant" => ("テナント", "Tenant"),
            "regions" => ("リージョン", "Regions"),
            "collected_at" => ("収集日時", "Collected at"),
            "tool" => ("ツール", "Tool"),
            "rules" => ("ルール数", "Rules"),
            "resources" => ("リソース数", "Resources"),
            "findings" => ("検出結果", "Findings"),
            "category" => ("設定項目の類型", "Setting category"),
            "risk" => ("考えられるリスク", "Possible risks"),
            "recommended" => ("推奨設定の概要", "Recommended settings"),
            "results" => ("結果", "Results"),
            "severity" => ("深刻度", "Severity"),
            "status" => ("状態", "Status"),
            "rule" => ("ルール", "Rule"),
            "resource" => ("リソース", "Resource"),
            "region" => ("リージョン", "Region"),
            "evidence" => ("確認した設定値", "Observed settings"),
            "remediation" => ("対処", "Remediation"),
            "tags" => ("タグ", "Tags"),
            "message" => ("内容", "Message"),
            "errors" => ("収集エラー", "Collection errors"),
            "no_errors" => ("収集エラーはありません。", "No collection errors."),
            "kind" => ("種別", "Kind"),
            "cause" => ("原因", "Cause"),
            "operation" => ("API 操作", "API operation"),
            "accepted" => ("受容したリスク（ミュート）", "Accepted risks (mutes)"),
            "none_accepted" => ("受容したリスクはありません。", "No accepted risks."),
            "reason" => ("理由", "Reason"),
            "owner" => ("責任者", "Owner"),
            "expires" => ("期限", "Expires"),
            "total" => ("合計", "Total"),
            "all" => ("すべて", "All"),
            "search" => ("検索", "Search"),
            "more" => ("さらに表示", "Show more"),
            "shown" => ("件を表示", "shown"),
            "of" => ("件中", "of"),
            "id" => ("ID", "ID"),
            _ => ("?", "?"),
        };
        match lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

/// The regions a scan read, and how that compares with the account's
/// enabled regions: `ap-northeast-1, us-east-1 (not scanned: eu-west-1)`.
/// Every report states this coverage, so a partial scan never reads as a
/// whole one.
/// The label of what a snapshot covers: an AWS account, an Azure
/// subscription, a GCP project.
pub fn account_key(p: settei_model::Provider) -> &'static str {
    match p {
        settei_model::Provider::Aws => "account",
        settei_model::Provider::Azure => "subscription",
        settei_model::Provider::Gcp => "project",
    }
}

/// The account id, with its display name when the snapshot has one.
pub fn account_text(snap: &settei_model::Snapshot) -> String {
    match &snap.scope.name {
        Some(name) => format!("{} ({name})", snap.account),
        None => snap.account.clone(),
    }
}

pub fn regions_text(snap: &settei_model::Snapshot, lang: Lang) -> String {
    let read = if snap.regions.is_empty() {
        "-".to_string()
    } else {
        snap.regions.join(", ")
    };
    let unscanned = snap.unscanned_regions();
    let regions_error = snap
        .errors
        .iter()
        .any(|e| e.kind == settei_model::regions_kind(snap.provider));
    match (lang, unscanned.is_empty(), regions_error) {
        (_, false, _) => {
            let label = if lang == Lang::Ja {
                "未スキャン"
            } else {
                "not scanned"
            };
            format!("{read} ({label}: {})", unscanned.join(", "))
        }
        (Lang::Ja, true, true) => {
            format!("{read}（有効なリージョンの一覧を取得できず、網羅性は不明）")
        }
        (Lang::En, true, true) => {
            format!("{read} (the enabled regions could not be listed: coverage unknown)")
        }
        _ => read,
    }
}
