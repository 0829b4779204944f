//! Every rule against its pass and fail fixtures, in one test that lists
//! every problem at once.
//!
//! Layout: `fixtures/rules/<RULE-ID>/{pass,fail}/*.json`, each file a snapshot
//! fragment `{"resources": [...]}`. Every resource in a pass fixture must
//! PASS the rule; every resource in a fail fixture must FAIL it; every
//! resource in a `skip/` fixture (for rules with `applies_when`) must get
//! no finding at all. A rule without both pass and fail fixtures fails the
//! test, and so does a fixture directory without a rule.
//!
//! The fixtures must also prove every clause: dropping any one clause of a
//! condition (an operand of its outermost `&&`/`||`, the body of an
//! `all`/`exists`) must change the result on some fixture, and a FAIL
//! fixture's evidence must name an observed attribute of a clause that
//! failed.

use std::path::{Path, PathBuf};

use settei_model::{Resource, Snapshot, Status};
use settei_rules::{mutate, Catalog, Rule};

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
        for (expect, sub) in [
            (Some(Status::Pass), "pass"),
            (Some(Status::Fail), "fail"),
            (None, "skip"),
        ] {
            let dir = root.join(&rule.id).join(sub);
            let files = json_files(&dir);
            if sub == "skip" && !files.is_empty() && rule.applies_when.is_none() {
                problems.push(format!("{}: skip fixtures, but no applies_when", rule.id));
            }
            if files.is_empty() && expect.is_some() {
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
                let Some(expect) = expect else {
                    if !findings.is_empty() {
                        problems.push(format!(
                            "{shown}: {} findings for resources the rule does not apply to: {:?}",
                            findings.len(),
                            findings.iter().map(|f| &f.resource_id).collect::<Vec<_>>()
                        ));
                    }
                    continue;
                };
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

/// The resources of a rule's fixtures, with the status each must have.
fn fixture_resources(rule: &Rule) -> Vec<(String, Status, Resource)> {
    let mut out = Vec::new();
    for (expect, sub) in [(Status::Pass, "pass"), (Status::Fail, "fail")] {
        for file in json_files(&fixtures_root().join(&rule.id).join(sub)) {
            let text = std::fs::read_to_string(&file).expect("readable fixture");
            let Ok(fragment) = serde_json::from_str::<Fragment>(&text) else {
                continue; // reported by every_rule_passes_and_fails_its_fixtures
            };
            let shown = format!(
                "{}/{sub}/{}",
                rule.id,
                file.file_name().unwrap().to_string_lossy()
            );
            out.extend(
                fragment
                    .resources
                    .into_iter()
                    .map(|r| (shown.clone(), expect, r)),
            );
        }
    }
    out
}

#[test]
fn every_clause_of_every_rule_is_exercised_by_a_fixture() {
    let catalog =
        Catalog::embedded().unwrap_or_else(|d| panic!("embedded rules do not load:\n{d}"));
    let mut problems: Vec<String> = Vec::new();
    let (mut clauses, mut exercised) = (0usize, 0usize);
    for rule in &catalog.rules {
        let program = &rule.compiled.program;
        let fixtures = fixture_resources(rule);
        let original: Vec<Status> = fixtures
            .iter()
            .map(|(_, _, r)| settei_engine::evaluate_expr(rule, program.expression(), r).0)
            .collect();
        for m in mutate::mutants(&rule.condition, program.expression(), program.source_info()) {
            clauses += 1;
            let changed = fixtures.iter().zip(&original).any(|((_, _, r), before)| {
                settei_engine::evaluate_expr(rule, &m.expr, r).0 != *before
            });
            if changed {
                exercised += 1;
            } else {
                problems.push(format!(
                    "{}: no fixture changes its result when this clause is dropped: {}",
                    rule.id, m.label
                ));
            }
        }

        // A FAIL must be explained by the attributes it shows.
        let Some(kind) = catalog.kinds.get(rule.kind.as_str()) else {
            continue; // rules on every kind: their conditions read resource.*
        };
        let params = settei_rules::check::params_type(&rule.params);
        // The clauses that decide a FAIL: under `&&`, the false ones; under
        // `||`, all of them; under `!`, the other way round.
        let (parts, failing_is): (Vec<&cel::IdedExpr>, Option<Status>) =
            match mutate::top_chain(program.expression()) {
                Some(("_&&_", operands, false)) => (operands, Some(Status::Fail)),
                Some(("_||_", operands, true)) => (operands, Some(Status::Pass)),
                Some((_, operands, _)) => (operands, None),
                None => (vec![program.expression()], None),
            };
        for (shown, expect, resource) in &fixtures {
            if *expect != Status::Fail {
                continue;
            }
            let failing: Vec<String> = parts
                .iter()
                .filter(|c| {
                    failing_is
                        .is_none_or(|s| settei_engine::evaluate_expr(rule, c, resource).0 == s)
                })
                .flat_map(|c| {
                    settei_rules::check::reads_of(c, program.source_info(), &kind.root, &params)
                })
                .filter(|p| !p.starts_with("params."))
                .collect();
            // Observed: the attribute is in the resource (null included: "no
            // key" is an answer), not absent.
            let named = failing.iter().any(|p| {
                p.starts_with("resource.")
                    || resource
                        .attributes
                        .contains_key(p.split(['.', '[']).next().unwrap_or(p))
            });
            if !named {
                problems.push(format!(
                    "{shown}: {} fails `{}`, but no failing clause reads an observed attribute ({failing:?})",
                    rule.id, resource.id
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s); {exercised} of {clauses} clauses exercised:\n{}",
        problems.len(),
        problems.join("\n")
    );
    eprintln!(
        "{} rules, {clauses} clauses, every one exercised",
        catalog.rules.len()
    );
}
