//! The SIer handover report: what an integrator hands the customer with the
//! environment. Scope and the responsibility split of guideline Ⅱ.1.2, the
//! category table with results, what needs action, the accepted risks, the
//! ANNEX measures a scanner cannot check (as a manual checklist), and a
//! sign-off block for 設定者 and 設定管理者.
//!
//! The content is built once as a small document tree and rendered to
//! Markdown (`--format md`) or to a print-ready HTML page (`--format
//! handover`, A4, no script). Every cell is plain text escaped by the
//! renderer.

use std::fmt::Write as _;

use settei_model::{Lang, Side, Status};

use crate::escape;
use crate::view::{self, Labels};
use crate::ReportInput;

enum Block {
    Heading(u8, String),
    Para(String),
    Table(Vec<String>, Vec<Vec<String>>),
    Checklist(Vec<String>),
}

fn l(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja.to_string(),
        Lang::En => en.to_string(),
    }
}

/// Guideline Ⅱ.1.2: who sets what, per service model. The Japanese is the
/// guideline's own wording (sections 1–3 of Ⅱ.1.2), shortened to the split.
const SPLIT: &[(&str, &str, &str, &str, &str)] = &[
    (
        "SaaS",
        "利用者アカウントや業務データの設定（ユーザ設定）",
        "User accounts and business data settings (user settings)",
        "アプリケーションの動作に係る設定（動作設定）及びそれ以下の提供側環境の設定",
        "Settings for how the application operates (operation settings) and the provider-side environment below it",
    ),
    (
        "PaaS",
        "データ、アプリケーション及びミドルウェアを利用するための設定",
        "Data, applications, and the settings for using the middleware",
        "ミドルウェアの動作に係る設定及びそれ以下の提供側環境の設定",
        "Settings for how the middleware operates and the provider-side environment below it",
    ),
    (
        "IaaS",
        "仮想環境を利用するための設定（仮想環境上で動作する OS を含めたすべてのソフトウェア）",
        "Settings for using the virtual environment (all software running on it, the OS included)",
        "仮想環境の動作に係る設定及びそれ以下の提供側環境の設定",
        "Settings for how the virtual environment operates and the provider-side environment below it",
    ),
];

fn build(input: &ReportInput<'_>) -> Vec<Block> {
    let lang = input.lang;
    let snap = input.snapshot;
    let g = &input.catalog.guideline;
    let mut doc = Vec::new();
    doc.push(Block::Heading(1, Labels::get("handover", lang).to_string()));

    // 1. Scope.
    doc.push(Block::Heading(2, l(lang, "1. 診断範囲", "1. Scope")));
    let regions = crate::view::regions_text(snap, lang);
    let kv = |k: &str, v: String| vec![Labels::get(k, lang).to_string(), v];
    doc.push(Block::Table(
        vec![l(lang, "項目", "Item"), l(lang, "内容", "Value")],
        vec![
            kv("provider", snap.provider.as_str().to_string()),
            kv(view::account_key(snap.provider), view::account_text(snap)),
            kv("regions", regions),
            kv("collected_at", snap.collected_at.clone()),
            kv(
                "tool",
                format!(
                    "settei {} (snapshot: {})",
                    env!("CARGO_PKG_VERSION"),
                    snap.tool_version
                ),
            ),
            kv("rules", view::rule_count(input).to_string()),
            kv("resources", input.resource_count.to_string()),
            kv("findings", input.findings.len().to_string()),
        ]
        .into_iter()
        .chain(snap.scope.tenant.as_ref().map(|t| kv("tenant", t.clone())))
        .collect(),
    ));

    // 2. Responsibility split (guideline Ⅱ.1.2).
    doc.push(Block::Heading(
        2,
        l(
            lang,
            "2. 責任分界と役割（ガイドライン Ⅱ.1.2）",
            "2. Responsibilities and roles (guideline Ⅱ.1.2)",
        ),
    ));
    doc.push(Block::Para(l(
        lang,
        "クラウドサービス利用者が責任を持つ環境の設定を「利用側環境の設定」、提供する事業者が責任を持つ環境の設定を「提供側環境の設定」と呼ぶ。本報告書の診断は、利用側環境の設定のうちクラウドの管理 API から読み取れる項目を対象とする。提供側環境の設定は事業者の責任範囲であり、契約・SLA・免責事項で確認する。",
        "Settings of the environment the cloud service user is responsible for are called user-side environment settings (利用側環境の設定); those the provider is responsible for, provider-side environment settings (提供側環境の設定). This report covers the user-side settings that the cloud's management APIs expose. Provider-side settings are the provider's responsibility; confirm them through the contract, SLA and disclaimers.",
    )));
    doc.push(Block::Table(
        vec![
            l(lang, "利用形態", "Service model"),
            l(
                lang,
                "利用側環境の設定（利用者）",
                "User-side environment settings (user)",
            ),
            l(
                lang,
                "提供側環境の設定（事業者）",
                "Provider-side environment settings (provider)",
            ),
        ],
        SPLIT
            .iter()
            .map(|(m, uja, uen, pja, pen)| {
                vec![m.to_string(), l(lang, uja, uen), l(lang, pja, pen)]
            })
            .collect(),
    ));
    doc.push(Block::Table(
        vec![l(lang, "役割", "Role"), l(lang, "定義", "Definition")],
        vec![
            vec![
                l(lang, "設定者", "Configurer (設定者)"),
                l(
                    lang,
                    "環境の設定を直接実施する者",
                    "The person who directly carries out the environment settings",
                ),
            ],
            vec![
                l(lang, "設定管理者", "Configuration manager (設定管理者)"),
                l(
                    lang,
                    "責任を持って最終的な設定の確認を行い、また、正常な設定の維持に責任を持つ者",
                    "The person who is responsible for the final check of the settings and for keeping them correct",
                ),
            ],
        ],
    ));

    // 3. Category table with results.
    doc.push(Block::Heading(
        2,
        l(
            lang,
            "3. 設定項目の類型ごとの結果",
            "3. Results by setting category",
        ),
    ));
    let st = |s: Status| s.label(lang).to_string();
    let mut rows = Vec::new();
    for row in view::category_rows(input) {
        let c = row.category;
        let m = &row.matrix;
        let layers: Vec<String> = c
            .layers
            .iter()
            .filter_map(|id| g.layers.iter().find(|x| &x.id == id))
            .map(|x| x.name.get(lang).to_string())
            .collect();
        let verdict = if m.status_total(Status::Fail) + m.status_total(Status::Error) > 0 {
            l(lang, "要対応", "Action needed")
        } else if m.total() == 0 {
            l(lang, "対象なし", "Not assessed")
        } else {
            l(lang, "良好", "Good")
        };
        rows.push(vec![
            c.id.clone(),
            c.name.get(lang).to_string(),
            if layers.is_empty() {
                "-".into()
            } else {
                layers.join("、")
            },
            row.rules.to_string(),
            m.status_total(Status::Fail).to_string(),
            m.status_total(Status::Error).to_string(),
            m.status_total(Status::Muted).to_string(),
            m.status_total(Status::Pass).to_string(),
            verdict,
        ]);
    }
    doc.push(Block::Table(
        vec![
            "No.".into(),
            Labels::get("category", lang).into(),
            l(lang, "関連レイヤ", "Layers"),
            Labels::get("rules", lang).into(),
            st(Status::Fail),
            st(Status::Error),
            st(Status::Muted),
            st(Status::Pass),
            l(lang, "判定", "Verdict"),
        ],
        rows,
    ));

    // 4. What needs action.
    doc.push(Block::Heading(
        2,
        l(
            lang,
            "4. 要対応の検出結果（不適合・評価不能）",
            "4. Findings that need action (FAIL, ERROR)",
        ),
    ));
    let open: Vec<_> = view::ordered(input)
        .into_iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Error))
        .collect();
    if open.is_empty() {
        doc.push(Block::Para(l(
            lang,
            "要対応の検出結果はありません。",
            "No findings need action.",
        )));
    }
    for row in view::category_rows(input) {
        let here: Vec<_> = open
            .iter()
            .filter(|f| f.category == row.category.id)
            .collect();
        if here.is_empty() {
            continue;
        }
        doc.push(Block::Heading(
            3,
            format!("{} {}", row.category.id, row.category.name.get(lang)),
        ));
        doc.push(Block::Para(format!(
            "{}: {}",
            Labels::get("risk", lang),
            row.category.risk.get(lang).trim()
        )));
        doc.push(Block::Table(
            vec![
                Labels::get("status", lang).into(),
                Labels::get("severity", lang).into(),
                Labels::get("rule", lang).into(),
                Labels::get("resource", lang).into(),
                Labels::get("region", lang).into(),
                Labels::get("evidence", lang).into(),
                Labels::get("remediation", lang).into(),
            ],
            here.iter()
                .map(|f| {
                    let rule = view::rule(input, &f.rule_id);
                    let title = rule.map(|r| r.title.get(lang)).unwrap_or("");
                    let detail = match &f.error {
                        Some(e) => format!("{}: {}", e.cause.label(lang), e.message),
                        None => view::evidence_line(f),
                    };
                    let rem = rule
                        .map(|r| match lang {
                            Lang::Ja => r.remediation.ja.trim().to_string(),
                            Lang::En => r.remediation.en.trim().to_string(),
                        })
                        .unwrap_or_default();
                    vec![
                        f.status.label(lang).into(),
                        f.severity.label(lang).into(),
                        format!("{} {title}", f.rule_id),
                        format!("{} ({})", f.resource_name, f.resource_id),
                        f.region.clone(),
                        detail,
                        rem,
                    ]
                })
                .collect(),
        ));
    }

    // 5. Accepted risks.
    doc.push(Block::Heading(
        2,
        l(
            lang,
            "5. 受容したリスク（ミュート）",
            "5. Accepted risks (mutes)",
        ),
    ));
    let muted: Vec<_> = view::ordered(input)
        .into_iter()
        .filter(|f| f.status == Status::Muted)
        .collect();
    if muted.is_empty() {
        doc.push(Block::Para(Labels::get("none_accepted", lang).into()));
    } else {
        doc.push(Block::Table(
            vec![
                Labels::get("rule", lang).into(),
                Labels::get("resource", lang).into(),
                Labels::get("severity", lang).into(),
                Labels::get("reason", lang).into(),
                Labels::get("owner", lang).into(),
                Labels::get("expires", lang).into(),
            ],
            muted
                .iter()
                .map(|f| {
                    let m = f.mute.as_ref();
                    vec![
                        f.rule_id.clone(),
                        format!("{} ({})", f.resource_name, f.resource_id),
                        f.severity.label(lang).into(),
                        m.map(|m| m.reason.clone()).unwrap_or_default(),
                        m.map(|m| m.owner.clone()).unwrap_or_default(),
                        m.map(|m| m.expires.clone()).unwrap_or_default(),
                    ]
                })
                .collect(),
        ));
    }

    // 6. Collection errors.
    doc.push(Block::Heading(
        2,
        l(lang, "6. 収集エラー", "6. Collection errors"),
    ));
    if snap.errors.is_empty() {
        doc.push(Block::Para(Labels::get("no_errors", lang).into()));
    } else {
        doc.push(Block::Para(l(
            lang,
            "次の設定は読み取れなかったため評価していません（評価不能）。権限を確認して再診断してください。",
            "The following settings could not be read and were not assessed (ERROR). Check the permissions and scan again.",
        )));
        doc.push(Block::Table(
            vec![
                Labels::get("kind", lang).into(),
                Labels::get("region", lang).into(),
                Labels::get("resource", lang).into(),
                Labels::get("cause", lang).into(),
                Labels::get("operation", lang).into(),
                Labels::get("message", lang).into(),
            ],
            snap.errors
                .iter()
                .map(|e| {
                    vec![
                        e.kind.clone(),
                        e.region.clone().unwrap_or_else(|| "-".into()),
                        e.resource_id.clone().unwrap_or_else(|| "-".into()),
                        e.cause.label(lang).into(),
                        e.operation.clone().unwrap_or_else(|| "-".into()),
                        e.message.clone(),
                    ]
                })
                .collect(),
        ));
    }

    // 7. Manual checklist: ANNEX measures a scanner cannot check.
    doc.push(Block::Heading(
        2,
        l(
            lang,
            "7. 手動確認チェックリスト（ガイドライン ANNEX のうちスキャナで確認できない対策）",
            "7. Manual checklist (guideline ANNEX measures a scanner cannot check)",
        ),
    ));
    for (side, heading) in [
        (
            Side::User,
            l(
                lang,
                "III クラウドサービス利用側に求められる対策",
                "III Measures required of the cloud service user",
            ),
        ),
        (
            Side::Provider,
            l(
                lang,
                "IV クラウドサービス提供側に求められる対策（事業者への確認事項）",
                "IV Measures required of the cloud service provider (to confirm with the provider)",
            ),
        ),
    ] {
        let items: Vec<String> = g
            .measures
            .iter()
            .filter(|m| m.side == side && !m.scanner_checkable)
            .map(|m| {
                format!(
                    "{} {}（{}）: {}",
                    m.id,
                    m.title.get(lang),
                    m.level.label(lang),
                    m.text.get(lang).trim()
                )
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        doc.push(Block::Heading(3, heading));
        doc.push(Block::Checklist(items));
    }

    // 8. Sign-off.
    doc.push(Block::Heading(2, l(lang, "8. 確認・署名", "8. Sign-off")));
    doc.push(Block::Para(l(
        lang,
        "上記の診断結果、受容したリスク及び手動確認の結果を確認した。",
        "We have reviewed the results above, the accepted risks and the manual checklist.",
    )));
    let blank = || " ".to_string();
    doc.push(Block::Table(
        vec![
            l(lang, "役割", "Role"),
            l(lang, "氏名", "Name"),
            l(lang, "所属", "Organization"),
            l(lang, "日付", "Date"),
            l(lang, "署名", "Signature"),
        ],
        vec![
            vec![
                l(lang, "設定者", "Configurer (設定者)"),
                blank(),
                blank(),
                blank(),
                blank(),
            ],
            vec![
                l(lang, "設定管理者", "Configuration manager (設定管理者)"),
                blank(),
                blank(),
                blank(),
                blank(),
            ],
        ],
    ));
    doc
}

/// The handover report as Markdown.
pub fn render_md(input: &ReportInput<'_>) -> String {
    let mut o = String::new();
    for block in build(input) {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(o, "{} {}\n", "#".repeat(level as usize), escape::md(&text));
            }
            Block::Para(text) => {
                let _ = writeln!(o, "{}\n", escape::md(&text));
            }
            Block::Table(head, rows) => {
                let cells = |r: &[String]| {
                    r.iter()
                        .map(|c| escape::md(c))
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                let _ = writeln!(o, "| {} |", cells(&head));
                let _ = writeln!(o, "|{}", "---|".repeat(head.len()));
                for r in rows {
                    let _ = writeln!(o, "| {} |", cells(&r));
                }
                o.push('\n');
            }
            Block::Checklist(items) => {
                for i in items {
                    let _ = writeln!(o, "- [ ] {}", escape::md(&i));
                }
                o.push('\n');
            }
        }
    }
    o
}

const PRINT_CSS: &str = "@page{size:A4;margin:16mm 14mm}body{font-family:\"Hiragino Sans\",\"Noto Sans JP\",\"Yu Gothic\",system-ui,sans-serif;font-size:11px;color:#111;margin:0 auto;max-width:190mm}h1{font-size:20px;border-bottom:3px solid #14324f}h2{font-size:15px;border-bottom:1px solid #14324f;margin-top:20px;break-after:avoid}h3{font-size:13px;break-after:avoid}table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #888;padding:3px 5px;vertical-align:top;text-align:left;word-break:break-word}th{background:#eef1f5}tr{break-inside:avoid}ul.check{list-style:none;padding-left:0}ul.check li{margin:4px 0;padding-left:1.6em;text-indent:-1.6em;break-inside:avoid}ul.check li::before{content:\"\\2610\\00a0\\00a0\"}table.sign td{height:28px}";

/// The handover report as a print-ready HTML page (no script at all).
pub fn render_html(input: &ReportInput<'_>) -> String {
    let lang = input.lang;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>{} — {}</title>\n<style>{PRINT_CSS}</style>\n</head>\n<body>\n",
        lang.as_str(),
        escape::html(Labels::get("handover", lang)),
        escape::html(&input.snapshot.account)
    );
    let blocks = build(input);
    let last_table = blocks
        .iter()
        .rposition(|b| matches!(b, Block::Table(..)))
        .unwrap_or(usize::MAX);
    for (i, block) in blocks.into_iter().enumerate() {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(o, "<h{level}>{}</h{level}>", escape::html(&text));
            }
            Block::Para(text) => {
                let _ = writeln!(o, "<p>{}</p>", escape::html(&text));
            }
            Block::Table(head, rows) => {
                let class = if i == last_table {
                    " class=\"sign\""
                } else {
                    ""
                };
                let _ = write!(o, "<table{class}><thead><tr>");
                for h in &head {
                    let _ = write!(o, "<th>{}</th>", escape::html(h));
                }
                o.push_str("</tr></thead><tbody>");
                for r in rows {
                    o.push_str("<tr>");
                    for c in r {
                        let _ = write!(o, "<td>{}</td>", escape::html(&c));
                    }
                    o.push_str("</tr>");
                }
                o.push_str("</tbody></table>\n");
            }
            Block::Checklist(items) => {
                o.push_str("<ul class=\"check\">");
                for item in items {
                    let _ = write!(o, "<li>{}</li>", escape::html(&item));
                }
                o.push_str("</ul>\n");
            }
        }
    }
    o.push_str("</body>\n</html>\n");
    o
}
