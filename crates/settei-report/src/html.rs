//! The HTML report: one self-contained file that works offline.
//!
//! The summary is laid out as the guideline's category table (name, risk,
//! recommended settings, results by status and severity, a bar chart); the
//! findings follow per category with filters for severity, category,
//! provider, status and free text, and a ja/en switch.
//!
//! Safety: every value from the cloud is either HTML-escaped into static
//! markup or carried in a JSON data block that the page's script reads and
//! writes into the DOM with `textContent` only. A Content-Security-Policy
//! allows no network access at all and only the page's own script (by hash),
//! so even injected markup could neither run nor phone home.
//!
//! Scale: findings are carried as compact arrays and rendered a page at a
//! time, so the file stays usable at 50,000 findings (see `make bench`).

use std::fmt::Write as _;

use serde_json::{json, Value};
use settei_model::{Lang, Severity, Status};
use sha2::{Digest, Sha256};

use crate::escape::{base64, html as esc, json_in_html};
use crate::view::{self, Labels, STATUSES};
use crate::ReportInput;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Both languages of a fixed label, as two spans the stylesheet switches.
fn both(key: &str) -> String {
    format!(
        r#"<span class="ja">{}</span><span class="en">{}</span>"#,
        esc(Labels::get(key, Lang::Ja)),
        esc(Labels::get(key, Lang::En))
    )
}

fn text2(t: &settei_model::Text) -> String {
    format!(
        r#"<span class="ja">{}</span><span class="en">{}</span>"#,
        esc(&t.ja),
        esc(&t.en)
    )
}

fn status_code(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::Error => 1,
        Status::Muted => 2,
        Status::Pass => 3,
    }
}

fn sev_code(s: Severity) -> u8 {
    Severity::ALL.iter().position(|v| *v == s).unwrap_or(0) as u8
}

/// The data block the page script renders findings from.
fn data(input: &ReportInput<'_>) -> Value {
    let ordered = view::ordered(input);
    let mut rule_ids: Vec<&str> = ordered.iter().map(|f| f.rule_id.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| match view::rule(input, id) {
            Some(r) => json!([
                r.id,
                r.title.ja,
                r.title.en,
                r.remediation.ja,
                r.remediation.en,
                r.remediation.cli.clone().unwrap_or_default(),
                r.references.join(", "),
            ]),
            None => json!([id, id, id, "", "", "", ""]),
        })
        .collect();
    let findings: Vec<Value> = ordered
        .iter()
        .map(|f| {
            let rule = rule_ids.binary_search(&f.rule_id.as_str()).unwrap_or(0);
            let detail = match (&f.error, &f.mute) {
                (Some(e), _) => json!({ "error": format!("{} ({}): {}", e.cause.as_str(), e.operation.as_deref().unwrap_or("-"), e.message) }),
                (_, Some(m)) => json!({ "mute": [m.reason, m.owner, m.expires] }),
                _ => Value::Null,
            };
            json!([
                rule,
                status_code(f.status),
                sev_code(f.severity),
                f.category,
                f.provider.as_str(),
                f.resource_id,
                f.resource_name,
                f.region,
                view::evidence_line(f),
                view::tags_line(f),
                detail,
                f.id,
            ])
        })
        .collect();
    let categories: Vec<Value> = input
        .catalog
        .guideline
        .categories
        .iter()
        .map(|c| json!([c.id, c.name.ja, c.name.en]))
        .collect();
    let mut providers: Vec<&str> = input.findings.iter().map(|f| f.provider.as_str()).collect();
    providers.sort_unstable();
    providers.dedup();
    let label_keys = [
        "status",
        "severity",
        "category",
        "rule",
        "resource",
        "region",
        "evidence",
        "tags",
        "remediation",
        "all",
        "search",
        "more",
        "shown",
        "of",
        "reason",
        "owner",
        "expires",
        "provider",
    ];
    let labels = |lang: Lang| -> Value {
        let mut m = serde_json::Map::new();
        for k in label_keys {
            m.insert(k.to_string(), json!(Labels::get(k, lang)));
        }
        m.insert(
            "statuses".into(),
            json!(STATUSES.iter().map(|s| s.label(lang)).collect::<Vec<_>>()),
        );
        m.insert(
            "severities".into(),
            json!(Severity::ALL
                .iter()
                .map(|s| s.label(lang))
                .collect::<Vec<_>>()),
        );
        Value::Object(m)
    };
    json!({
        "rules": rules,
        "findings": findings,
        "categories": categories,
        "providers": providers,
        "labels": { "ja": labels(Lang::Ja), "en": labels(Lang::En) },
    })
}

/// A horizontal stacked bar of FAIL / ERROR / MUTED / PASS counts.
fn bar(m: &view::Matrix) -> String {
    let total = m.total();
    let mut out = String::from(
        r#"<svg class="bar" viewBox="0 0 200 14" width="200" height="14" role="img" aria-label=""#,
    );
    let _ = write!(
        out,
        "FAIL {} / ERROR {} / MUTED {} / PASS {}\">",
        m.status_total(Status::Fail),
        m.status_total(Status::Error),
        m.status_total(Status::Muted),
        m.status_total(Status::Pass)
    );
    if total == 0 {
        out.push_str(r#"<rect class="none" x="0" y="0" width="200" height="14"/>"#);
    } else {
        let mut x = 0.0f64;
        for s in STATUSES {
            let n = m.status_total(s);
            if n == 0 {
                continue;
            }
            let w = 200.0 * n as f64 / total as f64;
            let _ = write!(
                out,
                r#"<rect class="s-{}" x="{x:.2}" y="0" width="{w:.2}" height="14"/>"#,
                s.as_str().to_ascii_lowercase()
            );
            x += w;
        }
    }
    out.push_str("</svg>");
    out
}

fn matrix_table(m: &view::Matrix) -> String {
    let mut out = String::from(r#"<table class="matrix"><thead><tr><th></th>"#);
    for s in Severity::ALL {
        let _ = write!(
            out,
            r#"<th><span class="ja">{}</span><span class="en">{}</span></th>"#,
            s.label(Lang::Ja),
            s.label(Lang::En)
        );
    }
    let _ = write!(out, "<th>{}</th></tr></thead><tbody>", both("total"));
    for (i, s) in STATUSES.iter().enumerate() {
        let _ = write!(
            out,
            r#"<tr><th class="s-{}"><span class="ja">{}</span><span class="en">{}</span></th>"#,
            s.as_str().to_ascii_lowercase(),
            s.label(Lang::Ja),
            s.label(Lang::En)
        );
        for n in m.cells[i] {
            if n == 0 {
                out.push_str(r#"<td class="zero">0</td>"#);
            } else {
                let _ = write!(out, "<td>{n}</td>");
            }
        }
        let _ = write!(out, "<td class=\"tot\">{}</td></tr>", m.status_total(*s));
    }
    out.push_str("</tbody></table>");
    out
}

pub fn render(input: &ReportInput<'_>) -> String {
    let snap = input.snapshot;
    let script_hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    let lang = input.lang.as_str();
    let mut o = String::with_capacity(64 * 1024 + input.findings.len() * 256);
    let _ = write!(
        o,
        r#"<!DOCTYPE html>
<html lang="{lang}" data-lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="settei {version}">
<title>settei — {title_ja} / {title_en} — {account}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<nav class="lang" aria-label="language">
<button type="button" data-set-lang="ja" id="lang-ja">日本語</button>
<button type="button" data-set-lang="en" id="lang-en">English</button>
</nav>
</header>
<main>
"#,
        version = env!("CARGO_PKG_VERSION"),
        title = both("title"),
        title_ja = esc(Labels::get("title", Lang::Ja)),
        title_en = esc(Labels::get("title", Lang::En)),
        account = esc(&snap.account),
    );

    // Scope.
    let regions = crate::view::regions_text(snap, input.lang);
    let _ = write!(
        o,
        r#"<section id="scope"><h2>{}</h2><table class="kv"><tbody>
<tr><th>{}</th><td>{}</td></tr>
<tr><th>{}</th><td>{}</td></tr>
<tr><th>{}</th><td>{}</td></tr>
<tr><th>{}</th><td>{}</td></tr>
<tr><th>{}</th><td>settei {} (snapshot: {})</td></tr>
<tr><th>{}</th><td>{}</td></tr>
<tr><th>{}</th><td>{}</td></tr>
<tr><th>{}</th><td id="finding-total">{}</td></tr>
{}</tbody></table></section>
"#,
        both("scope"),
        both("provider"),
        esc(snap.provider.as_str()),
        both(crate::view::account_key(snap.provider)),
        esc(&crate::view::account_text(snap)),
        both("regions"),
        esc(&regions),
        both("collected_at"),
        esc(&snap.collected_at),
        both("tool"),
        env!("CARGO_PKG_VERSION"),
        esc(&snap.tool_version),
        both("rules"),
        view::rule_count(input),
        both("resources"),
        input.resource_count,
        both("findings"),
        input.findings.len(),
        snap.scope
            .tenant
            .as_ref()
            .map(|t| format!("<tr><th>{}</th><td>{}</td></tr>\n", both("tenant"), esc(t)))
            .unwrap_or_default(),
    );

    // The guideline's category table with results.
    let _ = write!(
        o,
        r#"<section id="summary"><h2>{}</h2>
<table class="categories"><thead><tr><th>No.</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>
"#,
        text2(&view::t(
            "設定項目の類型ごとの結果（総務省「クラウドサービス利用・提供における適切な設定のためのガイドライン」）",
            "Results by setting category (MIC guideline on appropriate cloud settings)"
        )),
        both("category"),
        both("risk"),
        both("recommended"),
        both("results"),
    );
    for row in view::category_rows(input) {
        let c = row.category;
        let _ = writeln!(
            o,
            r#"<tr id="cat-{id}"><td class="num">{id}</td><td class="name">{name}<div class="rules">{rules}</div></td><td class="risk">{risk}</td><td class="rec">{rec}</td><td class="res">{bar}{matrix}</td></tr>"#,
            id = esc(&c.id),
            name = text2(&c.name),
            rules = text2(&view::t(
                &format!("ルール {} 件", row.rules),
                &format!("{} rule(s)", row.rules)
            )),
            risk = text2(&c.risk),
            rec = text2(&c.recommended),
            bar = bar(&row.matrix),
            matrix = matrix_table(&row.matrix),
        );
    }
    o.push_str("</tbody></table></section>\n");

    // Collection errors.
    let _ = write!(o, r#"<section id="errors"><h2>{}</h2>"#, both("errors"));
    if snap.errors.is_empty() {
        let _ = write!(o, "<p>{}</p>", both("no_errors"));
    } else {
        let _ = write!(
            o,
            "<table class=\"list\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            both("kind"),
            both("region"),
            both("resource"),
            both("cause"),
            both("operation"),
            both("message")
        );
        for e in &snap.errors {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><span class=\"ja\">{}</span><span class=\"en\">{}</span></td><td>{}</td><td>{}</td></tr>",
                esc(&e.kind),
                esc(e.region.as_deref().unwrap_or("-")),
                esc(e.resource_id.as_deref().unwrap_or("-")),
                esc(e.cause.label(Lang::Ja)),
                esc(e.cause.label(Lang::En)),
                esc(e.operation.as_deref().unwrap_or("-")),
                esc(&e.message)
            );
        }
        o.push_str("</tbody></table>");
    }
    o.push_str("</section>\n");

    // Findings, rendered by the script from the data block.
    let _ = write!(
        o,
        r#"<section id="findings"><h2>{}</h2>
<form id="filters" class="filters">
<label>{} <select id="f-severity"></select></label>
<label>{} <select id="f-category"></select></label>
<label>{} <select id="f-provider"></select></label>
<label>{} <select id="f-status"></select></label>
<label>{} <input id="f-text" type="search" autocomplete="off"></label>
<output id="f-count"></output>
</form>
<noscript><p>{}</p></noscript>
<div id="finding-list"></div>
<button type="button" id="more" hidden></button>
</section>
"#,
        both("findings"),
        both("severity"),
        both("category"),
        both("provider"),
        both("status"),
        both("search"),
        text2(&view::t(
            "検出結果の一覧の表示には JavaScript が必要です。上の表は JavaScript なしでも読めます。",
            "The findings list needs JavaScript; the tables above work without it."
        )),
    );
    let data = serde_json::to_string(&data(input)).expect("report data serializes");
    let _ = write!(
        o,
        "</main>\n<script type=\"application/json\" id=\"settei-data\">{}</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        json_in_html(&data)
    );
    o
}
