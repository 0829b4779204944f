//! The `settei` binary, end to end: output, languages, exit codes, and the
//! errors a user gets for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/snapshots/demo-aws.json"
);

fn settei(args: &[&str]) -> Output {
    settei_env(args, &[("LANG", "C.UTF-8")])
}

fn settei_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_settei"));
    cmd.args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env_remove("SETTEI_LOG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("settei runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}
fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn scan_groups_findings_by_category_in_both_languages() {
    let ja = settei(&["scan", "--snapshot", DEMO, "--lang", "ja"]);
    assert_eq!(ja.status.code(), Some(0), "{}", stderr(&ja));
    let out = stdout(&ja);
    assert!(out.contains("■ 1 IDとアクセス管理"), "{out}");
    assert!(
        out.contains("想定されるリスク: クラウドサービスの一般利用者と管理者"),
        "{out}"
    );
    assert!(out.contains("不適合"), "{out}");
    assert!(out.contains("ガイドライン類型別の結果"), "{out}");
    // The risk description is printed once per category group.
    assert_eq!(
        out.matches("想定されるリスク: クラウドサービスの一般利用者と管理者")
            .count(),
        1
    );

    let en = settei(&["scan", "--snapshot", DEMO, "--lang", "en"]);
    let out = stdout(&en);
    assert!(out.contains("■ 1 Identity and access management"), "{out}");
    assert!(out.contains("Results by guideline category"), "{out}");
    assert!(!out.contains("不適合"), "{out}");
}

#[test]
fn language_defaults_to_the_locale() {
    let ja = settei_env(&["scan", "--snapshot", DEMO], &[("LANG", "ja_JP.UTF-8")]);
    assert!(stdout(&ja).contains("ガイドライン類型別の結果"));
    let en = settei_env(
        &["scan", "--snapshot", DEMO],
        &[("LANG", "ja_JP.UTF-8"), ("LC_ALL", "en_US.UTF-8")],
    );
    assert!(stdout(&en).contains("Results by guideline category"));
    let c = settei_env(&["scan", "--snapshot", DEMO], &[]);
    assert!(stdout(&c).contains("Results by guideline category"));
}

#[test]
fn collection_errors_show_as_error_findings() {
    let o = settei(&["scan", "--snapshot", DEMO, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let errors: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "ERROR")
        .collect();
    assert!(!errors.is_empty());
    for f in &errors {
        assert!(f["error"]["cause"].is_string(), "{f}");
        assert!(f["message"]["ja"]
            .as_str()
            .unwrap()
            .contains("評価できません"));
    }
    assert!(report["collection_errors"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
}

#[test]
fn fail_on_sets_the_exit_code() {
    assert_eq!(
        settei(&["scan", "--snapshot", DEMO, "--fail-on", "critical"])
            .status
            .code(),
        Some(1)
    );
    // The demo's only informational failure (a used VPC without an S3
    // endpoint) fails `--fail-on info`, but not a higher threshold.
    let info = |fail_on: &str| {
        settei(&[
            "scan",
            "--snapshot",
            DEMO,
            "--severity",
            "info",
            "--fail-on",
            fail_on,
        ])
    };
    assert_eq!(info("info").status.code(), Some(1));
    let o = info("low");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        settei(&["scan", "--snapshot", DEMO, "--fail-on", "bogus"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn filters_apply_to_output() {
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        "json",
        "--category",
        "3",
        "--status",
        "fail",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|f| f["category"] == "3" && f["status"] == "FAIL"));
    let bad = settei(&["scan", "--snapshot", DEMO, "--category", "9"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("unknown category `9`"));
}

#[test]
fn malformed_snapshot_reports_file_line_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bad.json",
        "{\n  \"schema_version\": 1,\n  \"provider\": \"aws\",\n  oops\n}\n",
    );
    let o = settei(&["scan", "--snapshot", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{}:4:3: error: invalid snapshot", p.display())),
        "{}",
        stderr(&o)
    );

    // Right JSON, wrong shape of one resource's settings.
    let text = std::fs::read_to_string(DEMO).unwrap().replacen(
        "\"root_mfa_enabled\": false",
        "\"root_mfa_enabled\": \"no\"",
        1,
    );
    assert!(
        text.contains("\"no\""),
        "the demo has a root_mfa_enabled=false to corrupt"
    );
    let p = write(dir.path(), "typed.json", &text);
    let o = settei(&["scan", "--snapshot", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:", p.display())) && err.contains("`root_mfa_enabled`"),
        "{err}"
    );

    // A future format version is refused, not guessed at.
    let text = std::fs::read_to_string(DEMO).unwrap().replacen(
        "\"schema_version\": 1",
        "\"schema_version\": 99",
        1,
    );
    let p = write(dir.path(), "future.json", &text);
    let o = settei(&["scan", "--snapshot", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("version 99 is not supported"),
        "{}",
        stderr(&o)
    );
}

const GOOD_RULE: &str = r#"id = "AWS-S3-900"
provider = "aws"
kind = "aws.s3.bucket"
severity = "low"
category = "3"
measures = ["III.3.1.1"]
references = []
condition = "r.versioning == 'Enabled'"

[title]
ja = "バージョニングが有効になっている"
en = "Bucket versioning is enabled"

[risk]
ja = "誤って削除したオブジェクトを復元できません。"
en = "Deleted objects cannot be recovered."

[remediation]
ja = "バージョニングを有効にします。"
en = "Enable versioning."
"#;

#[test]
fn extra_rules_directory_adds_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "aws/s3/AWS-S3-900.toml", GOOD_RULE);
    let d = dir.path().to_str().unwrap();
    let v = settei(&["validate-rules", d]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    let o = settei(&["scan", "--snapshot", DEMO, "--rules", d, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "AWS-S3-900"));
}

#[test]
fn malformed_rules_report_every_problem_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    // 1: unknown key; 2: CEL reading an undeclared attribute; 3: unknown category and missing English.
    write(
        dir.path(),
        "aws/s3/AWS-S3-901.toml",
        &GOOD_RULE
            .replace("AWS-S3-900", "AWS-S3-901")
            .replace("references = []", "references = []\nowner = \"me\""),
    );
    write(
        dir.path(),
        "aws/s3/AWS-S3-902.toml",
        &GOOD_RULE
            .replace("AWS-S3-900", "AWS-S3-902")
            .replace("r.versioning", "r.versoning"),
    );
    write(
        dir.path(),
        "aws/s3/AWS-S3-903.toml",
        &GOOD_RULE
            .replace("AWS-S3-900", "AWS-S3-903")
            .replace("category = \"3\"", "category = \"8\"")
            .replace("en = \"Deleted objects cannot be recovered.\"", "en = \"\""),
    );
    write(
        dir.path(),
        "aws/s3/AWS-S3-904.toml",
        &GOOD_RULE
            .replace("AWS-S3-900", "AWS-S3-904")
            .replace("== 'Enabled'", "== ("),
    );
    let o = settei(&["validate-rules", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let at = |file: &str, line: usize| {
        format!("{}:{line}:", dir.path().join("aws/s3").join(file).display())
    };
    assert!(
        err.contains(&at("AWS-S3-901.toml", 8)) && err.contains("unknown field `owner`"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}15: error: `versoning` is not in the schema",
            at("AWS-S3-902.toml", 8)
        )),
        "{err}"
    );
    assert!(
        err.contains(&at("AWS-S3-903.toml", 5)) && err.contains("unknown guideline category `8`"),
        "{err}"
    );
    assert!(
        err.contains("`risk` needs both `ja` and `en` text"),
        "{err}"
    );
    assert!(
        err.contains(&at("AWS-S3-904.toml", 8)) && err.contains("CEL syntax error"),
        "{err}"
    );
    assert!(err.contains("5 problem(s) in rules"), "{err}");
}

#[test]
fn config_params_mutes_and_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    let demo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DEMO).unwrap()).unwrap();
    // Mute the first critical FAIL of the demo.
    let o = settei(&["scan", "--snapshot", DEMO, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let target = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["status"] == "FAIL" && f["severity"] == "critical")
        .unwrap()
        .clone();
    let cfg = write(
        dir.path(),
        "settei.toml",
        &format!(
            "[[mute]]\nrule = {}\nresource = {}\nreason = \"accepted for the demo\"\nowner = \"secops\"\nexpires = 2999-12-31\n",
            target["rule_id"], target["resource_id"]
        ),
    );
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        "json",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let muted = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == target["id"])
        .unwrap();
    assert_eq!(muted["status"], "MUTED");
    assert_eq!(muted["mute"]["owner"], "secops");
    assert!(demo["resources"].is_array());

    // An expired mute does not apply.
    std::fs::write(
        &cfg,
        std::fs::read_to_string(&cfg)
            .unwrap()
            .replace("2999-12-31", "2000-01-01"),
    )
    .unwrap();
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        "json",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == target["id"])
            .unwrap()["status"],
        "FAIL"
    );

    // Errors: unknown key, unknown rule, wrong parameter type, mute without owner.
    let bad = write(
        dir.path(),
        "bad.toml",
        "[params.AWS-IAM-006]\nmax_unused_days = \"forty\"\n\n[params.AWS-NOPE-001]\nx = 1\n\n[[mute]]\nrule = \"AWS-S3-003\"\nreason = \"r\"\nowner = \"\"\nexpires = 2027-01-01\n",
    );
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let shown = bad.display().to_string();
    assert!(
        err.contains(&format!("{shown}:2:19: error: parameter `max_unused_days`")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{shown}:4:9: error: unknown rule `AWS-NOPE-001`")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{shown}:10:9: error: a mute needs a non-empty `owner`"
        )),
        "{err}"
    );

    let unknown = write(dir.path(), "unknown.toml", "[mutes]\n");
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--config",
        unknown.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "{}:1:2: error: unknown field `mutes`",
            unknown.display()
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn parameters_from_config_change_results() {
    let dir = tempfile::tempdir().unwrap();
    let run = |cfg: Option<&Path>| {
        let mut args = vec!["scan", "--snapshot", DEMO, "--format", "json"];
        if let Some(c) = cfg {
            args.extend(["--config", c.to_str().unwrap()]);
        }
        let o = settei(&args);
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == "AWS-IAM-003" && f["status"] == "FAIL")
            .count()
    };
    let cfg = write(
        dir.path(),
        "lenient.toml",
        "[params.AWS-IAM-003]\nmin_length = 1\n",
    );
    assert!(run(None) > 0, "the demo's password policy is weak");
    assert_eq!(run(Some(&cfg)), 0);
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(report["findings"].is_array());

    // Bad input: the existing report is left untouched and nothing else appears.
    let bad = write(dir.path(), "bad.json", "{");
    let before = std::fs::read_to_string(&out).unwrap();
    let o = settei(&[
        "scan",
        "--snapshot",
        bad.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), before);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    // Unwritable destination: exit 2, no file.
    let missing = dir.path().join("no/such/dir/report.json");
    let o = settei(&["scan", "--snapshot", DEMO, "-o", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!missing.exists());
}

#[test]
fn rules_and_guideline_commands() {
    let list = stdout(&settei(&["rules", "list", "--lang", "ja"]));
    assert!(list.lines().count() >= 15, "{list}");
    assert!(list.contains("AWS-IAM-001") && list.contains("ルートユーザーで MFA が有効"));
    let show = settei(&["rules", "show", "AWS-EC2-001", "--lang", "en"]);
    let text = stdout(&show);
    assert!(
        text.contains("4.2 Network")
            && text.contains("cis-aws-3.0:5.2")
            && text.contains("admin_ports = [22,3389]"),
        "{text}"
    );
    assert_eq!(settei(&["rules", "show", "NOPE"]).status.code(), Some(2));
    let g = stdout(&settei(&["guideline", "--lang", "ja"]));
    for id in [
        "1 ",
        "2 ロギングとモニタリング",
        "4.1 ",
        "4.2 ",
        "6.4 ",
        "7 その他の設定項目",
    ] {
        assert!(g.contains(id), "{id} missing from:\n{g}");
    }
    assert!(
        !g.contains("ログインとモニタリング"),
        "the guideline's misprint is fixed"
    );
}

#[test]
fn untrusted_strings_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(DEMO).unwrap();
    let mut snap: serde_json::Value = serde_json::from_str(&text).unwrap();
    let res = snap["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["kind"] == "aws.ec2.security_group")
        .unwrap();
    res["name"] = serde_json::json!("evil\u{1b}]0;pwned\u{7}\nFAKE LINE");
    let p = write(dir.path(), "evil.json", &snap.to_string());
    let o = settei(&["scan", "--snapshot", p.to_str().unwrap(), "--show-pass"]);
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(!out.lines().any(|l| l.starts_with("FAKE LINE")));
}

#[test]
fn several_formats_in_one_run_each_to_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let sarif = dir.path().join("r.sarif");
    let csv = dir.path().join("r.csv");
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        "html,sarif",
        "--format",
        "csv",
        "-o",
        html.to_str().unwrap(),
        "-o",
        sarif.to_str().unwrap(),
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(s["version"], "2.1.0");
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .starts_with('\u{feff}'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&html).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644, "reports are shareable files");
    }

    // A format without its file is a usage error, and nothing is written.
    let lone = dir.path().join("lone.html");
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        "html,json",
        "-o",
        lone.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("one -o FILE per --format"),
        "{}",
        stderr(&o)
    );
    assert!(!lone.exists());

    let o = settei(&["scan", "--snapshot", DEMO, "--format", "pdf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown format `pdf`"));
}

#[test]
fn a_stored_json_report_renders_like_the_scan_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("scan.json");
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    for format in ["csv", "md", "sarif", "junit", "html"] {
        let direct = settei(&[
            "scan",
            "--snapshot",
            DEMO,
            "--lang",
            "en",
            "--format",
            format,
        ]);
        let stored = settei(&[
            "report",
            "--input",
            json.to_str().unwrap(),
            "--lang",
            "en",
            "--format",
            format,
        ]);
        assert_eq!(stored.status.code(), Some(0), "{}", stderr(&stored));
        assert_eq!(
            stdout(&direct),
            stdout(&stored),
            "{format} from the stored report differs from the scan's"
        );
    }
    // `report --snapshot` evaluates like `scan --snapshot`.
    let a = settei(&["report", "--snapshot", DEMO, "--format", "json"]);
    let b = settei(&["scan", "--snapshot", DEMO, "--format", "json"]);
    assert_eq!(stdout(&a), stdout(&b));

    // A broken stored report: file, line and column.
    let bad = write(
        dir.path(),
        "bad.json",
        "{\n  \"report_format_version\": 1,\n  x\n}\n",
    );
    let o = settei(&["report", "--input", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "{}:3:3: error: invalid JSON report",
            bad.display()
        )),
        "{}",
        stderr(&o)
    );
}

/// `--status` filters what is shown, never what the CI gate sees.
#[test]
fn the_gate_ignores_the_status_filter() {
    let o = settei(&[
        "scan",
        "--snapshot",
        DEMO,
        "--status",
        "pass",
        "--fail-on",
        "high",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = settei(&["scan", "--snapshot", DEMO, "--status", "pass"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Reports are created as the user's umask allows, not forced to 0644.
#[cfg(unix)]
#[test]
fn reports_respect_the_umask() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let o = Command::new("sh")
        .arg("-c")
        .arg("umask 077 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_settei"))
        .args(["scan", "--snapshot", DEMO, "--format", "html", "-o"])
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mode = std::fs::metadata(&html).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("r.html")]);
}
