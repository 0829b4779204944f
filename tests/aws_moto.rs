//! Live collection against a real AWS API emulator (moto in server mode,
//! started on 127.0.0.1 by `support::Moto`). Seeds the demo account with
//! `fixtures/moto/seed.py` and asserts what settei reports about it.
//!
//! What moto 5.2.5 cannot answer shows up here as ERROR findings, exactly as
//! it would against a real account that answered that way (docs/testing.md):
//! - the credential report has no `<root_account>` row (root rules are covered
//!   by the recorded report in `fixtures/aws/credential-report.csv`);
//! - GetBucketVersioning answers with the wrong root element;
//! - IAM Access Analyzer ListAnalyzers is not implemented (HTTP 500);
//! - EC2 and RDS are not collected by this adapter yet, so their rules report
//!   the kinds as not collected.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use settei_rules::Catalog;
use support::{collect_and_scan, settei, FaultProxy, Moto};

/// (rule, resource) for the findings with `status`; KMS key ids are random
/// per run, so only their region is kept.
fn pairs(report: &Value, status: &str) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == status)
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                stable(f["resource_id"].as_str().unwrap()),
            )
        })
        .collect()
}

fn stable(resource_id: &str) -> String {
    match resource_id.find(":key/") {
        Some(i) => format!("{}:key/*", &resource_id[..i]),
        None => resource_id.to_string(),
    }
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn assert_same(what: &str, got: &BTreeSet<(String, String)>, want: &BTreeSet<(String, String)>) {
    let missing: Vec<_> = want.difference(got).collect();
    let extra: Vec<_> = got.difference(want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing {missing:#?}\nunexpected {extra:#?}"
    );
}

const FAIL: &[(&str, &str)] = &[
    (
        "AWS-ACCOUNT-001",
        "arn:aws:account::123456789012:alternate-contact/security",
    ),
    (
        "AWS-CLOUDTRAIL-002",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
    ),
    (
        "AWS-CLOUDTRAIL-003",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
    ),
    (
        "AWS-CLOUDTRAIL-008",
        "arn:aws:cloudtrail::123456789012:account",
    ),
    (
        "AWS-CLOUDWATCH-002",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-004",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-005",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-006",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-007",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-008",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-009",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-010",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-011",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-012",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-013",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-014",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-015",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CONFIG-001",
        "arn:aws:config:ap-northeast-1:123456789012:settings",
    ),
    (
        "AWS-GUARDDUTY-001",
        "arn:aws:guardduty:us-east-1:123456789012:settings",
    ),
    ("AWS-IAM-001", "arn:aws:iam::123456789012:root"),
    ("AWS-IAM-003", "arn:aws:iam::123456789012:password-policy"),
    ("AWS-IAM-004", "arn:aws:iam::123456789012:password-policy"),
    ("AWS-IAM-005", "arn:aws:iam::123456789012:user/bob"),
    ("AWS-IAM-008", "arn:aws:iam::123456789012:user/bob"),
    ("AWS-IAM-009", "arn:aws:iam::123456789012:user/bob"),
    ("AWS-IAM-010", "arn:aws:iam::123456789012:root"),
    ("AWS-IAM-012", "arn:aws:iam::123456789012:user/bob"),
    (
        "AWS-IAM-013",
        "arn:aws:iam::123456789012:policy/AdminEverything",
    ),
    ("AWS-IAM-016", "arn:aws:iam::123456789012:role/open-role"),
    (
        "AWS-IAM-017",
        "arn:aws:iam::123456789012:role/vendor-access",
    ),
    (
        "AWS-IAM-018",
        "arn:aws:iam::123456789012:policy/AdminEverything",
    ),
    ("AWS-KMS-001", "arn:aws:kms:us-east-1:123456789012:key/*"),
    (
        "AWS-LOGS-001",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:app-logs",
    ),
    (
        "AWS-LOGS-002",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:app-logs",
    ),
    (
        "AWS-LOGS-002",
        "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail-main",
    ),
    ("AWS-S3-001", "arn:aws:s3:::acme-access-logs"),
    ("AWS-S3-001", "arn:aws:s3:::acme-public-site"),
    ("AWS-S3-003", "arn:aws:s3:::acme-access-logs"),
    ("AWS-S3-003", "arn:aws:s3:::acme-public-site"),
    ("AWS-S3-004", "arn:aws:s3:::acme-access-logs"),
    ("AWS-S3-004", "arn:aws:s3:::acme-public-site"),
    ("AWS-S3-005", "arn:aws:s3:::acme-public-site"),
    ("AWS-S3-006", "arn:aws:s3:::acme-access-logs"),
    ("AWS-S3-006", "arn:aws:s3:::acme-public-site"),
    ("AWS-S3-007", "arn:aws:s3:::account/123456789012"),
    ("AWS-S3-008", "arn:aws:s3:::acme-access-logs"),
    ("AWS-S3-008", "arn:aws:s3:::acme-public-site"),
    ("AWS-S3-008", "arn:aws:s3:::acme-trail-logs"),
    (
        "AWS-SECURITYHUB-001",
        "arn:aws:securityhub:us-east-1:123456789012:settings",
    ),
];

const ERROR: &[(&str, &str, &str)] = &[
    (
        "AWS-ACCESSANALYZER-001",
        "aws:123456789012:ap-northeast-1:aws.accessanalyzer.region",
        "other",
    ),
    (
        "AWS-ACCESSANALYZER-001",
        "aws:123456789012:us-east-1:aws.accessanalyzer.region",
        "other",
    ),
    (
        "AWS-ACCESSANALYZER-002",
        "aws:123456789012:ap-northeast-1:aws.accessanalyzer.region",
        "other",
    ),
    (
        "AWS-ACCESSANALYZER-002",
        "aws:123456789012:us-east-1:aws.accessanalyzer.region",
        "other",
    ),
    (
        "AWS-EC2-001",
        "aws:123456789012:global:aws.ec2.security_group",
        "not_collected",
    ),
    (
        "AWS-EC2-002",
        "aws:123456789012:global:aws.ec2.security_group",
        "not_collected",
    ),
    (
        "AWS-EC2-003",
        "aws:123456789012:global:aws.ec2.security_group",
        "not_collected",
    ),
    (
        "AWS-IAM-011",
        "arn:aws:iam::123456789012:root",
        "unknown_shape",
    ),
    (
        "AWS-RDS-001",
        "aws:123456789012:global:aws.rds.instance",
        "not_collected",
    ),
    (
        "AWS-RDS-002",
        "aws:123456789012:global:aws.rds.instance",
        "not_collected",
    ),
    (
        "AWS-RDS-003",
        "aws:123456789012:global:aws.rds.instance",
        "not_collected",
    ),
    (
        "AWS-RDS-004",
        "aws:123456789012:global:aws.rds.instance",
        "not_collected",
    ),
    (
        "AWS-S3-002",
        "arn:aws:s3:::acme-access-logs",
        "unknown_shape",
    ),
    (
        "AWS-S3-002",
        "arn:aws:s3:::acme-public-site",
        "unknown_shape",
    ),
    (
        "AWS-S3-002",
        "arn:aws:s3:::acme-trail-logs",
        "unknown_shape",
    ),
    (
        "AWS-S3-009",
        "arn:aws:s3:::acme-access-logs",
        "unknown_shape",
    ),
    (
        "AWS-S3-009",
        "arn:aws:s3:::acme-public-site",
        "unknown_shape",
    ),
    (
        "AWS-S3-009",
        "arn:aws:s3:::acme-trail-logs",
        "unknown_shape",
    ),
];

const PASS: &[(&str, &str)] = &[
    (
        "AWS-CLOUDTRAIL-001",
        "arn:aws:cloudtrail::123456789012:account",
    ),
    (
        "AWS-CLOUDTRAIL-004",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
    ),
    (
        "AWS-CLOUDTRAIL-005",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
    ),
    (
        "AWS-CLOUDTRAIL-006",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
    ),
    (
        "AWS-CLOUDTRAIL-007",
        "arn:aws:cloudtrail::123456789012:account",
    ),
    (
        "AWS-CLOUDTRAIL-009",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
    ),
    (
        "AWS-CLOUDWATCH-001",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CLOUDWATCH-003",
        "arn:aws:cloudwatch::123456789012:security-monitoring",
    ),
    (
        "AWS-CONFIG-001",
        "arn:aws:config:us-east-1:123456789012:settings",
    ),
    (
        "AWS-GUARDDUTY-001",
        "arn:aws:guardduty:ap-northeast-1:123456789012:settings",
    ),
    ("AWS-IAM-002", "arn:aws:iam::123456789012:root"),
    ("AWS-IAM-005", "arn:aws:iam::123456789012:user/alice"),
    ("AWS-IAM-006", "arn:aws:iam::123456789012:user/alice"),
    ("AWS-IAM-006", "arn:aws:iam::123456789012:user/bob"),
    ("AWS-IAM-007", "arn:aws:iam::123456789012:user/alice"),
    ("AWS-IAM-007", "arn:aws:iam::123456789012:user/bob"),
    ("AWS-IAM-008", "arn:aws:iam::123456789012:user/alice"),
    ("AWS-IAM-009", "arn:aws:iam::123456789012:user/alice"),
    ("AWS-IAM-012", "arn:aws:iam::123456789012:user/alice"),
    ("AWS-IAM-013", "arn:aws:iam::123456789012:policy/S3ReadOnly"),
    ("AWS-IAM-014", "arn:aws:iam::123456789012:root"),
    ("AWS-IAM-015", "arn:aws:iam::123456789012:root"),
    (
        "AWS-IAM-016",
        "arn:aws:iam::123456789012:role/auditor-access",
    ),
    (
        "AWS-IAM-016",
        "arn:aws:iam::123456789012:role/cloudtrail-to-cloudwatch",
    ),
    ("AWS-IAM-016", "arn:aws:iam::123456789012:role/support"),
    (
        "AWS-IAM-016",
        "arn:aws:iam::123456789012:role/vendor-access",
    ),
    (
        "AWS-IAM-017",
        "arn:aws:iam::123456789012:role/auditor-access",
    ),
    (
        "AWS-IAM-017",
        "arn:aws:iam::123456789012:role/cloudtrail-to-cloudwatch",
    ),
    ("AWS-IAM-017", "arn:aws:iam::123456789012:role/open-role"),
    ("AWS-IAM-017", "arn:aws:iam::123456789012:role/support"),
    ("AWS-IAM-018", "arn:aws:iam::123456789012:policy/S3ReadOnly"),
    ("AWS-IAM-019", "arn:aws:iam::123456789012:user/alice"),
    ("AWS-IAM-019", "arn:aws:iam::123456789012:user/bob"),
    (
        "AWS-KMS-001",
        "arn:aws:kms:ap-northeast-1:123456789012:key/*",
    ),
    (
        "AWS-KMS-002",
        "arn:aws:kms:ap-northeast-1:123456789012:key/*",
    ),
    ("AWS-KMS-002", "arn:aws:kms:us-east-1:123456789012:key/*"),
    (
        "AWS-LOGS-001",
        "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail-main",
    ),
    ("AWS-S3-001", "arn:aws:s3:::acme-trail-logs"),
    ("AWS-S3-003", "arn:aws:s3:::acme-trail-logs"),
    ("AWS-S3-004", "arn:aws:s3:::acme-trail-logs"),
    ("AWS-S3-005", "arn:aws:s3:::acme-access-logs"),
    ("AWS-S3-005", "arn:aws:s3:::acme-trail-logs"),
    ("AWS-S3-006", "arn:aws:s3:::acme-trail-logs"),
    (
        "AWS-SECURITYHUB-001",
        "arn:aws:securityhub:ap-northeast-1:123456789012:settings",
    ),
];

#[test]
fn live_scan_reports_exactly_the_seeded_settings() {
    let moto = Moto::start();
    moto.seed();
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("live.json");
    let out = settei(&[
        "scan",
        "aws",
        "--endpoint-url",
        &moto.url,
        "--region",
        "ap-northeast-1",
        "--region",
        "us-east-1",
        "--save-snapshot",
        snap.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "scan aws failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();

    assert_same("FAIL", &pairs(&report, "FAIL"), &set(FAIL));
    assert_same("PASS", &pairs(&report, "PASS"), &set(PASS));
    let errors: Vec<(&str, &str)> = ERROR.iter().map(|(r, id, _)| (*r, *id)).collect();
    assert_same("ERROR", &pairs(&report, "ERROR"), &set(&errors));
    for f in report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "ERROR")
    {
        let (_, _, cause) = ERROR
            .iter()
            .find(|(r, id, _)| f["rule_id"] == *r && f["resource_id"] == *id)
            .unwrap();
        assert_eq!(f["error"]["cause"], *cause, "cause of {f}");
        assert!(
            !f["message"]["ja"].as_str().unwrap().is_empty()
                && !f["message"]["en"].as_str().unwrap().is_empty()
        );
    }

    // Every collected resource has the shape its kind schema declares, so
    // rules never read a field the collector does not write.
    let catalog = Catalog::embedded().unwrap();
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    assert_eq!(snapshot["account"], "123456789012");
    let mut kinds = BTreeSet::new();
    for r in snapshot["resources"].as_array().unwrap() {
        let kind = r["kind"].as_str().unwrap();
        kinds.insert(kind.to_string());
        let schema = catalog
            .kinds
            .get(kind)
            .unwrap_or_else(|| panic!("no schema for {kind}"));
        if let Err(e) = schema.check_attributes(r["attributes"].as_object().unwrap()) {
            panic!("{} ({kind}): {e}", r["id"]);
        }
    }
    for k in [
        "aws.iam.account",
        "aws.iam.user",
        "aws.iam.role",
        "aws.iam.policy",
        "aws.iam.password_policy",
        "aws.s3.account",
        "aws.s3.bucket",
        "aws.cloudtrail.trail",
        "aws.cloudtrail.account",
        "aws.cloudwatch.monitoring",
        "aws.config.region",
        "aws.guardduty.region",
        "aws.securityhub.region",
        "aws.logs.log_group",
        "aws.kms.key",
        "aws.account.contact",
    ] {
        assert!(kinds.contains(k), "no {k} collected");
    }

    // Stable ids: a second, separate collection of the same account gives
    // every finding the same id.
    let (_, again) = collect_and_scan(&moto.url, &[]);
    let ids = |r: &Value| -> BTreeSet<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !f["resource_id"].as_str().unwrap().contains(":key/"))
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&report), ids(&again));
}

/// Whether one logged request is a read, judged from the wire alone.
fn read_only(req: &Value) -> Result<(), String> {
    let op = req["op"].as_str().unwrap_or_default();
    let method = req["method"].as_str().unwrap_or_default();
    let path = req["path"].as_str().unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    let named_read = |op: &str| {
        ["Get", "List", "Describe", "Lookup"].iter().any(|p| {
            op.strip_prefix(p)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        }) || op == "GenerateCredentialReport"
    };
    let ok = match req["protocol"].as_str().unwrap_or_default() {
        // JSON and query protocols name the operation on the wire.
        "json" | "query" => named_read(op),
        // REST protocols: reads are GET/HEAD; the few read operations that
        // POST are named here one by one.
        _ => {
            matches!(method, "GET" | "HEAD")
                || (method == "POST"
                    && matches!(
                        (req["service"].as_str().unwrap_or_default(), path),
                        ("account", "/getAlternateContact")
                            | ("access-analyzer", "/finding")
                            | ("securityhub", "/standards/get")
                    ))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{} {method} {path} ({op})", req["service"]))
    }
}

#[test]
fn collector_sends_only_read_requests() {
    let moto = Moto::start();
    moto.seed();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let proxy = FaultProxy::start(&moto.url, &log, &[]);
    let (_, report) = collect_and_scan(&proxy.url, &[]);
    assert!(report["summary"].is_object());

    let requests: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The log really saw the collection: every service was called.
    let services: BTreeSet<&str> = requests
        .iter()
        .filter_map(|r| r["service"].as_str())
        .collect();
    for s in [
        "iam",
        "sts",
        "s3",
        "cloudtrail",
        "logs",
        "monitoring",
        "config",
        "guardduty",
        "securityhub",
        "kms",
        "account",
    ] {
        assert!(services.contains(s), "no request to {s}: {services:?}");
    }
    let writes: Vec<String> = requests.iter().filter_map(|r| read_only(r).err()).collect();
    assert!(
        writes.is_empty(),
        "{} of {} requests were not reads: {writes:#?}",
        writes.len(),
        requests.len()
    );

    // The classifier itself rejects writes of each protocol.
    let write = |protocol: &str, service: &str, op: &str, method: &str, path: &str| serde_json::json!({"protocol": protocol, "service": service, "op": op, "method": method, "path": path});
    for w in [
        write("query", "iam", "CreateUser", "POST", "/"),
        write(
            "query",
            "iam",
            "GenerateServiceLastAccessedDetails",
            "POST",
            "/",
        ),
        write("json", "kms", "GenerateDataKey", "POST", "/"),
        write("json", "cloudtrail", "StopLogging", "POST", "/"),
        write("s3", "s3", "PUT /bucket", "PUT", "/bucket?policy"),
        write("s3", "s3", "DELETE /bucket", "DELETE", "/bucket"),
        write("rest", "guardduty", "POST /detector", "POST", "/detector"),
        write(
            "rest",
            "account",
            "POST /putAlternateContact",
            "POST",
            "/putAlternateContact",
        ),
    ] {
        assert!(read_only(&w).is_err(), "classified as a read: {w}");
    }
}

#[test]
fn unreadable_settings_are_errors_never_passes() {
    let moto = Moto::start();
    moto.seed();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let proxy = FaultProxy::start(
        &moto.url,
        &log,
        &[
            "--deny",
            "GetBucketPolicy",
            "--deny",
            "ListUsers",
            "--throttle",
            "DescribeTrails",
            "--hang",
            "GetDetector=40",
        ],
    );
    let (snapshot, report) =
        collect_and_scan(&proxy.url, &["--max-attempts", "2", "--call-timeout", "30"]);
    let findings = report["findings"].as_array().unwrap();
    let of =
        |rule: &str| -> Vec<&Value> { findings.iter().filter(|f| f["rule_id"] == rule).collect() };

    // (With adaptive retry, the client's rate limiter waits 8-20 s before
    // retrying a throttled call; the call timeout leaves room for that, and
    // the hung call outlasts it.)
    // Each denied/throttled/hung read makes the rules that need it ERROR,
    // naming the cause and the operation; none of them passes.
    let expect_error = |rule: &str, cause: &str, operation: &str| {
        let fs = of(rule);
        assert!(!fs.is_empty(), "{rule}: no findings");
        for f in fs {
            assert_eq!(f["status"], "ERROR", "{rule}: {f}");
            assert_eq!(f["error"]["cause"], cause, "{rule}: {f}");
            assert_eq!(f["error"]["operation"], operation, "{rule}: {f}");
        }
    };
    // GetBucketPolicy denied: the HTTPS-only and public-bucket rules on every bucket.
    expect_error("AWS-S3-001", "access_denied", "s3:GetBucketPolicy");
    assert_eq!(of("AWS-S3-001").len(), 3);
    // ListUsers denied: every user rule.
    for rule in [
        "AWS-IAM-005",
        "AWS-IAM-006",
        "AWS-IAM-007",
        "AWS-IAM-008",
        "AWS-IAM-009",
        "AWS-IAM-012",
        "AWS-IAM-019",
    ] {
        expect_error(rule, "access_denied", "iam:ListUsers");
    }
    // DescribeTrails throttled past the retries, in both regions.
    for rule in [
        "AWS-CLOUDTRAIL-002",
        "AWS-CLOUDTRAIL-003",
        "AWS-CLOUDTRAIL-009",
    ] {
        expect_error(rule, "throttled", "cloudtrail:DescribeTrails");
        assert_eq!(of(rule).len(), 2, "{rule}: one ERROR per region");
    }
    // The account-wide trail questions and the alarms depend on the trails.
    for rule in [
        "AWS-CLOUDTRAIL-001",
        "AWS-CLOUDTRAIL-007",
        "AWS-CLOUDWATCH-001",
        "AWS-CLOUDWATCH-003",
    ] {
        let fs = of(rule);
        assert_eq!(fs.len(), 1);
        assert_eq!(fs[0]["status"], "ERROR", "{rule}");
        assert_eq!(fs[0]["error"]["cause"], "throttled", "{rule}");
    }
    // GetDetector hung past the call timeout in Tokyo (the region with a detector).
    let gd: Vec<&Value> = of("AWS-GUARDDUTY-001");
    let tokyo = gd.iter().find(|f| f["region"] == "ap-northeast-1").unwrap();
    assert_eq!(tokyo["status"], "ERROR", "{tokyo}");
    assert_eq!(tokyo["error"]["cause"], "timeout");

    // Throttled calls were retried up to --max-attempts, then given up.
    let throttled = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"DescribeTrails\""))
        .count();
    assert_eq!(throttled, 4, "2 regions x 2 attempts");

    // What could be read is still reported: the scan completed.
    assert!(pairs(&report, "FAIL").contains(&(
        "AWS-IAM-004".into(),
        "arn:aws:iam::123456789012:password-policy".into()
    )));
    assert!(pairs(&report, "PASS")
        .contains(&("AWS-S3-003".into(), "arn:aws:s3:::acme-trail-logs".into())));
    // And the snapshot records each failure with its cause.
    let causes: BTreeSet<&str> = snapshot["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["cause"].as_str())
        .collect();
    for c in ["access_denied", "throttled", "timeout"] {
        assert!(causes.contains(c), "no {c} in {causes:?}");
    }
}
