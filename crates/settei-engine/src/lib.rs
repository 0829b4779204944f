//! Pure evaluation: `evaluate(rules, snapshot) -> findings`.
//!
//! No I/O, no clock, no network. Each resource is converted to a CEL value
//! once and every rule of its kind is evaluated against that one value.
//!
//! The engine never fails open: a rule whose resource kind was not collected,
//! whose resource could not be read, or whose condition cannot be evaluated on
//! the data yields `ERROR` with the cause, never `PASS`.

mod evidence;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cel::{Context, Env};
use chrono::NaiveDate;
use settei_model::{
    finding_id, CollectionError, ErrorCause, Finding, FindingError, Lang, Resource, Snapshot,
    Status, Text,
};
use settei_rules::{Mute, Rule};

pub use evidence::project;
pub use settei_rules::value::json_to_cel;

/// Evaluates every rule of the snapshot's provider on the snapshot.
///
/// Findings are sorted by rule id, then resource id.
pub fn evaluate(rules: &[Rule], snapshot: &Snapshot) -> Vec<Finding> {
    let env = Arc::new(Env::stdlib());
    let rules: Vec<&Rule> = rules
        .iter()
        .filter(|r| r.provider == snapshot.provider)
        .collect();
    let params: Vec<cel::Value> = rules.iter().map(|r| params_of(r)).collect();
    let mut by_kind: HashMap<&str, Vec<usize>> = HashMap::new();
    let any_kind: Vec<usize> = (0..rules.len())
        .filter(|&i| rules[i].is_any_kind())
        .collect();
    for (i, r) in rules.iter().enumerate() {
        if !r.is_any_kind() {
            by_kind.entry(r.kind.as_str()).or_default().push(i);
        }
    }
    if !any_kind.is_empty() {
        let kinds: HashSet<&str> = snapshot.resources.iter().map(|r| r.kind.as_str()).collect();
        for k in kinds {
            let idx = by_kind.entry(k).or_default();
            idx.extend(any_kind.iter().filter(|&&i| rules[i].applies_to(k)));
            idx.sort_unstable();
        }
    }
    let mut kind_errors: HashMap<&str, Vec<&CollectionError>> = HashMap::new();
    let mut resource_errors: HashMap<&str, Vec<&CollectionError>> = HashMap::new();
    for e in &snapshot.errors {
        match &e.resource_id {
            Some(id) => resource_errors.entry(id.as_str()).or_default().push(e),
            None => kind_errors.entry(e.kind.as_str()).or_default().push(e),
        }
    }

    let mut findings = Vec::new();

    // Kinds that were not read at all, or not in some region; and, for
    // rules about every region, the enabled regions that were not read.
    let regions_kind = settei_model::regions_kind(snapshot.provider);
    let unscanned = snapshot.unscanned_regions();
    for (rule, params) in rules.iter().zip(&params) {
        let collected = snapshot.collected_kinds.iter().any(|k| rule.applies_to(k));
        let mut errors: Vec<&CollectionError> = kind_errors
            .iter()
            .filter(|(k, _)| rule.applies_to(k) || (rule.per_region && **k == regions_kind))
            .flat_map(|(_, e)| e.iter().copied())
            .collect();
        // Stable order whatever the map's.
        errors.sort_by(|a, b| (&a.kind, &a.region).cmp(&(&b.kind, &b.region)));
        if !collected && errors.is_empty() {
            let err = FindingError {
                cause: ErrorCause::NotCollected,
                operation: None,
                message: format!(
                    "the snapshot does not contain resource kind `{}`",
                    rule.kind
                ),
            };
            findings.push(scope_error(rule, snapshot, &rule.kind, None, err));
        }
        if rule.per_region {
            for region in &unscanned {
                if !applies_to_scope(rule, &env, params, &rule.kind, Some(region)) {
                    continue;
                }
                let err = FindingError {
                    cause: ErrorCause::NotScanned,
                    operation: None,
                    message: format!(
                        "region {region} is enabled for the account but was not read \
                         (scan it, or every enabled region, to judge it)"
                    ),
                };
                findings.push(scope_error(rule, snapshot, &rule.kind, Some(region), err));
            }
        }
        for e in errors {
            // The regions error speaks of the rule's own kind, in regions
            // nobody knows: it always applies.
            let regions_unknown = e.kind == regions_kind;
            let kind = if regions_unknown { &rule.kind } else { &e.kind };
            if !regions_unknown && !applies_to_scope(rule, &env, params, kind, e.region.as_deref())
            {
                continue;
            }
            let err = FindingError {
                cause: e.cause,
                operation: e.operation.clone(),
                message: e.message.clone(),
            };
            findings.push(scope_error(rule, snapshot, kind, e.region.as_deref(), err));
        }
    }

    for resource in &snapshot.resources {
        let Some(rule_idx) = by_kind.get(resource.kind.as_str()) else {
            continue;
        };
        let ctx = resource_context(env.clone(), resource);
        let errs = resource_errors
            .get(resource.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        for &i in rule_idx {
            let rule = rules[i];
            let mut scope = ctx.new_inner_scope();
            scope.add_variable_from_value("params", params[i].clone());
            if let Some((_, applies)) = &rule.applies_when {
                match outcome(applies.program.execute(&scope)) {
                    (Status::Pass, _) => {}
                    (Status::Fail, _) => continue,
                    (_, error) => {
                        findings.push(resource_finding(
                            rule,
                            snapshot,
                            resource,
                            Status::Error,
                            error,
                        ));
                        continue;
                    }
                }
            }
            if let Some(e) = blocking_error(rule, errs) {
                let err = FindingError {
                    cause: e.cause,
                    operation: e.operation.clone(),
                    message: e.message.clone(),
                };
                findings.push(resource_finding(
                    rule,
                    snapshot,
                    resource,
                    Status::Error,
                    Some(err),
                ));
                continue;
            }
            let (status, error) = outcome(rule.compiled.program.execute(&scope));
            findings.push(resource_finding(rule, snapshot, resource, status, error));
        }
    }
    // A resource whose basic read failed may be missing from the snapshot
    // altogether; its error must still surface, never vanish (invariant 1).
    let present: HashSet<&str> = snapshot.resources.iter().map(|r| r.id.as_str()).collect();
    let mut orphans: Vec<(&str, &Vec<&CollectionError>)> = resource_errors
        .iter()
        .filter(|(id, _)| !present.contains(*id))
        .map(|(id, errs)| (*id, errs))
        .collect();
    orphans.sort_by_key(|(id, _)| *id);
    for (id, errs) in orphans {
        for rule in &rules {
            if let Some(e) = errs.iter().find(|e| rule.applies_to(&e.kind)) {
                findings.push(orphan_error(rule, snapshot, id, e));
            }
        }
    }
    findings.sort_by(|a, b| (&a.rule_id, &a.resource_id).cmp(&(&b.rule_id, &b.resource_id)));
    findings
}

/// The rule's parameters as a CEL value.
fn params_of(rule: &Rule) -> cel::Value {
    let map: serde_json::Map<String, serde_json::Value> = rule.params.clone().into_iter().collect();
    settei_rules::value::map_to_cel(&map)
}

/// Whether a rule speaks about a whole kind in a region (for an error
/// recorded against it). Only an `applies_when` that reads nothing but the
/// kind, the region and parameters can rule a scope out; anything else
/// about the resources in it is unknown, so the rule applies.
fn applies_to_scope(
    rule: &Rule,
    env: &Arc<Env>,
    params: &cel::Value,
    kind: &str,
    region: Option<&str>,
) -> bool {
    let Some((_, applies)) = &rule.applies_when else {
        return true;
    };
    // An error without a region is about the kind everywhere (S3's bucket
    // listing), not about account-wide records: it may hold anything.
    let Some(region) = region else {
        return true;
    };
    let decidable = applies
        .reads
        .iter()
        .all(|p| p == "resource.kind" || p == "resource.region" || p.starts_with("params."));
    if !decidable {
        return true;
    }
    let scope = Resource {
        id: String::new(),
        kind: kind.to_string(),
        region: region.to_string(),
        name: String::new(),
        tags: Default::default(),
        attributes: Default::default(),
    };
    let ctx = resource_context(env.clone(), &scope);
    let mut inner = ctx.new_inner_scope();
    inner.add_variable_from_value("params", params.clone());
    outcome(applies.program.execute(&inner)).0 != Status::Fail
}

/// The variables a condition sees for one resource: `r` and `resource`.
fn resource_context(env: Arc<Env>, resource: &Resource) -> Context<'static, 'static> {
    let attrs = settei_rules::value::map_to_cel(&resource.attributes);
    let meta = json_to_cel(&serde_json::json!({
        "id": resource.id,
        "kind": resource.kind,
        "name": resource.name,
        "region": resource.region,
        "tags": resource.tags,
    }));
    let mut ctx = Context::with_env(env);
    ctx.add_variable_from_value("r", attrs);
    ctx.add_variable_from_value("resource", meta);
    ctx
}

/// A condition's result as a status: only `true` passes.
fn outcome(result: cel::ResolveResult) -> (Status, Option<FindingError>) {
    let error = |message: String| {
        Some(FindingError {
            cause: ErrorCause::Evaluation,
            operation: None,
            message,
        })
    };
    match result {
        Ok(cel::Value::Bool(true)) => (Status::Pass, None),
        Ok(cel::Value::Bool(false)) => (Status::Fail, None),
        Ok(other) => (
            Status::Error,
            error(format!("the condition returned {other:?}, not a bool")),
        ),
        Err(e) => (Status::Error, error(e.to_string())),
    }
}

/// Evaluates `expr`, the rule's condition or a variant of it (see
/// `settei_rules::mutate`), on one resource with the rule's parameters,
/// exactly as [`evaluate`] evaluates the condition itself. Collection
/// errors are not consulted: this answers what the expression says of the
/// attributes.
pub fn evaluate_expr(
    rule: &Rule,
    expr: &cel::IdedExpr,
    resource: &Resource,
) -> (Status, Option<FindingError>) {
    let ctx = resource_context(Arc::new(Env::stdlib()), resource);
    let mut scope = ctx.new_inner_scope();
    scope.add_variable_from_value("params", params_of(rule));
    outcome(cel::Value::resolve(expr, &scope))
}

/// Turns FAIL findings that an unexpired mute matches into MUTED.
///
/// Only FAIL is muted: an ERROR means the setting is unknown, and accepting
/// an unknown risk would let a scan fail open.
pub fn apply_mutes(findings: &mut [Finding], mutes: &[Mute], today: NaiveDate) {
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        if let Some(m) = mutes
            .iter()
            .find(|m| m.applies(&f.rule_id, &f.resource_id, today))
        {
            f.status = Status::Muted;
            f.mute = Some(m.info());
        }
    }
}

/// The collection error, if any, that makes `rule` unevaluable on a resource.
fn blocking_error<'a>(rule: &Rule, errs: &[&'a CollectionError]) -> Option<&'a CollectionError> {
    errs.iter().copied().find(|e| {
        rule.applies_to(&e.kind)
            && rule
                .compiled
                .reads
                .iter()
                .filter(|p| !p.starts_with("resource.") && !p.starts_with("params."))
                .any(|p| {
                    let top = p.split(['.', '[']).next().unwrap_or(p);
                    e.covers_attribute(top)
                })
    })
}

fn resource_finding(
    rule: &Rule,
    snapshot: &Snapshot,
    resource: &Resource,
    status: Status,
    error: Option<FindingError>,
) -> Finding {
    let evidence = evidence::collect(rule, resource);
    Finding {
        id: finding_id(&rule.id, &resource.id),
        rule_id: rule.id.clone(),
        status,
        severity: rule.severity,
        category: rule.category.clone(),
        provider: snapshot.provider,
        account: snapshot.account.clone(),
        message: message(rule, &resource.name, status, error.as_ref()),
        resource_id: resource.id.clone(),
        resource_kind: resource.kind.clone(),
        resource_name: resource.name.clone(),
        region: resource.region.clone(),
        tags: resource.tags.clone(),
        evidence,
        error,
        mute: None,
    }
}

/// An ERROR finding for a resource that the collector named in an error but
/// could not describe at all, so it is absent from the snapshot.
fn orphan_error(rule: &Rule, snapshot: &Snapshot, id: &str, e: &CollectionError) -> Finding {
    let err = FindingError {
        cause: e.cause,
        operation: e.operation.clone(),
        message: e.message.clone(),
    };
    let name = id.rsplit([':', '/']).next().unwrap_or(id).to_string();
    let region = e.region.clone().unwrap_or_else(|| "global".to_string());
    Finding {
        id: finding_id(&rule.id, id),
        rule_id: rule.id.clone(),
        status: Status::Error,
        severity: rule.severity,
        category: rule.category.clone(),
        provider: snapshot.provider,
        account: snapshot.account.clone(),
        message: message(rule, &name, Status::Error, Some(&err)),
        resource_id: id.to_string(),
        resource_kind: e.kind.clone(),
        resource_name: name,
        region,
        tags: Default::default(),
        evidence: Default::default(),
        error: Some(err),
        mute: None,
    }
}

/// An ERROR finding for a whole kind (in one region, or everywhere).
fn scope_error(
    rule: &Rule,
    snapshot: &Snapshot,
    kind: &str,
    region: Option<&str>,
    err: FindingError,
) -> Finding {
    let region = region.unwrap_or("global");
    let resource_id = format!(
        "{}:{}:{}:{kind}",
        snapshot.provider, snapshot.account, region
    );
    let name = format!("{kind} ({region})");
    Finding {
        id: finding_id(&rule.id, &resource_id),
        rule_id: rule.id.clone(),
        status: Status::Error,
        severity: rule.severity,
        category: rule.category.clone(),
        provider: snapshot.provider,
        account: snapshot.account.clone(),
        message: message(rule, &name, Status::Error, Some(&err)),
        resource_id,
        resource_kind: kind.to_string(),
        resource_name: name,
        region: region.to_string(),
        tags: Default::default(),
        evidence: Default::default(),
        error: Some(err),
        mute: None,
    }
}

fn message(rule: &Rule, name: &str, status: Status, error: Option<&FindingError>) -> Text {
    let t = &rule.title;
    match (status, error) {
        (Status::Error, Some(e)) => {
            let op = |lang| match &e.operation {
                Some(op) => format!("{}, {op}", e.cause.label(lang)),
                None => e.cause.label(lang).to_string(),
            };
            Text {
                ja: format!(
                    "「{name}」を評価できません（{}）: {}",
                    op(Lang::Ja),
                    e.message
                ),
                en: format!(
                    "{name} could not be evaluated ({}): {}",
                    op(Lang::En),
                    e.message
                ),
            }
        }
        (Status::Pass, _) => Text {
            ja: format!("「{name}」: {}", t.ja),
            en: format!("{name}: {}", t.en),
        },
        _ => Text {
            ja: format!("「{name}」が次を満たしていません: {}", t.ja),
            en: format!("{name} does not meet: {}", t.en),
        },
    }
}
