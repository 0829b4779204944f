//! CSV for spreadsheets: UTF-8 with a byte-order mark and CRLF line ends, so
//! that Japanese Excel opens it correctly; every field quoted, and formula
//! lookalikes neutralized (see [`crate::escape::csv`]).

use settei_model::Lang;

use crate::escape::csv as cell;
use crate::view;
use crate::ReportInput;

pub fn render(input: &ReportInput<'_>) -> String {
    let lang = input.lang;
    let header: Vec<String> = [
        ("finding_id", "検出ID", "Finding ID"),
        ("status", "状態", "Status"),
        ("severity", "深刻度", "Severity"),
        ("category", "類型", "Category"),
        ("category_name", "類型名", "Category name"),
        ("rule", "ルール", "Rule"),
        ("title", "ルール名", "Rule title"),
        ("provider", "クラウド", "Cloud"),
        ("account", "アカウント", "Account"),
        ("region", "リージョン", "Region"),
        ("kind", "種別", "Kind"),
        ("resource_id", "リソースID", "Resource ID"),
        ("resource_name", "リソース名", "Resource name"),
        ("tags", "タグ", "Tags"),
        ("evidence", "確認した設定値", "Observed settings"),
        ("message", "内容", "Message"),
        ("remediation", "対処", "Remediation"),
        ("references", "参照", "References"),
        ("mute_reason", "受容理由", "Mute reason"),
        ("mute_owner", "受容責任者", "Mute owner"),
        ("mute_expires", "受容期限", "Mute expires"),
    ]
    .iter()
    .map(|(_, ja, en)| match lang {
        Lang::Ja => ja.to_string(),
        Lang::En => en.to_string(),
    })
    .collect();
    let mut out = String::from('\u{feff}');
    push_row(&mut out, header.iter().map(String::as_str));
    for f in view::ordered(input) {
        let rule = view::rule(input, &f.rule_id);
        let cat = input.catalog.guideline.category(&f.category);
        let remediation = rule
            .map(|r| match lang {
                Lang::Ja => r.remediation.ja.trim().to_string(),
                Lang::En => r.remediation.en.trim().to_string(),
            })
            .unwrap_or_default();
        let (reason, owner, expires) = f
            .mute
            .as_ref()
            .map(|m| (m.reason.as_str(), m.owner.as_str(), m.expires.as_str()))
            .unwrap_or_default();
        let fields = [
            f.id.as_str(),
            f.status.label(lang),
            f.severity.label(lang),
            f.category.as_str(),
            cat.map(|c| c.name.get(lang)).unwrap_or_default(),
            f.rule_id.as_str(),
            rule.map(|r| r.title.get(lang)).unwrap_or_default(),
            f.provider.as_str(),
            f.account.as_str(),
            f.region.as_str(),
            f.resource_kind.as_str(),
            f.resource_id.as_str(),
            f.resource_name.as_str(),
            &view::tags_line(f),
            &view::evidence_line(f),
            f.message.get(lang),
            &remediation,
            &rule.map(|r| r.references.join(" ")).unwrap_or_default(),
            reason,
            owner,
            expires,
        ];
        push_row(&mut out, fields.iter().copied());
    }
    out
}

fn push_row<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    let mut first = true;
    for f in fields {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&cell(f));
    }
    out.push_str("\r\n");
}
