//! Every report format on one fixture scan: golden files, schema validation
//! (SARIF 2.1.0 and OCSF), and escaping of hostile cloud values.
//!
//! The fixture `fixtures/reports/hostile-aws.json` has a bucket named
//! `<img src=x onerror=alert(1)>` with tags holding a spreadsheet formula,
//! a `</script>` breakout and Markdown link syntax; the collection error and
//! the mute reason carry markup too.
//!
//! Golden files live in `tests/golden/`; after an intended change, run
//! `SETTEI_BLESS=1 cargo test --test reports` and review the diff.

mod support;

use std::path::PathBuf;

use settei_model::{Finding, Lang, Snapshot, Status};
use settei_report::{Format, ReportInput};
use settei_rules::{Catalog, SourceRef};

struct Scan {
    catalog: Catalog,
    snapshot: Snapshot,
    findings: Vec<Finding>,
}

fn scan() -> Scan {
    let repo = support::repo();
    let mut catalog = Catalog::embedded().expect("embedded rules load");
    let text = std::fs::read_to_string(repo.join("fixtures/reports/settei.toml")).unwrap();
    let config = settei_rules::Config::parse(
        SourceRef::new("fixtures/reports/settei.toml", &text),
        &catalog,
    )
    .expect("fixture config is valid");
    catalog.apply_config(&config);
    let snapshot: Snapshot = serde_json::from_str(
        &std::fs::read_to_string(repo.join("fixtures/reports/hostile-aws.json")).unwrap(),
    )
    .expect("fixture snapshot parses");
    let mut findings = settei_engine::evaluate(&catalog.rules, &snapshot);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    settei_engine::apply_mutes(&mut findings, &config.mutes, today);
    Scan {
        catalog,
        snapshot,
        findings,
    }
}

fn render(s: &Scan, format: Format, lang: Lang) -> String {
    let input = ReportInput {
        catalog: &s.catalog,
        snapshot: &s.snapshot,
        findings: &s.findings,
        lang,
        resource_count: s.snapshot.resources.len(),
    };
    settei_report::render(
        format,
        &input,
        settei_report::table::TableOptions { show_pass: false },
    )
    .expect("renders")
}

/// The formats and languages kept as golden files.
const GOLDEN: &[(Format, Lang)] = &[
    (Format::Table, Lang::Ja),
    (Format::Table, Lang::En),
    (Format::Json, Lang::En),
    (Format::Html, Lang::Ja),
    (Format::Md, Lang::Ja),
    (Format::Md, Lang::En),
    (Format::Handover, Lang::Ja),
    (Format::Csv, Lang::Ja),
    (Format::Csv, Lang::En),
    (Format::Sarif, Lang::En),
    (Format::Ocsf, Lang::Ja),
    (Format::Asff, Lang::En),
    (Format::Junit, Lang::En),
];

fn golden_path(format: Format, lang: Lang) -> PathBuf {
    support::repo().join(format!(
        "tests/golden/report.{}.{}.{}",
        format.as_str(),
        lang.as_str(),
        format.extension()
    ))
}

#[test]
fn every_format_matches_its_golden_file() {
    let s = scan();
    let bless = std::env::var_os("SETTEI_BLESS").is_some();
    let mut stale = Vec::new();
    for &(format, lang) in GOLDEN {
        let got = render(&s, format, lang);
        let path = golden_path(format, lang);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .map(|i| i + 1)
                .unwrap_or_else(|| got.lines().count().min(want.lines().count()) + 1);
            stale.push(format!(
                "{} (first difference at line {line})",
                path.display()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "reports differ from their golden files (SETTEI_BLESS=1 to update, then review the diff):\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn the_fixture_exercises_every_status() {
    let s = scan();
    for status in [Status::Pass, Status::Fail, Status::Error, Status::Muted] {
        assert!(
            s.findings.iter().any(|f| f.status == status),
            "no {status:?} finding in the report fixture"
        );
    }
}

/// Runs the project's Python (the moto virtualenv carries `jsonschema`)
/// to validate `doc` against a vendored schema; returns the error list.
fn validate(schema: &str, doc: &str, each_item: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("doc.json");
    std::fs::write(&doc_path, doc).unwrap();
    let script = r#"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
items = doc if sys.argv[3] == "each" else [doc]
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
errors = []
for i, item in enumerate(items):
    for e in v.iter_errors(item):
        errors.append("item %d at /%s: %s" % (i, "/".join(str(p) for p in e.absolute_path), e.message[:300]))
print("\n".join(errors[:20]))
print("items=%d errors=%d" % (len(items), len(errors)), file=sys.stderr)
"#;
    let out = std::process::Command::new(support::python())
        .arg("-c")
        .arg(script)
        .arg(support::repo().join("fixtures/schemas").join(schema))
        .arg(&doc_path)
        .arg(if each_item { "each" } else { "one" })
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "schema validation did not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let s = scan();
    for lang in [Lang::Ja, Lang::En] {
        let doc = render(&s, Format::Sarif, lang);
        let errors = validate("sarif-schema-2.1.0.json", &doc, false);
        assert!(errors.is_empty(), "SARIF ({lang:?}) is invalid:\n{errors}");
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        let results = v["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), s.findings.len());
        for r in results {
            let id = r["fingerprints"]["settei/finding/v1"].as_str().unwrap();
            assert!(s.findings.iter().any(|f| f.id == id));
        }
        assert!(results
            .iter()
            .any(|r| r["suppressions"][0]["status"] == "accepted"));
    }
}

#[test]
fn ocsf_validates_against_the_detection_finding_schema() {
    let s = scan();
    for lang in [Lang::Ja, Lang::En] {
        let doc = render(&s, Format::Ocsf, lang);
        let errors = validate("ocsf-detection-finding-1.x.json", &doc, true);
        assert!(errors.is_empty(), "OCSF ({lang:?}) is invalid:\n{errors}");
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v.as_array().unwrap().len(), s.findings.len());
    }
}

#[test]
fn asff_has_what_security_hub_requires() {
    let s = scan();
    let v: serde_json::Value = serde_json::from_str(&render(&s, Format::Asff, Lang::Ja)).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), s.findings.len());
    for f in items {
        for key in [
            "SchemaVersion",
            "Id",
            "ProductArn",
            "GeneratorId",
            "AwsAccountId",
            "Types",
            "CreatedAt",
            "UpdatedAt",
            "Severity",
            "Title",
            "Description",
            "Resources",
        ] {
            assert!(!f[key].is_null(), "ASFF finding lacks {key}: {f}");
        }
        assert_eq!(f["SchemaVersion"], "2018-10-08");
        assert_eq!(f["AwsAccountId"].as_str().unwrap().len(), 12);
        assert!(f["Title"].as_str().unwrap().chars().count() <= 256);
        assert!(f["Description"].as_str().unwrap().chars().count() <= 1024);
        let created = f["CreatedAt"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(created).is_ok());
        let label = f["Severity"]["Label"].as_str().unwrap();
        assert!(["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"].contains(&label));
    }
}

#[test]
fn csv_opens_in_japanese_excel_and_formulas_stay_text() {
    let s = scan();
    let csv = render(&s, Format::Csv, Lang::Ja);
    assert!(csv.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    // One CRLF-terminated record per finding plus the header.
    assert_eq!(csv.matches("\"\r\n").count(), s.findings.len() + 1);
    assert!(csv.ends_with("\"\r\n"));
    assert!(
        csv.contains("'=HYPERLINK(\"\"http://x\"\")"),
        "the formula tag is prefixed with '"
    );
    // No field (quoted or not) starts with a formula character.
    for field in csv.split(['\r', '\n']).flat_map(|l| l.split("\",\"")) {
        let f = field.trim_start_matches(['\u{feff}', '"']);
        assert!(
            !f.starts_with(['=', '+', '@']),
            "formula lookalike left active: {field}"
        );
    }
}

#[test]
fn hostile_values_are_inert_in_html_and_markdown() {
    let s = scan();
    for lang in [Lang::Ja, Lang::En] {
        for format in [Format::Html, Format::Handover] {
            let page = render(&s, format, lang);
            assert!(!page.contains("<img"), "{format:?}: raw <img> in output");
            assert!(!page.contains("<b>"), "{format:?}: raw <b> in output");
            assert!(
                page.matches("</script>").count() == page.matches("<script").count(),
                "{format:?}: a </script> breakout"
            );
            assert!(!page.contains("onerror=alert(1)>"));
        }
        let md = render(&s, Format::Md, lang);
        assert!(!md.contains("<img") && !md.contains("<b>") && !md.contains("</script>"));
        assert!(!md.contains("](http"), "a Markdown link was injected");
    }
}

#[test]
fn the_html_report_is_self_contained() {
    let s = scan();
    let page = render(&s, Format::Html, Lang::Ja);
    for needle in [
        "http://", "https://", "src=\"", "href=\"", "@import", "url(",
    ] {
        let hits: Vec<_> = page.match_indices(needle).collect();
        // The only URLs allowed are the untrusted values, inside the JSON data block.
        let data_start = page.find("id=\"settei-data\"").unwrap();
        let data_end = data_start + page[data_start..].find("</script>").unwrap();
        for (at, _) in hits {
            assert!(
                (data_start..data_end).contains(&at),
                "external reference `{needle}` outside the data block at byte {at}"
            );
        }
    }
    assert!(page.contains("Content-Security-Policy"));
    assert!(page.contains("default-src 'none'"));
    // All 11 categories of the guideline table, with their risk text.
    for c in &s.catalog.guideline.categories {
        assert!(
            page.contains(&format!("id=\"cat-{}\"", c.id)),
            "category {}",
            c.id
        );
    }
}

#[test]
fn the_handover_lists_manual_measures_and_signatures() {
    let s = scan();
    let md = render(&s, Format::Md, Lang::Ja);
    let manual: Vec<_> = s
        .catalog
        .guideline
        .measures
        .iter()
        .filter(|m| !m.scanner_checkable)
        .collect();
    assert!(!manual.is_empty());
    for m in manual {
        let line = md
            .lines()
            .find(|l| l.starts_with("- [ ] ") && l.contains(&m.id))
            .unwrap_or_else(|| panic!("measure {} missing from the checklist", m.id));
        assert!(line.contains(m.level.label(Lang::Ja)));
    }
    for checkable in s
        .catalog
        .guideline
        .measures
        .iter()
        .filter(|m| m.scanner_checkable)
    {
        assert!(!md.contains(&format!("- [ ] {} ", checkable.id)));
    }
    for needle in [
        "設定者",
        "設定管理者",
        "利用側環境の設定",
        "提供側環境の設定",
        "SEC-42",
    ] {
        assert!(md.contains(needle), "handover lacks {needle}");
    }
    let en = render(&s, Format::Md, Lang::En);
    assert!(en.contains("Sign-off") && en.contains("Accepted risks"));
}

#[test]
fn junit_is_well_formed_with_one_case_per_finding() {
    let s = scan();
    let xml = render(&s, Format::Junit, Lang::Ja);
    assert_eq!(xml.matches("<testcase ").count(), s.findings.len());
    let count = |st: Status| s.findings.iter().filter(|f| f.status == st).count();
    assert_eq!(xml.matches("<failure ").count(), count(Status::Fail));
    assert_eq!(xml.matches("<error ").count(), count(Status::Error));
    assert_eq!(xml.matches("<skipped ").count(), count(Status::Muted));
    // Well-formed: Python's XML parser reads it.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("junit.xml");
    std::fs::write(&p, &xml).unwrap();
    let out = std::process::Command::new(support::python())
        .args([
            "-c",
            "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(len(r.findall('.//testcase')))",
        ])
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        s.findings.len().to_string()
    );
}
