//! The HTML report in a real browser (Debian's headless Chromium through
//! chromedriver): it loads offline, switches language, filters, and a
//! resource named `<img src=x onerror=alert(1)>` stays text. A screenshot of
//! each state is written next to the test's temporary files and its path
//! printed, for a human to look at.

mod support;

use std::path::Path;

use support::webdriver::Browser;

fn settei(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_settei"))
        .args(args)
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap()
}

fn report(dir: &Path, format: &str) -> std::path::PathBuf {
    let repo = support::repo();
    let ext = if format == "json" { "json" } else { "html" };
    let out = dir.join(format!("report-{format}.{ext}"));
    let o = settei(&[
        "scan",
        "--snapshot",
        repo.join("fixtures/reports/hostile-aws.json")
            .to_str()
            .unwrap(),
        "--config",
        repo.join("fixtures/reports/settei.toml").to_str().unwrap(),
        "--lang",
        "ja",
        "--format",
        format,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn the_html_report_works_in_a_browser_and_cloud_values_stay_inert() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), "html");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report(dir.path(), "json")).unwrap())
            .unwrap();
    let findings = json["findings"].as_array().unwrap();
    let count = |s: &str| findings.iter().filter(|f| f["status"] == s).count();

    let b = Browser::start();
    b.open(&html);
    assert_eq!(b.eval("return document.documentElement.dataset.ready"), "1");
    assert_eq!(b.alert_text(), None, "a script from the data ran");

    // Japanese by default (--lang ja): Japanese headings visible, English hidden.
    let visible = |css: &str| {
        b.eval(&format!(
            "var e = document.querySelector({css:?}); return !!e && e.getClientRects().length > 0"
        ))
    };
    assert_eq!(visible("header h1 .ja"), true);
    assert_eq!(visible("header h1 .en"), false);
    assert_eq!(
        b.eval("return document.getElementById('f-count').dataset.matching"),
        findings.len().to_string()
    );
    // All 11 categories in the summary table, each with its chart.
    assert_eq!(
        b.eval("return document.querySelectorAll('table.categories tbody tr svg.bar').length"),
        11
    );
    let shots = std::env::temp_dir().join("settei-html-report");
    std::fs::create_dir_all(&shots).unwrap();
    let save = |name: &str| {
        let png = b.screenshot();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
        let p = shots.join(name);
        std::fs::write(&p, png).unwrap();
        eprintln!("screenshot: {}", p.display());
    };
    save("1-summary-ja.png");

    // Switch to English.
    b.click("#lang-en");
    assert_eq!(b.eval("return document.documentElement.lang"), "en");
    assert_eq!(visible("header h1 .en"), true);
    assert_eq!(visible("header h1 .ja"), false);
    assert_eq!(
        b.eval("return document.querySelector('#f-status option[value=\"0\"]').textContent"),
        "Fail"
    );

    // Filter to FAIL only: the count and the cards follow.
    b.click("#f-status option[value=\"0\"]");
    assert_eq!(
        b.eval("return document.getElementById('f-count').dataset.matching"),
        count("FAIL").to_string()
    );
    assert_eq!(
        b.eval("return document.querySelectorAll('#finding-list .finding.s-fail').length"),
        count("FAIL")
    );
    assert_eq!(
        b.eval("return document.querySelectorAll('#finding-list .finding:not(.s-fail)').length"),
        0
    );
    b.eval("document.getElementById('findings').scrollIntoView(); return 0");
    save("2-findings-fail-en.png");

    // Search for the hostile bucket: it is listed, its name shown as text.
    b.type_into("#f-text", "onerror");
    let hostile = b.eval(
        "return Array.from(document.querySelectorAll('#finding-list .finding .res')).map(e => e.textContent)",
    );
    let hostile = hostile.as_array().unwrap();
    assert!(!hostile.is_empty());
    assert!(hostile
        .iter()
        .all(|t| t.as_str().unwrap().contains("<img src=x onerror=alert(1)>")));
    assert_eq!(b.eval("return document.querySelectorAll('img').length"), 0);
    assert_eq!(
        b.eval("return document.querySelectorAll('script').length"),
        2,
        "the data block and the page script, nothing injected"
    );
    let tags = b.eval(
        "return Array.from(document.querySelectorAll('#finding-list .kvline')).map(e => e.textContent).join(' ')",
    );
    assert!(tags
        .as_str()
        .unwrap()
        .contains("</script><script>alert(2)</script>"));
    assert_eq!(b.alert_text(), None, "an injected handler ran");
    save("3-hostile-bucket.png");

    // Back to Japanese: the filter labels follow the language.
    b.click("#lang-ja");
    assert_eq!(
        b.eval("return document.querySelector('#f-status option[value=\"0\"]').textContent"),
        "不適合"
    );
}

#[test]
fn the_handover_view_renders_for_print() {
    let dir = tempfile::tempdir().unwrap();
    let page = report(dir.path(), "handover");
    let b = Browser::start();
    b.open(&page);
    assert_eq!(
        b.eval("return document.querySelectorAll('ul.check li').length > 0"),
        true
    );
    assert_eq!(
        b.eval("return document.querySelectorAll('img, script').length"),
        0
    );
    assert_eq!(b.alert_text(), None);
    let png = b.screenshot();
    assert!(png.starts_with(b"\x89PNG"));
}
