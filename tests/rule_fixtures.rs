//! Every rule against its pass and fail fixtures, in one test that lists
//! every problem at once.
//!
//! Layout: `fixtures/rules/<RULE-ID>/{pass,fail}/*.json`, each file a snapshot
//! fragment `{"resources": [...]}`. Every resource in a pass fixture must
//! PASS the rule; every resource in a fail fixture must FAIL it. A rule
//! without both kinds of fixture fails the test, and so does a fixture
//! directory without a rule.

use std::path::{Path, PathBuf};

use settei_model::{Resource, Snapshot, Status};
use settei_rules::Catalog;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Fragment {
    resources: Vec<Resource>,
}

#[test]
fn every_rule_passes_and_fails_its_fixtures() {
    let catalog =
        Catalog::embedded().unwrap_or_else(|d| panic!("embedded rules do not load:\n{d}"));
    let root = fixtures_root();
    let mut problems: Vec<String> = Vec::new();
    let mut checked = 0;

    for rule in &catalog.rules {
        for (expect, sub) in [(Status::Pass, "pass"), (Status::Fail, "fail")] {
            let dir = root.join(&rule.id).join(sub);
            let files = json_files(&dir);
            if files.is_empty() {
                problems.push(format!(
                    "{}: no {sub} fixture in {}",
                    rule.id,
                    dir.display()
                ));
                continue;
            }
            for file in files {
                let shown = file
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                let text = std::fs::read_to_string(&file).expect("readable fixture");
                let fragment: Fragment = match serde_json::from_str(&text) {
                    Ok(f) => f,
                    Err(e) => {
                        problems.push(format!("{shown}:{}:{}: {e}", e.line(), e.column()));
                        continue;
                    }
                };
                let mut snapshot =
                    Snapshot::new(rule.provider, "111122223333", "2026-11-20T00:00:00Z");
                snapshot.collected_kinds = vec![rule.kind.clone()];
                for r in &fragment.resources {
                    if !rule.applies_to(&r.kind) {
                        problems.push(format!(
                            "{shown}: resource `{}` has kind `{}`, the rule reads `{}`",
                            r.id, r.kind, rule.kind
                        ));
                        continue;
                    }
                    if !snapshot.collected_kinds.contains(&r.kind) {
                        snapshot.collected_kinds.push(r.kind.clone());
                    }
                    match catalog.kinds.get(&r.kind) {
                        Some(k) => {
                            if let Err(e) = k.check_attributes(&r.attributes) {
                                problems.push(format!("{shown}: resource `{}`: {e}", r.id));
                            }
                        }
                        None => problems.push(format!(
                            "{shown}: resource `{}` has undeclared kind `{}`",
                            r.id, r.kind
                        )),
                    }
                }
                snapshot.resources = fragment.resources;
                let findings: Vec<_> = settei_engine::evaluate(&catalog.rules, &snapshot)
                    .into_iter()
                    .filter(|f| f.rule_id == rule.id)
                    .collect();
                if findings.len() != snapshot.resources.len() {
                    problems.push(format!(
                        "{shown}: {} findings for {} resources",
                        findings.len(),
                        snapshot.resources.len()
                    ));
                }
                for f in &findings {
                    checked += 1;
                    if f.status != expect {
                        let why = f
                            .error
                            .as_ref()
                            .map(|e| format!(" ({})", e.message))
                            .unwrap_or_default();
                        problems.push(format!(
                            "{shown}: {} on `{}` is {}, expected {}{why}; evidence {:?}",
                            rule.id,
                            f.resource_id,
                            f.status.as_str(),
                            expect.as_str(),
                            f.evidence
                        ));
                    }
                }
            }
        }
    }

    // Fixture directories must belong to a rule.
    if let Ok(rd) = std::fs::read_dir(&root) {
        for entry in rd.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().to_string();
            if catalog.rule(&name).is_none() {
                problems.push(format!("fixtures/rules/{name}: no rule with this id"));
            }
        }
    }

    assert!(
        problems.is_empty(),
        "{} problem(s) in rule fixtures:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        checked >= 2 * catalog.rules.len(),
        "only {checked} fixture findings checked"
    );
}
