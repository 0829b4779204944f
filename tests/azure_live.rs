//! The Azure adapter, live: `settei collect azure` / `settei scan azure`
//! against our local Resource Manager and Graph stand-in
//! (`fixtures/azure/server.py`, bodies from Microsoft's published REST
//! examples, see `fixtures/azure/SOURCES.md`), signed in through a fake
//! `az` on PATH with no `AZURE_*` variable set.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use support::azure::{collect_and_scan, settei, AzureServer, FakeAz, DEV, PROD, TENANT, TOKEN};

/// Rules the seeded tenant exercises on one side only, with the side they
/// lack (the rule fixtures cover it): the tenant's one Entra ID policy
/// passes or fails each rule once, and the one alert the dev subscription
/// has on purpose (policy assignment writes) makes its rule pass in both.
const ONE_SIDED: &[(&str, &str)] = &[
    ("AZURE-ENTRA-001", "FAIL"),
    ("AZURE-ENTRA-002", "PASS"),
    ("AZURE-ENTRA-003", "FAIL"),
    ("AZURE-ENTRA-004", "PASS"),
    ("AZURE-MONITOR-002", "FAIL"),
];

/// Every finding of the seeded tenant: `STATUS RULE SUBSCRIPTION/NAME`.
const EXPECTED: &str = include_str!("azure_expected.txt");

fn sub_label(s: &str) -> &'static str {
    if s == PROD {
        "prod"
    } else if s == DEV {
        "dev"
    } else {
        panic!("unknown subscription {s}")
    }
}

/// One line per finding, as in [`EXPECTED`].
fn lines(subscription: &str, report: &serde_json::Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}/{}",
                f["status"].as_str().unwrap().to_uppercase(),
                f["rule_id"].as_str().unwrap(),
                sub_label(subscription),
                f["resource_name"].as_str().unwrap()
            )
        })
        .collect()
}

/// (rule, resource id) → (status, error operation) of a report.
type Outcomes = BTreeMap<(String, String), (String, Option<String>)>;

fn outcomes(report: &serde_json::Value) -> Outcomes {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["resource_id"].as_str().unwrap().to_string(),
                ),
                (
                    f["status"].as_str().unwrap().to_string(),
                    f["error"]["operation"].as_str().map(str::to_string),
                ),
            )
        })
        .collect()
}

fn scan_both(
    server: &AzureServer,
    az: &FakeAz,
    extra: &[&str],
) -> Vec<(String, serde_json::Value, serde_json::Value)> {
    let dir = tempfile::tempdir().unwrap();
    [PROD, DEV]
        .iter()
        .map(|s| {
            let (snap, report) = collect_and_scan(server, az, s, extra, dir.path());
            (s.to_string(), snap, report)
        })
        .collect()
}

#[test]
fn every_finding_of_the_seeded_tenant_through_the_cli_credential() {
    let server = AzureServer::start(&[]);
    let az = FakeAz::new(TOKEN);
    let catalog = settei_rules::Catalog::embedded().unwrap();
    let mut kinds = BTreeSet::new();
    let mut got = BTreeSet::new();
    for (sub, snap, report) in scan_both(&server, &az, &[]) {
        // Every collected resource has the shape its kind schema declares.
        for r in snap["resources"].as_array().unwrap() {
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
        assert_eq!(snap["provider"], "azure");
        assert_eq!(snap["account"], sub.as_str());
        assert_eq!(snap["scope"]["tenant"], TENANT);
        assert!(snap["scope"]["name"]
            .as_str()
            .unwrap()
            .starts_with("settei-demo-"));
        assert!(
            snap["errors"].as_array().unwrap().is_empty(),
            "a clean scan has no collection error: {:#}",
            snap["errors"]
        );
        got.extend(lines(&sub, &report));
    }
    // Every Azure kind is collected from the seeded tenant.
    let declared: BTreeSet<String> = catalog
        .kinds
        .values()
        .filter(|k| k.provider == settei_model::Provider::Azure)
        .map(|k| k.kind.clone())
        .collect();
    assert_eq!(kinds, declared);
    let want: BTreeSet<String> = EXPECTED
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let unexpected: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "findings differ from tests/azure_expected.txt\nmissing:\n{}\nunexpected:\n{}",
        missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        unexpected
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    // Every Azure rule is exercised live, FAIL and PASS, but for the ones
    // listed (and in docs/testing.md) with the side they lack.
    let rules: BTreeSet<&str> = want.iter().filter_map(|l| l.split(' ').nth(1)).collect();
    let mut wrong = Vec::new();
    for rule in rules {
        let has = |status: &str| {
            want.iter()
                .any(|l| l.starts_with(&format!("{status} {rule} ")))
        };
        let lacks = match (has("FAIL"), has("PASS")) {
            (true, true) => None,
            (true, false) => Some("PASS"),
            (false, true) => Some("FAIL"),
            (false, false) => Some("both"),
        };
        let listed = ONE_SIDED.iter().find(|(r, _)| *r == rule).map(|(_, s)| *s);
        if lacks != listed {
            wrong.push(format!("{rule}: lacks live {lacks:?}, listed {listed:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let docs = std::fs::read_to_string(support::repo().join("docs/testing.md")).unwrap();
    for (rule, _) in ONE_SIDED {
        assert!(docs.contains(rule), "docs/testing.md does not list {rule}");
    }

    // Signed in through the Azure CLI, once per scope (tokens are cached).
    let calls = az.calls();
    assert!(!calls.is_empty());
    for c in &calls {
        assert!(
            c.starts_with("account get-access-token -o json --scope https://"),
            "{c}"
        );
    }
    let scopes: BTreeSet<&str> = calls
        .iter()
        .filter_map(|c| c.split("--scope ").nth(1))
        .collect();
    assert_eq!(
        scopes,
        BTreeSet::from([
            "https://graph.microsoft.com/.default",
            "https://management.azure.com/.default"
        ])
    );
    // Two processes (collect twice), two scopes each.
    assert_eq!(calls.len(), 4, "{calls:#?}");

    // Read-only on the wire: GET only, each request a listed read, every
    // listed read used, and listings followed page by page.
    let reqs = server.requests();
    let permissions: BTreeSet<&str> = settei_azure::operations::POLICY
        .permissions()
        .into_iter()
        .collect();
    let mut used = BTreeSet::new();
    for r in &reqs {
        assert_eq!(r["method"], "GET", "{r}");
        assert_eq!(r["status"], 200, "{r}");
        let action = r["action"].as_str().unwrap();
        let read = settei_azure::operations::READS
            .iter()
            .find(|x| x.name == action)
            .unwrap_or_else(|| panic!("{action} is not a listed read"));
        assert!(permissions.contains(read.permission));
        used.insert(action);
    }
    let listed: BTreeSet<&str> = settei_azure::operations::READS
        .iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(used, listed, "every listed read is used");
    assert!(reqs
        .iter()
        .any(|r| r["query"].as_str().unwrap().contains("%24skiptoken=")
            && r["action"] == "Microsoft.Storage/storageAccounts/read"));
    assert!(reqs
        .iter()
        .any(|r| r["query"].as_str().unwrap().contains("%24skiptoken=")
            && r["action"] == "Microsoft.Network/networkSecurityGroups/read"));
}

/// Denies each listed read alone and checks, against the clean scan, that
/// nothing becomes PASS and everything that changes is ERROR naming it.
#[test]
fn a_denied_read_is_error_naming_it_never_pass() {
    let az = FakeAz::new(TOKEN);
    let clean = AzureServer::start(&[]);
    let base: Vec<Outcomes> = scan_both(&clean, &az, &[])
        .iter()
        .map(|(_, _, r)| outcomes(r))
        .collect();
    let mut denied_ops = 0;
    for read in settei_azure::operations::READS {
        if read.name == settei_azure::operations::SUBSCRIPTIONS.name {
            continue; // without it nothing is scanned: see subscription_choice_and_sign_in
        }
        denied_ops += 1;
        let server = AzureServer::start(&["--deny", read.name]);
        let mut touched = false;
        for ((_, _, report), before) in scan_both(&server, &az, &[]).iter().zip(&base) {
            let after = outcomes(report);
            touched |= &after != before;
            for (key, (status, _)) in before {
                match after.get(key) {
                    Some((s, _)) if s == status => {}
                    Some((s, op)) => {
                        assert_eq!(
                            s, "ERROR",
                            "{key:?} went {status} → {s} with {} denied",
                            read.name
                        );
                        assert_eq!(op.as_deref(), Some(read.name), "{key:?}");
                    }
                    None => {
                        // The resource vanished with its listing: its rule is
                        // ERROR for the whole kind, naming the read.
                        assert!(
                            after.iter().any(|((rule, _), (s, op))| rule == &key.0
                                && s == "ERROR"
                                && op.as_deref() == Some(read.name)),
                            "{key:?} vanished without an error naming {}",
                            read.name
                        );
                    }
                }
            }
            for (key, (status, _)) in &after {
                if status == "PASS" {
                    assert_eq!(
                        before.get(key).map(|b| b.0.as_str()),
                        Some("PASS"),
                        "{key:?} became PASS"
                    );
                }
            }
        }
        // Every read decides something: denying it changes some finding.
        assert!(touched, "denying {} changes nothing", read.name);
    }
    assert_eq!(denied_ops, settei_azure::operations::READS.len() - 1);
}

#[test]
fn throttling_hangs_and_garbage_are_errors_with_their_cause() {
    let az = FakeAz::new(TOKEN);
    let causes = |server: &AzureServer, extra: &[&str], rule_prefix: &str| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (_, _, report) in scan_both(server, &az, extra) {
            for f in report["findings"].as_array().unwrap() {
                let rule = f["rule_id"].as_str().unwrap();
                if rule.starts_with(rule_prefix) {
                    assert_ne!(f["status"], "PASS", "{f}");
                    out.insert(f["error"]["cause"].as_str().unwrap_or("none").to_string());
                }
            }
        }
        out
    };
    let throttled = AzureServer::start(&["--throttle", "Microsoft.Storage/*"]);
    assert_eq!(
        causes(&throttled, &["--max-attempts", "2"], "AZURE-STORAGE-"),
        BTreeSet::from(["throttled".to_string()])
    );
    let hung = AzureServer::start(&["--hang", "Microsoft.KeyVault/*"]);
    assert_eq!(
        causes(&hung, &["--call-timeout", "2"], "AZURE-KEYVAULT-"),
        BTreeSet::from(["timeout".to_string()])
    );
    let garbled = AzureServer::start(&["--garble", "Microsoft.Network/*"]);
    assert_eq!(
        causes(&garbled, &[], "AZURE-NETWORK-"),
        BTreeSet::from(["unknown_shape".to_string()])
    );

    // Throttled once per path, answered after Retry-After: the same
    // findings as a clean scan.
    let clean = AzureServer::start(&[]);
    let once = AzureServer::start(&["--throttle-once", "*"]);
    let a: Vec<Outcomes> = scan_both(&clean, &az, &[])
        .iter()
        .map(|(_, _, r)| outcomes(r))
        .collect();
    let b: Vec<Outcomes> = scan_both(&once, &az, &[])
        .iter()
        .map(|(_, _, r)| outcomes(r))
        .collect();
    assert_eq!(a, b);
    assert!(once.requests().iter().any(|r| r["status"] == 429));
}

#[test]
fn subscription_choice_and_sign_in() {
    let server = AzureServer::start(&[]);
    let az = FakeAz::new(TOKEN);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    let o = out.to_str().unwrap();
    // Two visible subscriptions and none chosen: a usage error naming both.
    let r = settei(
        &az,
        &["collect", "azure", "--endpoint-url", &server.url, "-o", o],
    );
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains(PROD) && err.contains(DEV) && err.contains("--subscription"),
        "{err}"
    );
    assert!(!out.exists());
    // One not visible: named, with what is.
    let r = settei(
        &az,
        &[
            "collect",
            "azure",
            "--subscription",
            "00000000-0000-0000-0000-000000000000",
            "--endpoint-url",
            &server.url,
            "-o",
            o,
        ],
    );
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("not visible"));
    // A token the server refuses: a clear error, nothing written.
    let bad = FakeAz::new("expired-token");
    let r = settei(
        &bad,
        &[
            "collect",
            "azure",
            "--subscription",
            PROD,
            "--endpoint-url",
            &server.url,
            "-o",
            o,
        ],
    );
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("InvalidAuthenticationToken"), "{err}");
    assert!(!out.exists());
    // Plain http off loopback is refused before anything is sent.
    let before = server.requests().len();
    let r = settei(
        &az,
        &[
            "collect",
            "azure",
            "--subscription",
            PROD,
            "--endpoint-url",
            "http://192.0.2.10:8080",
            "-o",
            o,
        ],
    );
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("loopback"));
    assert_eq!(server.requests().len(), before);
    // Managed identity is never chosen by default, and asking for the
    // environment's service principal without its variables says what is
    // missing (no request is made).
    let r = settei(
        &az,
        &[
            "collect",
            "azure",
            "--auth",
            "env",
            "--subscription",
            PROD,
            "--endpoint-url",
            &server.url,
            "-o",
            o,
        ],
    );
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("AZURE_TENANT_ID"));
}

/// The server checks each request's api-version against the version its
/// fixtures follow; the adapter pins its own. They must be the same table.
#[test]
fn the_adapter_and_the_fixtures_pin_the_same_api_versions() {
    let text =
        std::fs::read_to_string(support::repo().join("fixtures/azure/api-versions.json")).unwrap();
    let fixtures: BTreeMap<String, String> = serde_json::from_str(&text).unwrap();
    let adapter: BTreeMap<String, String> = settei_azure::operations::READS
        .iter()
        .filter_map(|r| {
            let v = r.api_version?;
            Some((r.name.trim_end_matches("/read").to_string(), v.to_string()))
        })
        .collect();
    assert_eq!(adapter, fixtures);
}
