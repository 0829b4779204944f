//! The engine's promises, checked over the whole embedded rule set.

use settei_model::{CollectionError, ErrorCause, Provider, Resource, Snapshot, Status};
use settei_rules::Catalog;

fn catalog() -> Catalog {
    Catalog::embedded().unwrap_or_else(|d| panic!("embedded rules do not load:\n{d}"))
}

fn resource(kind: &str, id: &str, attributes: serde_json::Value) -> Resource {
    Resource {
        id: id.to_string(),
        kind: kind.to_string(),
        region: "ap-northeast-1".to_string(),
        name: id.rsplit(['/', ':']).next().unwrap_or(id).to_string(),
        tags: Default::default(),
        attributes: attributes.as_object().cloned().unwrap_or_default(),
    }
}

fn all_kinds(c: &Catalog) -> Vec<String> {
    c.kinds.keys().cloned().collect()
}

/// Invariant 1: a resource whose settings are unknown never passes.
#[test]
fn unreadable_settings_are_error_never_pass() {
    let c = catalog();
    let mut snap = Snapshot::new(Provider::Aws, "111122223333", "2026-11-20T00:00:00Z");
    snap.collected_kinds = all_kinds(&c);
    for (i, kind) in c.kinds.keys().enumerate() {
        snap.resources.push(resource(
            kind,
            &format!("arn:aws:test::111122223333:r/{i}"),
            serde_json::json!({}),
        ));
    }
    let findings = settei_engine::evaluate(&c.rules, &snap);
    // Rules on every kind (`aws.*`, e.g. residency) read only the resource's
    // identity, which is known; they are decided, once per resource.
    let any_kind: Vec<&str> = c
        .rules
        .iter()
        .filter(|r| r.provider == Provider::Aws && r.is_any_kind())
        .map(|r| r.id.as_str())
        .collect();
    assert!(!any_kind.is_empty());
    let (identity, findings): (Vec<_>, Vec<_>) = findings
        .into_iter()
        .partition(|f| any_kind.contains(&f.rule_id.as_str()));
    // (Its `applies_when` leaves out the per-region settings records.)
    assert!(!identity.is_empty() && identity.len() <= any_kind.len() * c.kinds.len());
    assert!(identity.iter().all(|f| f.status != Status::Error));
    let aws_rules = c
        .rules
        .iter()
        .filter(|r| r.provider == Provider::Aws && !r.is_any_kind())
        .count();
    assert_eq!(findings.len(), aws_rules, "one finding per rule");
    for f in &findings {
        assert_eq!(
            f.status,
            Status::Error,
            "{} passed or failed on a resource with no settings: {f:?}",
            f.rule_id
        );
        let e = f.error.as_ref().expect("ERROR carries its cause");
        assert_eq!(e.cause, ErrorCause::Evaluation);
        assert!(
            f.message.ja.contains("評価できません")
                && f.message.en.contains("could not be evaluated")
        );
    }
}

/// Invariant 1: a kind that could not be listed yields ERROR naming the cause.
#[test]
fn collection_errors_become_error_findings_with_the_cause() {
    let c = catalog();
    let mut snap = Snapshot::new(Provider::Aws, "111122223333", "2026-11-20T00:00:00Z");
    snap.collected_kinds = all_kinds(&c);
    snap.errors.push(CollectionError {
        kind: "aws.s3.bucket".into(),
        region: Some("us-east-1".into()),
        resource_id: None,
        attributes: vec![],
        cause: ErrorCause::AccessDenied,
        operation: Some("s3:ListBuckets".into()),
        message: "Access Denied".into(),
    });
    let findings = settei_engine::evaluate(&c.rules, &snap);
    let s3_rules: Vec<_> = c
        .rules
        .iter()
        .filter(|r| r.kind == "aws.s3.bucket")
        .collect();
    assert!(!s3_rules.is_empty());
    for r in s3_rules {
        let f: Vec<_> = findings.iter().filter(|f| f.rule_id == r.id).collect();
        assert_eq!(f.len(), 1, "{}: {f:?}", r.id);
        assert_eq!(f[0].status, Status::Error);
        assert_eq!(f[0].region, "us-east-1");
        assert_eq!(f[0].error.as_ref().unwrap().cause, ErrorCause::AccessDenied);
        assert!(
            f[0].message.en.contains("access denied, s3:ListBuckets"),
            "{}",
            f[0].message.en
        );
        assert!(
            f[0].message.ja.contains("アクセス拒否"),
            "{}",
            f[0].message.ja
        );
    }
}

/// Invariant 1: a kind missing from the snapshot is not silently skipped.
#[test]
fn kinds_not_collected_are_error() {
    let c = catalog();
    let mut snap = Snapshot::new(Provider::Aws, "111122223333", "2026-11-20T00:00:00Z");
    snap.collected_kinds = all_kinds(&c)
        .into_iter()
        .filter(|k| k != "aws.kms.key")
        .collect();
    let findings = settei_engine::evaluate(&c.rules, &snap);
    let kms: Vec<_> = findings
        .iter()
        .filter(|f| f.resource_kind == "aws.kms.key")
        .collect();
    assert!(!kms.is_empty());
    assert!(kms.iter().all(|f| f.status == Status::Error
        && f.error.as_ref().unwrap().cause == ErrorCause::NotCollected));
    // Every other kind was collected and is empty: nothing to report.
    assert_eq!(findings.len(), kms.len());
}

/// A per-resource error blocks exactly the rules that read the lost attributes.
#[test]
fn resource_errors_block_only_rules_reading_those_attributes() {
    let c = catalog();
    let mut snap = Snapshot::new(Provider::Aws, "111122223333", "2026-11-20T00:00:00Z");
    snap.collected_kinds = all_kinds(&c);
    let id = "arn:aws:s3:::restricted";
    snap.resources.push(resource(
        "aws.s3.bucket",
        id,
        serde_json::json!({
            "public_access_block": { "block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true },
            "acl_public_grants": [],
            "encryption": { "enabled": true, "algorithm": "aws:kms" },
            "versioning": "Enabled",
            "mfa_delete": false,
            "access_logging": true,
            "object_ownership": "BucketOwnerEnforced"
        }),
    ));
    snap.errors.push(CollectionError {
        kind: "aws.s3.bucket".into(),
        region: Some("ap-northeast-1".into()),
        resource_id: Some(id.into()),
        attributes: vec![
            "policy_public".into(),
            "policy_denies_insecure_transport".into(),
        ],
        cause: ErrorCause::AccessDenied,
        operation: Some("s3:GetBucketPolicy".into()),
        message: "not authorized to perform: s3:GetBucketPolicy".into(),
    });
    let findings = settei_engine::evaluate(&c.rules, &snap);
    for f in &findings {
        let rule = c.rule(&f.rule_id).unwrap();
        let reads_policy = rule.compiled.reads.iter().any(|p| p.starts_with("policy_"));
        if reads_policy {
            assert_eq!(f.status, Status::Error, "{}", f.rule_id);
            assert_eq!(
                f.error.as_ref().unwrap().operation.as_deref(),
                Some("s3:GetBucketPolicy")
            );
        } else {
            assert_ne!(
                f.status,
                Status::Error,
                "{} should evaluate: {f:?}",
                f.rule_id
            );
        }
    }
    assert!(findings.iter().any(|f| f.status == Status::Error));
    assert!(findings.iter().any(|f| f.status != Status::Error));
}

/// Invariant 4: ids are stable, and output does not depend on input order.
#[test]
fn findings_are_deterministic_and_ids_stable() {
    let c = catalog();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/snapshots/demo-aws.json"
    ))
    .unwrap();
    let snap: Snapshot = serde_json::from_str(&text).unwrap();
    let a = settei_engine::evaluate(&c.rules, &snap);
    let mut reversed = snap.clone();
    reversed.resources.reverse();
    reversed.collected_at = "2027-01-01T00:00:00Z".into();
    let b = settei_engine::evaluate(&c.rules, &reversed);
    assert_eq!(a, b);
    for f in &a {
        assert_eq!(f.id, settei_model::finding_id(&f.rule_id, &f.resource_id));
    }
    let mut ids: Vec<_> = a.iter().map(|f| &f.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), a.len(), "finding ids are unique within a scan");
}

/// Every finding reports the values it read.
#[test]
fn failures_carry_evidence() {
    let c = catalog();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/snapshots/demo-aws.json"
    ))
    .unwrap();
    let snap: Snapshot = serde_json::from_str(&text).unwrap();
    let findings = settei_engine::evaluate(&c.rules, &snap);
    let fails: Vec<_> = findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    assert!(!fails.is_empty());
    for f in fails {
        assert!(
            !f.evidence.is_empty(),
            "{} on {} has no evidence",
            f.rule_id,
            f.resource_id
        );
    }
}

/// Invariant 1: a resource the collector could not describe at all (so it is
/// absent from the snapshot) still yields ERROR for every rule on its kind.
#[test]
fn errors_for_resources_missing_from_the_snapshot_are_not_dropped() {
    let c = catalog();
    let mut snap = Snapshot::new(Provider::Aws, "111122223333", "2026-11-20T00:00:00Z");
    snap.collected_kinds = all_kinds(&c);
    snap.errors.push(CollectionError {
        kind: "aws.s3.bucket".into(),
        region: None,
        resource_id: Some("arn:aws:s3:::hidden-bucket".into()),
        attributes: vec![],
        cause: ErrorCause::AccessDenied,
        operation: Some("s3:GetBucketLocation".into()),
        message: "Access Denied".into(),
    });
    let findings = settei_engine::evaluate(&c.rules, &snap);
    let s3_rules = c
        .rules
        .iter()
        .filter(|r| r.applies_to("aws.s3.bucket"))
        .count();
    assert!(s3_rules > 0);
    let hidden: Vec<_> = findings
        .iter()
        .filter(|f| f.resource_id == "arn:aws:s3:::hidden-bucket")
        .collect();
    assert_eq!(hidden.len(), s3_rules, "one ERROR per bucket rule");
    for f in hidden {
        assert_eq!(f.status, Status::Error);
        assert_eq!(f.resource_name, "hidden-bucket");
        let e = f.error.as_ref().unwrap();
        assert_eq!(e.cause, ErrorCause::AccessDenied);
        assert_eq!(e.operation.as_deref(), Some("s3:GetBucketLocation"));
    }
    assert!(findings.iter().all(|f| f.status != Status::Pass));
}

#[test]
fn enabled_regions_left_unread_make_per_region_rules_error() {
    let c = catalog();
    let per_region: Vec<&str> = c
        .rules
        .iter()
        .filter(|r| r.provider == Provider::Aws && r.per_region)
        .map(|r| r.id.as_str())
        .collect();
    assert!(per_region.contains(&"AWS-GUARDDUTY-001") && per_region.contains(&"AWS-RESIDENCY-001"));
    let mut snap = Snapshot::new(Provider::Aws, "111122223333", "2026-11-20T00:00:00Z");
    snap.collected_kinds = all_kinds(&c);
    snap.regions = vec!["ap-northeast-1".into()];
    snap.scope.enabled_regions = Some(vec!["ap-northeast-1".into(), "eu-west-1".into()]);
    let findings = settei_engine::evaluate(&c.rules, &snap);
    for id in &per_region {
        let f: Vec<_> = findings
            .iter()
            .filter(|f| f.rule_id == *id && f.region == "eu-west-1")
            .collect();
        assert_eq!(f.len(), 1, "{id}");
        assert_eq!(f[0].status, Status::Error);
        assert_eq!(f[0].error.as_ref().unwrap().cause, ErrorCause::NotScanned);
    }
    // A rule on individual resources makes no claim about every region.
    assert!(!findings
        .iter()
        .any(|f| f.rule_id == "AWS-S3-001" && f.region == "eu-west-1"));

    // Enabled regions unknown (the listing failed): every per-region rule
    // is ERROR with that failure.
    let mut snap = Snapshot::new(Provider::Aws, "111122223333", "2026-11-20T00:00:00Z");
    snap.collected_kinds = all_kinds(&c);
    snap.regions = vec!["ap-northeast-1".into()];
    snap.errors.push(settei_model::CollectionError {
        kind: settei_model::regions_kind(Provider::Aws),
        region: None,
        resource_id: None,
        attributes: vec![],
        cause: ErrorCause::AccessDenied,
        operation: Some("account:ListRegions".into()),
        message: "denied".into(),
    });
    let findings = settei_engine::evaluate(&c.rules, &snap);
    for id in &per_region {
        assert!(
            findings.iter().any(|f| f.rule_id == *id
                && f.error
                    .as_ref()
                    .is_some_and(|e| e.operation.as_deref() == Some("account:ListRegions"))),
            "{id}"
        );
    }
}
