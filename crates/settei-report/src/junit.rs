//! JUnit XML for CI systems: one test suite per guideline category, one test
//! case per rule × resource. FAIL is a failure, ERROR an error, MUTED skipped.

use std::fmt::Write as _;

use settei_model::Status;

use crate::escape::xml;
use crate::view;
use crate::ReportInput;

pub fn render(input: &ReportInput<'_>) -> String {
    let lang = input.lang;
    let ordered = view::ordered(input);
    let count = |s: Status| ordered.iter().filter(|f| f.status == s).count();
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        r#"<testsuites name="settei" tests="{}" failures="{}" errors="{}" skipped="{}" timestamp="{}">"#,
        ordered.len(),
        count(Status::Fail),
        count(Status::Error),
        count(Status::Muted),
        xml(&input.snapshot.collected_at)
    );
    for row in view::category_rows(input) {
        let id = &row.category.id;
        let cases: Vec<_> = ordered.iter().filter(|f| &f.category == id).collect();
        if cases.is_empty() {
            continue;
        }
        let m = &row.matrix;
        let _ = writeln!(
            o,
            r#"  <testsuite name="{} {}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            xml(id),
            xml(row.category.name.get(lang)),
            cases.len(),
            m.status_total(Status::Fail),
            m.status_total(Status::Error),
            m.status_total(Status::Muted)
        );
        for f in cases {
            let title = view::rule(input, &f.rule_id)
                .map(|r| r.title.get(lang))
                .unwrap_or("");
            let _ = write!(
                o,
                r#"    <testcase classname="{}" name="{}">"#,
                xml(&format!("{} {}", f.rule_id, title)),
                xml(&f.resource_id),
            );
            let body = format!(
                "{}\nfinding {} / {}: {}\n{}",
                f.message.get(lang),
                f.id,
                f.region,
                f.resource_kind,
                view::evidence_line(f)
            );
            match f.status {
                Status::Pass => {}
                Status::Fail => {
                    let _ = write!(
                        o,
                        r#"<failure type="{}" message="{}">{}</failure>"#,
                        f.severity.as_str(),
                        xml(f.message.get(lang)),
                        xml(&body)
                    );
                }
                Status::Error => {
                    let cause = f
                        .error
                        .as_ref()
                        .map(|e| e.cause.as_str())
                        .unwrap_or("other");
                    let _ = write!(
                        o,
                        r#"<error type="{}" message="{}">{}</error>"#,
                        cause,
                        xml(f.message.get(lang)),
                        xml(&body)
                    );
                }
                Status::Muted => {
                    let m = f.mute.as_ref();
                    let _ = write!(
                        o,
                        r#"<skipped message="{}"/>"#,
                        xml(&format!(
                            "muted: {} ({}, {})",
                            m.map(|m| m.reason.as_str()).unwrap_or(""),
                            m.map(|m| m.owner.as_str()).unwrap_or(""),
                            m.map(|m| m.expires.as_str()).unwrap_or("")
                        ))
                    );
                }
            }
            o.push_str("</testcase>\n");
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
}
