//! Live collection against a real AWS API emulator (moto in server mode,
//! started on 127.0.0.1 by `support::Moto`). Seeds the demo account with
//! `fixtures/moto/seed.py` and asserts what settei reports about it.
//!
//! What moto 5.2.5 cannot answer shows up here as ERROR findings, exactly as
//! it would against a real account that answered that way (docs/testing.md):
//! - the credential report has no `<root_account>` row (root rules are covered
//!   by the recorded report in `fixtures/aws/credential-report.csv`);
//! - GetBucketVersioning answers with the wrong root element;
//! - IAM Access Analyzer ListAnalyzers is not implemented (HTTP 500), so
//!   the residency rule cannot place those settings either;
//! - moto creates its EBS key (`aws/ebs`) as a customer key without rotation;
//! - Systems Manager's DescribeInstanceInformation and
//!   ListResourceComplianceSummaries are not implemented (HTTP 500).

mod support;

use std::collections::BTreeSet;
use std::time::Instant;

use serde_json::Value;
use settei_rules::Catalog;
use support::{collect_and_scan, collect_and_scan_regions, settei, FaultProxy, Moto};

/// (rule, resource) for the findings with `status`. Resources whose ids
/// moto makes up at random (EC2 ids, KMS key ids, ELB and secret suffixes)
/// are named `kind:region:name` instead, with a random id in the name
/// masked (`vpc-*`).
fn pairs(report: &Value, status: &str) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == status)
        .map(|f| (f["rule_id"].as_str().unwrap().to_string(), stable(f)))
        .collect()
}

fn stable(f: &Value) -> String {
    const RANDOM_IDS: &[&str] = &[
        "aws.ec2.",
        "aws.kms.key",
        "aws.elbv2.",
        "aws.secretsmanager.",
        "aws.efs.",
    ];
    let kind = f["resource_kind"].as_str().unwrap();
    let id = f["resource_id"].as_str().unwrap();
    if !id.starts_with("arn:") || !RANDOM_IDS.iter().any(|k| kind.starts_with(k)) {
        return id.to_string();
    }
    let name = f["resource_name"].as_str().unwrap();
    let masked = match name.split_once('-') {
        Some((prefix, rest))
            if prefix.chars().all(|c| c.is_ascii_lowercase())
                && rest.len() >= 8
                && rest.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            format!("{prefix}-*")
        }
        _ => name.to_string(),
    };
    format!("{kind}:{}:{masked}", f["region"].as_str().unwrap())
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// What `got` lacks and has beyond `want`, one line each; empty when equal.
fn difference(
    what: &str,
    got: &BTreeSet<(String, String)>,
    want: &BTreeSet<(String, String)>,
) -> String {
    let mut out = String::new();
    for (r, id) in want.difference(got) {
        out.push_str(&format!("{what} missing: (\"{r}\", \"{id}\")\n"));
    }
    for (r, id) in got.difference(want) {
        out.push_str(&format!("{what} unexpected: (\"{r}\", \"{id}\")\n"));
    }
    out
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
    (
        "AWS-SECURITYHUB-001",
        "arn:aws:securityhub:us-east-1:123456789012:settings",
    ),
    // AWS part 2: VMs, networks, keys, databases, containers, residency, cost.
    (
        "AWS-DYNAMODB-001",
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/sessions",
    ),
    (
        "AWS-DYNAMODB-002",
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/sessions",
    ),
    (
        "AWS-DYNAMODB-003",
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/sessions",
    ),
    (
        "AWS-EC2-002",
        "aws.ec2.security_group:ap-northeast-1:wide-open-v6",
    ),
    (
        "AWS-EC2-003",
        "aws.ec2.security_group:ap-northeast-1:default",
    ),
    ("AWS-EC2-003", "aws.ec2.security_group:us-east-1:default"),
    ("AWS-EC2-004", "aws.ec2.instance:ap-northeast-1:web-legacy"),
    ("AWS-EC2-005", "aws.ec2.instance:ap-northeast-1:web-legacy"),
    ("AWS-EC2-006", "aws.ec2.instance:ap-northeast-1:web-legacy"),
    ("AWS-EC2-007", "aws.ec2.instance:ap-northeast-1:web-legacy"),
    ("AWS-EC2-008", "aws.ec2.instance:ap-northeast-1:web-legacy"),
    ("AWS-EC2-009", "aws.ec2.instance:ap-northeast-1:web-legacy"),
    ("AWS-EC2-010", "aws.ec2.region:us-east-1:ec2 (us-east-1)"),
    ("AWS-EC2-011", "aws.ec2.volume:ap-northeast-1:vol-*"),
    ("AWS-EC2-011", "aws.ec2.volume:us-east-1:scratch"),
    ("AWS-EC2-012", "aws.ec2.snapshot:us-east-1:snap-*"),
    ("AWS-EC2-013", "aws.ec2.snapshot:ap-northeast-1:snap-*"),
    ("AWS-EC2-013", "aws.ec2.snapshot:us-east-1:snap-*"),
    (
        "AWS-EC2-014",
        "aws.ec2.image:ap-northeast-1:web-legacy-image",
    ),
    (
        "AWS-EC2-015",
        "aws.ec2.security_group:ap-northeast-1:db-open",
    ),
    (
        "AWS-EC2-016",
        "aws.ec2.security_group:ap-northeast-1:wide-open-v6",
    ),
    ("AWS-EC2-017", "aws.ec2.network_acl:ap-northeast-1:acl-*"),
    (
        "AWS-EC2-017",
        "aws.ec2.network_acl:ap-northeast-1:ssh-open-acl",
    ),
    ("AWS-EC2-017", "aws.ec2.network_acl:us-east-1:acl-*"),
    ("AWS-EC2-018", "aws.ec2.vpc:ap-northeast-1:vpc-*"),
    ("AWS-EC2-018", "aws.ec2.vpc:us-east-1:vpc-*"),
    ("AWS-EC2-019", "aws.ec2.vpc:ap-northeast-1:vpc-*"),
    ("AWS-EC2-020", "aws.ec2.vpc:ap-northeast-1:vpc-*"),
    (
        "AWS-EC2-021",
        "aws.ec2.route_table:ap-northeast-1:prod-main",
    ),
    (
        "AWS-ECR-001",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/legacy/tools",
    ),
    (
        "AWS-ECR-002",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/legacy/tools",
    ),
    (
        "AWS-ECR-003",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/legacy/tools",
    ),
    (
        "AWS-ECR-004",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/legacy/tools",
    ),
    (
        "AWS-ECS-001",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/worker:1",
    ),
    (
        "AWS-ECS-002",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/worker:1",
    ),
    (
        "AWS-ECS-003",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/worker:1",
    ),
    (
        "AWS-ECS-004",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/worker:1",
    ),
    (
        "AWS-EFS-001",
        "aws.efs.file_system:ap-northeast-1:scratch-nfs",
    ),
    (
        "AWS-EKS-001",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/dev",
    ),
    (
        "AWS-EKS-002",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/dev",
    ),
    (
        "AWS-EKS-003",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/dev",
    ),
    (
        "AWS-EKS-004",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/dev",
    ),
    (
        "AWS-ELBV2-001",
        "aws.elbv2.load_balancer:ap-northeast-1:legacy-alb",
    ),
    (
        "AWS-ELBV2-002",
        "aws.elbv2.load_balancer:ap-northeast-1:shop-alb",
    ),
    (
        "AWS-ELBV2-003",
        "aws.elbv2.load_balancer:ap-northeast-1:legacy-alb",
    ),
    (
        "AWS-ELBV2-004",
        "aws.elbv2.load_balancer:ap-northeast-1:legacy-alb",
    ),
    (
        "AWS-ELBV2-005",
        "aws.elbv2.load_balancer:ap-northeast-1:legacy-alb",
    ),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:aws/ebs"),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:eks-secrets"),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:orders-table"),
    ("AWS-KMS-001", "aws.kms.key:us-east-1:legacy"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:old-backups"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:partner-share"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:idle"),
    (
        "AWS-LAMBDA-001",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:legacy-hook",
    ),
    (
        "AWS-LAMBDA-002",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:legacy-hook",
    ),
    (
        "AWS-LAMBDA-003",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:legacy-hook",
    ),
    (
        "AWS-LAMBDA-004",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:legacy-hook",
    ),
    (
        "AWS-LOGS-002",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/rotate-db",
    ),
    (
        "AWS-RDS-001",
        "arn:aws:rds:ap-northeast-1:123456789012:db:legacy-mysql",
    ),
    (
        "AWS-RDS-002",
        "arn:aws:rds:ap-northeast-1:123456789012:db:legacy-mysql",
    ),
    (
        "AWS-RDS-003",
        "arn:aws:rds:ap-northeast-1:123456789012:db:legacy-mysql",
    ),
    (
        "AWS-RDS-004",
        "arn:aws:rds:ap-northeast-1:123456789012:db:legacy-mysql",
    ),
    (
        "AWS-RDS-005",
        "arn:aws:rds:ap-northeast-1:123456789012:db:legacy-mysql",
    ),
    (
        "AWS-RDS-006",
        "arn:aws:rds:ap-northeast-1:123456789012:db:legacy-mysql",
    ),
    (
        "AWS-RDS-007",
        "arn:aws:rds:ap-northeast-1:123456789012:db:legacy-mysql",
    ),
    (
        "AWS-RDS-008",
        "arn:aws:rds:ap-northeast-1:123456789012:db:legacy-mysql",
    ),
    (
        "AWS-RDS-009",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:scratch-cluster",
    ),
    (
        "AWS-RDS-010",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:scratch-cluster",
    ),
    (
        "AWS-RDS-011",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:scratch-cluster",
    ),
    (
        "AWS-RDS-012",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:scratch-cluster",
    ),
    (
        "AWS-RDS-013",
        "arn:aws:rds:ap-northeast-1:123456789012:snapshot:legacy-mysql-export",
    ),
    (
        "AWS-RDS-014",
        "arn:aws:rds:ap-northeast-1:123456789012:snapshot:legacy-mysql-export",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail-main",
    ),
    ("AWS-RESIDENCY-001", "arn:aws:s3:::acme-access-logs"),
    ("AWS-RESIDENCY-001", "arn:aws:s3:::acme-trail-logs"),
    ("AWS-RESIDENCY-001", "aws.ec2.network_acl:us-east-1:acl-*"),
    ("AWS-RESIDENCY-001", "aws.ec2.route_table:us-east-1:rtb-*"),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.security_group:us-east-1:default",
    ),
    ("AWS-RESIDENCY-001", "aws.ec2.snapshot:us-east-1:snap-*"),
    ("AWS-RESIDENCY-001", "aws.ec2.volume:us-east-1:scratch"),
    ("AWS-RESIDENCY-001", "aws.ec2.vpc:us-east-1:vpc-*"),
    ("AWS-RESIDENCY-001", "aws.kms.key:us-east-1:legacy"),
    (
        "AWS-SECRETSMANAGER-001",
        "aws.secretsmanager.secret:ap-northeast-1:prod/api-key",
    ),
    // Redshift and ElastiCache: the open warehouse and the old caches.
    (
        "AWS-ELASTICACHE-001",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:legacy-cache",
    ),
    (
        "AWS-ELASTICACHE-002",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:legacy-cache",
    ),
    (
        "AWS-ELASTICACHE-003",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:legacy-cache",
    ),
    (
        "AWS-ELASTICACHE-004",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:legacy-cache",
    ),
    (
        "AWS-ELASTICACHE-005",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:legacy-cache",
    ),
    (
        "AWS-ELASTICACHE-006",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:legacy-cache",
    ),
    (
        "AWS-ELASTICACHE-007",
        "arn:aws:elasticache:ap-northeast-1:123456789012:cluster:legacy-redis",
    ),
    (
        "AWS-ELASTICACHE-008",
        "arn:aws:elasticache:ap-northeast-1:123456789012:cluster:legacy-redis",
    ),
    (
        "AWS-ELASTICACHE-009",
        "arn:aws:elasticache:ap-northeast-1:123456789012:cluster:legacy-redis",
    ),
    (
        "AWS-REDSHIFT-001",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-legacy",
    ),
    (
        "AWS-REDSHIFT-002",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-legacy",
    ),
    (
        "AWS-REDSHIFT-003",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-legacy",
    ),
    (
        "AWS-REDSHIFT-004",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-legacy",
    ),
    (
        "AWS-REDSHIFT-005",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-legacy",
    ),
    (
        "AWS-REDSHIFT-006",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-legacy",
    ),
    (
        "AWS-REDSHIFT-007",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-legacy",
    ),
    // moto answers every parameter group with require_ssl false.
    (
        "AWS-REDSHIFT-004",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-prod",
    ),
    (
        "AWS-RDS-015",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:analytics",
    ),
    (
        "AWS-RDS-015",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:scratch-cluster",
    ),
    ("AWS-IAM-013", "arn:aws:iam::aws:policy/AdministratorAccess"),
    ("AWS-IAM-018", "arn:aws:iam::aws:policy/AdministratorAccess"),
    (
        "AWS-CLOUDTRAIL-004",
        "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/tokyo-audit",
    ),
    (
        "AWS-CLOUDTRAIL-005",
        "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/tokyo-audit",
    ),
    (
        "AWS-CLOUDTRAIL-006",
        "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/tokyo-audit",
    ),
    (
        "AWS-CLOUDTRAIL-009",
        "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/tokyo-audit",
    ),
    ("AWS-IAM-019", "arn:aws:iam::123456789012:user/bob"),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:audit-logs"),
    ("AWS-KMS-001", "aws.kms.key:us-east-1:tokyo-trail"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:open-to-all"),
    ("AWS-RESIDENCY-001", "arn:aws:s3:::acme-tokyo-audit"),
    ("AWS-RESIDENCY-001", "aws.kms.key:us-east-1:tokyo-trail"),
    ("AWS-S3-001", "arn:aws:s3:::acme-tokyo-audit"),
    ("AWS-S3-003", "arn:aws:s3:::acme-tokyo-audit"),
    ("AWS-S3-004", "arn:aws:s3:::acme-tokyo-audit"),
    ("AWS-S3-005", "arn:aws:s3:::acme-tokyo-audit"),
    ("AWS-S3-006", "arn:aws:s3:::acme-tokyo-audit"),
    ("AWS-S3-008", "arn:aws:s3:::acme-tokyo-audit"),
    (
        "AWS-EC2-001",
        "aws.ec2.security_group:ap-northeast-1:ssh-open",
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
        "AWS-IAM-011",
        "arn:aws:iam::123456789012:root",
        "unknown_shape",
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
    // AWS part 2: VMs, networks, keys, databases, containers, residency, cost.
    // Systems Manager's instance and patch views: not implemented (HTTP 500).
    (
        "AWS-EC2-022",
        "aws.ec2.instance:ap-northeast-1:app-secure",
        "other",
    ),
    (
        "AWS-EC2-022",
        "aws.ec2.instance:ap-northeast-1:web-legacy",
        "other",
    ),
    (
        "AWS-EC2-023",
        "aws.ec2.instance:ap-northeast-1:app-secure",
        "other",
    ),
    (
        "AWS-EC2-023",
        "aws.ec2.instance:ap-northeast-1:web-legacy",
        "other",
    ),
    (
        "AWS-S3-002",
        "arn:aws:s3:::acme-tokyo-audit",
        "unknown_shape",
    ),
    (
        "AWS-S3-009",
        "arn:aws:s3:::acme-tokyo-audit",
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
    // AWS part 2: VMs, networks, keys, databases, containers, residency, cost.
    ("AWS-BUDGETS-001", "arn:aws:budgets::123456789012:settings"),
    (
        "AWS-DYNAMODB-001",
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/orders",
    ),
    (
        "AWS-DYNAMODB-002",
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/orders",
    ),
    (
        "AWS-DYNAMODB-003",
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/orders",
    ),
    (
        "AWS-EC2-001",
        "aws.ec2.security_group:ap-northeast-1:db-open",
    ),
    (
        "AWS-EC2-001",
        "aws.ec2.security_group:ap-northeast-1:default",
    ),
    ("AWS-EC2-001", "aws.ec2.security_group:ap-northeast-1:web"),
    (
        "AWS-EC2-001",
        "aws.ec2.security_group:ap-northeast-1:wide-open-v6",
    ),
    ("AWS-EC2-001", "aws.ec2.security_group:us-east-1:default"),
    (
        "AWS-EC2-002",
        "aws.ec2.security_group:ap-northeast-1:db-open",
    ),
    (
        "AWS-EC2-002",
        "aws.ec2.security_group:ap-northeast-1:default",
    ),
    ("AWS-EC2-002", "aws.ec2.security_group:ap-northeast-1:web"),
    ("AWS-EC2-002", "aws.ec2.security_group:us-east-1:default"),
    (
        "AWS-EC2-003",
        "aws.ec2.security_group:ap-northeast-1:db-open",
    ),
    ("AWS-EC2-003", "aws.ec2.security_group:ap-northeast-1:web"),
    (
        "AWS-EC2-003",
        "aws.ec2.security_group:ap-northeast-1:wide-open-v6",
    ),
    ("AWS-EC2-004", "aws.ec2.instance:ap-northeast-1:app-secure"),
    ("AWS-EC2-005", "aws.ec2.instance:ap-northeast-1:app-secure"),
    ("AWS-EC2-006", "aws.ec2.instance:ap-northeast-1:app-secure"),
    ("AWS-EC2-007", "aws.ec2.instance:ap-northeast-1:app-secure"),
    ("AWS-EC2-008", "aws.ec2.instance:ap-northeast-1:app-secure"),
    ("AWS-EC2-009", "aws.ec2.instance:ap-northeast-1:app-secure"),
    (
        "AWS-EC2-010",
        "aws.ec2.region:ap-northeast-1:ec2 (ap-northeast-1)",
    ),
    ("AWS-EC2-011", "aws.ec2.volume:ap-northeast-1:vol-*"),
    ("AWS-EC2-012", "aws.ec2.snapshot:ap-northeast-1:snap-*"),
    ("AWS-EC2-013", "aws.ec2.snapshot:ap-northeast-1:snap-*"),
    (
        "AWS-EC2-014",
        "aws.ec2.image:ap-northeast-1:web-legacy-private",
    ),
    (
        "AWS-EC2-015",
        "aws.ec2.security_group:ap-northeast-1:default",
    ),
    ("AWS-EC2-015", "aws.ec2.security_group:ap-northeast-1:web"),
    (
        "AWS-EC2-015",
        "aws.ec2.security_group:ap-northeast-1:wide-open-v6",
    ),
    ("AWS-EC2-015", "aws.ec2.security_group:us-east-1:default"),
    (
        "AWS-EC2-016",
        "aws.ec2.security_group:ap-northeast-1:db-open",
    ),
    (
        "AWS-EC2-016",
        "aws.ec2.security_group:ap-northeast-1:default",
    ),
    ("AWS-EC2-016", "aws.ec2.security_group:ap-northeast-1:web"),
    ("AWS-EC2-016", "aws.ec2.security_group:us-east-1:default"),
    (
        "AWS-EC2-017",
        "aws.ec2.network_acl:ap-northeast-1:shadowed-acl",
    ),
    ("AWS-EC2-018", "aws.ec2.vpc:ap-northeast-1:prod"),
    ("AWS-EC2-019", "aws.ec2.vpc:ap-northeast-1:prod"),
    ("AWS-EC2-019", "aws.ec2.vpc:us-east-1:vpc-*"),
    ("AWS-EC2-020", "aws.ec2.vpc:ap-northeast-1:prod"),
    ("AWS-EC2-020", "aws.ec2.vpc:us-east-1:vpc-*"),
    ("AWS-EC2-021", "aws.ec2.route_table:ap-northeast-1:rtb-*"),
    ("AWS-EC2-021", "aws.ec2.route_table:us-east-1:rtb-*"),
    (
        "AWS-ECR-001",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/shop/app",
    ),
    (
        "AWS-ECR-002",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/shop/app",
    ),
    (
        "AWS-ECR-003",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/shop/app",
    ),
    (
        "AWS-ECR-004",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/shop/app",
    ),
    (
        "AWS-ECS-001",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/api:1",
    ),
    (
        "AWS-ECS-002",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/api:1",
    ),
    (
        "AWS-ECS-003",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/api:1",
    ),
    (
        "AWS-ECS-004",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/api:1",
    ),
    (
        "AWS-EFS-001",
        "aws.efs.file_system:ap-northeast-1:shared-home",
    ),
    (
        "AWS-EKS-001",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/prod",
    ),
    (
        "AWS-EKS-002",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/prod",
    ),
    (
        "AWS-EKS-003",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/prod",
    ),
    (
        "AWS-EKS-004",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/prod",
    ),
    (
        "AWS-ELBV2-001",
        "aws.elbv2.load_balancer:ap-northeast-1:shop-alb",
    ),
    (
        "AWS-ELBV2-002",
        "aws.elbv2.load_balancer:ap-northeast-1:legacy-alb",
    ),
    (
        "AWS-ELBV2-003",
        "aws.elbv2.load_balancer:ap-northeast-1:shop-alb",
    ),
    (
        "AWS-ELBV2-004",
        "aws.elbv2.load_balancer:ap-northeast-1:shop-alb",
    ),
    (
        "AWS-ELBV2-005",
        "aws.elbv2.load_balancer:ap-northeast-1:shop-alb",
    ),
    ("AWS-IAM-016", "arn:aws:iam::123456789012:role/app-instance"),
    ("AWS-IAM-016", "arn:aws:iam::123456789012:role/eks-cluster"),
    ("AWS-IAM-016", "arn:aws:iam::123456789012:role/lambda-exec"),
    ("AWS-IAM-017", "arn:aws:iam::123456789012:role/app-instance"),
    ("AWS-IAM-017", "arn:aws:iam::123456789012:role/eks-cluster"),
    ("AWS-IAM-017", "arn:aws:iam::123456789012:role/lambda-exec"),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:idle"),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:old-backups"),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:orders"),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:partner-share"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:aws/ebs"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:eks-secrets"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:idle"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:old-backups"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:orders"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:orders-table"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:partner-share"),
    ("AWS-KMS-002", "aws.kms.key:us-east-1:legacy"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:aws/ebs"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:eks-secrets"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:idle"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:orders"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:orders-table"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:partner-share"),
    ("AWS-KMS-003", "aws.kms.key:us-east-1:legacy"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:aws/ebs"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:eks-secrets"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:idle"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:old-backups"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:orders"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:orders-table"),
    ("AWS-KMS-004", "aws.kms.key:us-east-1:legacy"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:aws/ebs"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:eks-secrets"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:old-backups"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:orders"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:orders-table"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:partner-share"),
    ("AWS-KMS-005", "aws.kms.key:us-east-1:legacy"),
    (
        "AWS-LAMBDA-001",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:rotate-db",
    ),
    (
        "AWS-LAMBDA-001",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:thumbnailer",
    ),
    (
        "AWS-LAMBDA-002",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:rotate-db",
    ),
    (
        "AWS-LAMBDA-002",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:thumbnailer",
    ),
    (
        "AWS-LAMBDA-003",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:rotate-db",
    ),
    (
        "AWS-LAMBDA-003",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:thumbnailer",
    ),
    (
        "AWS-LAMBDA-004",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:rotate-db",
    ),
    (
        "AWS-LAMBDA-004",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:thumbnailer",
    ),
    (
        "AWS-LOGS-001",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/rotate-db",
    ),
    (
        "AWS-RDS-001",
        "arn:aws:rds:ap-northeast-1:123456789012:db:orders-db",
    ),
    (
        "AWS-RDS-002",
        "arn:aws:rds:ap-northeast-1:123456789012:db:orders-db",
    ),
    (
        "AWS-RDS-003",
        "arn:aws:rds:ap-northeast-1:123456789012:db:orders-db",
    ),
    (
        "AWS-RDS-004",
        "arn:aws:rds:ap-northeast-1:123456789012:db:orders-db",
    ),
    (
        "AWS-RDS-005",
        "arn:aws:rds:ap-northeast-1:123456789012:db:orders-db",
    ),
    (
        "AWS-RDS-006",
        "arn:aws:rds:ap-northeast-1:123456789012:db:orders-db",
    ),
    (
        "AWS-RDS-007",
        "arn:aws:rds:ap-northeast-1:123456789012:db:orders-db",
    ),
    (
        "AWS-RDS-008",
        "arn:aws:rds:ap-northeast-1:123456789012:db:orders-db",
    ),
    (
        "AWS-RDS-009",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:analytics",
    ),
    (
        "AWS-RDS-010",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:analytics",
    ),
    (
        "AWS-RDS-011",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:analytics",
    ),
    (
        "AWS-RDS-012",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:analytics",
    ),
    (
        "AWS-RDS-013",
        "arn:aws:rds:ap-northeast-1:123456789012:snapshot:orders-db-manual",
    ),
    (
        "AWS-RDS-014",
        "arn:aws:rds:ap-northeast-1:123456789012:snapshot:orders-db-manual",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/orders",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/sessions",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/legacy/tools",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/shop/app",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/api:1",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/worker:1",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/dev",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/prod",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:legacy-hook",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:rotate-db",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:thumbnailer",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/rotate-db",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:app-logs",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:analytics",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:rds:ap-northeast-1:123456789012:cluster:scratch-cluster",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:rds:ap-northeast-1:123456789012:db:legacy-mysql",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:rds:ap-northeast-1:123456789012:db:orders-db",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:rds:ap-northeast-1:123456789012:snapshot:legacy-mysql-export",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:rds:ap-northeast-1:123456789012:snapshot:orders-db-manual",
    ),
    ("AWS-RESIDENCY-001", "arn:aws:s3:::acme-public-site"),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.image:ap-northeast-1:web-legacy-image",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.image:ap-northeast-1:web-legacy-private",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.instance:ap-northeast-1:app-secure",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.instance:ap-northeast-1:web-legacy",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.network_acl:ap-northeast-1:acl-*",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.network_acl:ap-northeast-1:shadowed-acl",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.network_acl:ap-northeast-1:ssh-open-acl",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.route_table:ap-northeast-1:prod-main",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.route_table:ap-northeast-1:rtb-*",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.security_group:ap-northeast-1:db-open",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.security_group:ap-northeast-1:default",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.security_group:ap-northeast-1:web",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.security_group:ap-northeast-1:wide-open-v6",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.snapshot:ap-northeast-1:snap-*",
    ),
    ("AWS-RESIDENCY-001", "aws.ec2.volume:ap-northeast-1:vol-*"),
    ("AWS-RESIDENCY-001", "aws.ec2.vpc:ap-northeast-1:prod"),
    ("AWS-RESIDENCY-001", "aws.ec2.vpc:ap-northeast-1:vpc-*"),
    (
        "AWS-RESIDENCY-001",
        "aws.efs.file_system:ap-northeast-1:scratch-nfs",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.efs.file_system:ap-northeast-1:shared-home",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.elbv2.load_balancer:ap-northeast-1:legacy-alb",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.elbv2.load_balancer:ap-northeast-1:shop-alb",
    ),
    ("AWS-RESIDENCY-001", "aws.kms.key:ap-northeast-1:aws/ebs"),
    (
        "AWS-RESIDENCY-001",
        "aws.kms.key:ap-northeast-1:eks-secrets",
    ),
    ("AWS-RESIDENCY-001", "aws.kms.key:ap-northeast-1:idle"),
    (
        "AWS-RESIDENCY-001",
        "aws.kms.key:ap-northeast-1:old-backups",
    ),
    ("AWS-RESIDENCY-001", "aws.kms.key:ap-northeast-1:orders"),
    (
        "AWS-RESIDENCY-001",
        "aws.kms.key:ap-northeast-1:orders-table",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.kms.key:ap-northeast-1:partner-share",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.secretsmanager.secret:ap-northeast-1:prod/api-key",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.secretsmanager.secret:ap-northeast-1:prod/db",
    ),
    (
        "AWS-SECRETSMANAGER-001",
        "aws.secretsmanager.secret:ap-northeast-1:prod/db",
    ),
    (
        "AWS-SECRETSMANAGER-002",
        "aws.secretsmanager.secret:ap-northeast-1:prod/api-key",
    ),
    (
        "AWS-SECRETSMANAGER-002",
        "aws.secretsmanager.secret:ap-northeast-1:prod/db",
    ),
    // Redshift and ElastiCache: the hardened warehouse and caches.
    (
        "AWS-ELASTICACHE-001",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:sessions",
    ),
    (
        "AWS-ELASTICACHE-002",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:sessions",
    ),
    (
        "AWS-ELASTICACHE-003",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:sessions",
    ),
    (
        "AWS-ELASTICACHE-004",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:sessions",
    ),
    (
        "AWS-ELASTICACHE-005",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:sessions",
    ),
    (
        "AWS-ELASTICACHE-006",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:sessions",
    ),
    (
        "AWS-ELASTICACHE-007",
        "arn:aws:elasticache:ap-northeast-1:123456789012:cluster:page-cache",
    ),
    (
        "AWS-ELASTICACHE-008",
        "arn:aws:elasticache:ap-northeast-1:123456789012:cluster:page-cache",
    ),
    (
        "AWS-ELASTICACHE-009",
        "arn:aws:elasticache:ap-northeast-1:123456789012:cluster:page-cache",
    ),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:dwh"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:dwh"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:dwh"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:dwh"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:dwh"),
    (
        "AWS-REDSHIFT-001",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-prod",
    ),
    (
        "AWS-REDSHIFT-002",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-prod",
    ),
    (
        "AWS-REDSHIFT-003",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-prod",
    ),
    (
        "AWS-REDSHIFT-005",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-prod",
    ),
    (
        "AWS-REDSHIFT-006",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-prod",
    ),
    (
        "AWS-REDSHIFT-007",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-prod",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:elasticache:ap-northeast-1:123456789012:cluster:legacy-redis",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:elasticache:ap-northeast-1:123456789012:cluster:page-cache",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:legacy-cache",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:elasticache:ap-northeast-1:123456789012:replicationgroup:sessions",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-legacy",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:redshift:ap-northeast-1:123456789012:cluster:dwh-prod",
    ),
    ("AWS-RESIDENCY-001", "aws.kms.key:ap-northeast-1:dwh"),
    ("AWS-IAM-013", "arn:aws:iam::aws:policy/AWSSupportAccess"),
    ("AWS-IAM-018", "arn:aws:iam::aws:policy/AWSSupportAccess"),
    (
        "AWS-CLOUDTRAIL-002",
        "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/tokyo-audit",
    ),
    (
        "AWS-CLOUDTRAIL-003",
        "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/tokyo-audit",
    ),
    (
        "AWS-IAM-013",
        "arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
    ),
    (
        "AWS-IAM-018",
        "arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
    ),
    ("AWS-KMS-001", "aws.kms.key:ap-northeast-1:open-to-all"),
    ("AWS-KMS-002", "aws.kms.key:ap-northeast-1:audit-logs"),
    ("AWS-KMS-002", "aws.kms.key:us-east-1:tokyo-trail"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:audit-logs"),
    ("AWS-KMS-003", "aws.kms.key:ap-northeast-1:open-to-all"),
    ("AWS-KMS-003", "aws.kms.key:us-east-1:tokyo-trail"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:audit-logs"),
    ("AWS-KMS-004", "aws.kms.key:ap-northeast-1:open-to-all"),
    ("AWS-KMS-004", "aws.kms.key:us-east-1:tokyo-trail"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:audit-logs"),
    ("AWS-KMS-005", "aws.kms.key:ap-northeast-1:open-to-all"),
    ("AWS-KMS-005", "aws.kms.key:us-east-1:tokyo-trail"),
    (
        "AWS-LOGS-001",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:audit-logs",
    ),
    (
        "AWS-LOGS-002",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:audit-logs",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/tokyo-audit",
    ),
    (
        "AWS-RESIDENCY-001",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:audit-logs",
    ),
    ("AWS-RESIDENCY-001", "aws.kms.key:ap-northeast-1:audit-logs"),
    (
        "AWS-RESIDENCY-001",
        "aws.kms.key:ap-northeast-1:open-to-all",
    ),
    ("AWS-S3-008", "arn:aws:s3:::acme-trail-logs"),
    (
        "AWS-EC2-002",
        "aws.ec2.security_group:ap-northeast-1:ssh-open",
    ),
    (
        "AWS-EC2-003",
        "aws.ec2.security_group:ap-northeast-1:ssh-open",
    ),
    (
        "AWS-EC2-015",
        "aws.ec2.security_group:ap-northeast-1:ssh-open",
    ),
    (
        "AWS-EC2-016",
        "aws.ec2.security_group:ap-northeast-1:ssh-open",
    ),
    (
        "AWS-RESIDENCY-001",
        "aws.ec2.security_group:ap-northeast-1:ssh-open",
    ),
];

#[test]
fn live_scan_reports_exactly_the_seeded_settings() {
    let moto = Moto::start();
    moto.seed();
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("live.json");
    // (The proxy only adds account:ListRegions, which moto lacks.)
    let proxy = FaultProxy::start(&moto.url, &dir.path().join("requests.jsonl"), &[]);
    let out = settei(&[
        "scan",
        "aws",
        "--endpoint-url",
        &proxy.url,
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

    // Every difference at once.
    let errors: Vec<(&str, &str)> = ERROR.iter().map(|(r, id, _)| (*r, *id)).collect();
    let diff = [
        difference("FAIL", &pairs(&report, "FAIL"), &set(FAIL)),
        difference("PASS", &pairs(&report, "PASS"), &set(PASS)),
        difference("ERROR", &pairs(&report, "ERROR"), &set(&errors)),
    ]
    .concat();
    assert!(diff.is_empty(), "{diff}");
    for f in report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "ERROR")
    {
        let (_, _, cause) = ERROR
            .iter()
            .find(|(r, id, _)| f["rule_id"] == *r && stable(f) == *id)
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
        // Part 2: VMs, networks, keys, databases, containers, cost.
        "aws.ec2.instance",
        "aws.ec2.region",
        "aws.ec2.volume",
        "aws.ec2.snapshot",
        "aws.ec2.image",
        "aws.ec2.security_group",
        "aws.ec2.network_acl",
        "aws.ec2.vpc",
        "aws.ec2.route_table",
        "aws.elbv2.load_balancer",
        "aws.secretsmanager.secret",
        "aws.rds.instance",
        "aws.rds.cluster",
        "aws.rds.snapshot",
        "aws.dynamodb.table",
        "aws.efs.file_system",
        "aws.redshift.cluster",
        "aws.elasticache.replication_group",
        "aws.elasticache.cluster",
        "aws.eks.cluster",
        "aws.ecr.repository",
        "aws.ecs.task_definition",
        "aws.lambda.function",
        "aws.budgets.account",
    ] {
        assert!(kinds.contains(k), "no {k} collected");
    }

    // Stable ids: a second, separate collection of the same account gives
    // every finding the same id.
    let (_, again) = collect_and_scan(&proxy.url, &[]);
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
        "json" | "query" | "ec2" => named_read(op),
        // REST protocols: reads are GET/HEAD; the few read operations that
        // POST are named here one by one.
        _ => {
            matches!(method, "GET" | "HEAD")
                || (method == "POST"
                    && matches!(
                        (req["service"].as_str().unwrap_or_default(), path),
                        ("account", "/getAlternateContact" | "/listRegions")
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
        "redshift",
        "elasticache",
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
            // Part 2: an instance attribute, a snapshot's sharing, flow logs.
            "--deny",
            "DescribeInstanceAttribute",
            "--deny",
            "DescribeDBSnapshotAttributes",
            "--throttle",
            "DescribeFlowLogs",
            // A parameter group shared by nothing else: require_ssl unknown.
            "--deny",
            "DescribeClusterParameters",
            // A recording recorder whose status leaves its last delivery
            // out (the member is optional in the API's shape).
            "--strip",
            "DescribeConfigurationRecorderStatus=lastStatus",
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
    assert_eq!(of("AWS-S3-001").len(), 4);
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

    // DescribeInstanceAttribute denied: termination protection and user
    // data are unknown on every instance; the rules reading them ERROR,
    // while rules on what DescribeInstances returned still decide.
    for rule in ["AWS-EC2-005", "AWS-EC2-008"] {
        expect_error(rule, "access_denied", "ec2:DescribeInstanceAttribute");
        assert_eq!(of(rule).len(), 2, "{rule}: one per instance");
    }
    assert!(of("AWS-EC2-004").iter().all(|f| f["status"] != "ERROR"));
    // A manual RDS snapshot whose sharing could not be read is not "private".
    expect_error(
        "AWS-RDS-013",
        "access_denied",
        "rds:DescribeDBSnapshotAttributes",
    );
    // Flow logs unreadable: no VPC passes the flow-log rule.
    expect_error("AWS-EC2-018", "throttled", "ec2:DescribeFlowLogs");
    // Parameter groups unreadable: require_ssl is unknown on both Redshift
    // clusters (each error names the group read that failed), while the
    // rules on what DescribeClusters returned still decide.
    expect_error(
        "AWS-REDSHIFT-004",
        "access_denied",
        "redshift:DescribeClusterParameters",
    );
    assert_eq!(of("AWS-REDSHIFT-004").len(), 2);
    assert!(of("AWS-REDSHIFT-001")
        .iter()
        .all(|f| f["status"] != "ERROR"));
    // The recording recorder (us-east-1) without a last status: whether its
    // deliveries fail is unknown, so AWS-CONFIG-001 is ERROR there, not
    // PASS; Tokyo, with no recorder at all, still FAILs.
    let config = |region: &str| {
        of("AWS-CONFIG-001")
            .into_iter()
            .find(|f| f["region"] == region)
            .unwrap_or_else(|| panic!("AWS-CONFIG-001: no finding in {region}"))
    };
    let virginia = config("us-east-1");
    assert_eq!(virginia["status"], "ERROR", "{virginia}");
    assert_eq!(virginia["error"]["cause"], "unknown_shape", "{virginia}");
    assert_eq!(
        virginia["error"]["operation"], "config:DescribeConfigurationRecorderStatus",
        "{virginia}"
    );
    assert_eq!(config("ap-northeast-1")["status"], "FAIL");

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

/// An account whose every read is denied (the caller's identity aside)
/// yields no PASS at all: every rule reports ERROR, naming the denial, and
/// nothing is claimed about what could not be read (not even a residency
/// verdict on the account-wide records the collectors build).
#[test]
fn a_scan_that_can_read_nothing_passes_nothing() {
    let moto = Moto::start();
    moto.seed();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let proxy = FaultProxy::start(
        &moto.url,
        &log,
        &["--deny-all", "--allow", "GetCallerIdentity"],
    );
    let (_, report) = collect_and_scan(&proxy.url, &["--max-attempts", "1"]);
    let findings = report["findings"].as_array().unwrap();
    let passed: Vec<String> = findings
        .iter()
        .filter(|f| f["status"] != "ERROR")
        .map(|f| format!("{} {} {}", f["status"], f["rule_id"], f["resource_id"]))
        .collect();
    assert!(
        passed.is_empty(),
        "decided without reading:\n{}",
        passed.join("\n")
    );
    let rules: BTreeSet<&str> = findings
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    let catalog = Catalog::embedded().unwrap();
    let missing: Vec<&str> = catalog
        .rules
        .iter()
        .filter(|r| r.provider == settei_model::Provider::Aws)
        .map(|r| r.id.as_str())
        .filter(|id| !rules.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules with no ERROR at all: {missing:?}"
    );
    for f in findings {
        assert_eq!(f["error"]["cause"], "access_denied", "{f}");
    }
}

/// A scan that reads fewer regions than the account has enabled makes no
/// claim about every region: the per-region rules (GuardDuty, Config,
/// Security Hub, Access Analyzer, EBS default encryption) and residency are
/// ERROR `not_scanned` for each enabled region left out, and the snapshot
/// records which regions were enabled and which were read.
#[test]
fn regions_left_out_are_not_scanned_never_pass() {
    let moto = Moto::start();
    moto.seed();
    let dir = tempfile::tempdir().unwrap();
    let proxy = FaultProxy::start(
        &moto.url,
        &dir.path().join("requests.jsonl"),
        &["--regions", "ap-northeast-1,eu-west-1,us-east-1"],
    );
    let snap = dir.path().join("tokyo.json");
    let out = settei(&[
        "collect",
        "aws",
        "--endpoint-url",
        &proxy.url,
        "--region",
        "ap-northeast-1",
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    assert_eq!(snapshot["regions"], serde_json::json!(["ap-northeast-1"]));
    assert_eq!(
        snapshot["scope"]["enabled_regions"],
        serde_json::json!(["ap-northeast-1", "eu-west-1", "us-east-1"])
    );
    let scan = settei(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    for rule in [
        "AWS-GUARDDUTY-001",
        "AWS-CONFIG-001",
        "AWS-SECURITYHUB-001",
        "AWS-ACCESSANALYZER-001",
        "AWS-EC2-010",
        "AWS-RESIDENCY-001",
    ] {
        for region in ["eu-west-1", "us-east-1"] {
            let f: Vec<&Value> = findings
                .iter()
                .filter(|f| f["rule_id"] == rule && f["region"] == region)
                .collect();
            // (S3 buckets are listed account-wide, so the residency rule
            // still judges the buckets homed there.)
            let not_scanned = f
                .iter()
                .filter(|f| f["status"] == "ERROR" && f["error"]["cause"] == "not_scanned")
                .count();
            assert_eq!(not_scanned, 1, "{rule} in {region}: {f:?}");
            assert!(
                f.iter().all(|f| f["status"] != "PASS"),
                "{rule} in {region}: {f:?}"
            );
        }
    }
    // Without a --region, every enabled region is read.
    let (all, _) = collect_and_scan_regions(&proxy.url, &[], &["--region-concurrency", "3"]);
    assert_eq!(
        all["regions"],
        serde_json::json!(["ap-northeast-1", "eu-west-1", "us-east-1"])
    );
}

/// Differential fault test: collect the seeded account once, then deny each
/// operation the collection sent, alone, and compare. No finding may turn
/// from FAIL or ERROR into PASS, and every finding that changes (or
/// appears, or is replaced by an error for its whole kind) must name the
/// denied operation. Collections share one seeded moto (they only read),
/// each through its own proxy, four at a time.
#[test]
fn denying_any_single_operation_never_turns_a_finding_into_pass() {
    use std::collections::BTreeMap;
    let moto = Moto::start();
    moto.seed();
    let dir = tempfile::tempdir().unwrap();
    let base_log = dir.path().join("baseline.jsonl");
    let proxy = FaultProxy::start(&moto.url, &base_log, &[]);
    let (_, baseline) = collect_and_scan(&proxy.url, &["--max-attempts", "1"]);
    drop(proxy);
    let key = |f: &Value| {
        (
            f["rule_id"].as_str().unwrap().to_string(),
            f["resource_id"].as_str().unwrap().to_string(),
        )
    };
    let index = |r: &Value| -> BTreeMap<(String, String), Value> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (key(f), f.clone()))
            .collect()
    };
    let before = index(&baseline);
    let mut ops: Vec<String> = std::fs::read_to_string(&base_log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter_map(|r| r["op"].as_str().map(str::to_string))
        // The identity call is the one read without which nothing runs.
        .filter(|op| op != "GetCallerIdentity")
        .collect();
    ops.sort();
    ops.dedup();
    assert!(ops.len() > 80, "only {} operations: {ops:?}", ops.len());

    let started = Instant::now();
    let queue = std::sync::Mutex::new(ops.clone());
    let problems = std::sync::Mutex::new(Vec::<String>::new());
    std::thread::scope(|s| {
        for worker in 0..4 {
            let (queue, problems, before, moto, dir) = (&queue, &problems, &before, &moto, &dir);
            s.spawn(move || loop {
                let Some(op) = queue.lock().unwrap().pop() else {
                    break;
                };
                let log = dir
                    .path()
                    .join(format!("deny-{worker}-{op}.jsonl").replace([' ', '/'], "_"));
                let proxy = FaultProxy::start(&moto.url, &log, &["--deny", &op]);
                let (_, report) = collect_and_scan(&proxy.url, &["--max-attempts", "1"]);
                let after = index(&report);
                // (A join names every failed read it built on.)
                let names = |f: &Value| {
                    f["error"]["operation"].as_str().is_some_and(|o| {
                        o.split(", ")
                            .any(|one| one.rsplit(':').next() == Some(op.as_str()))
                    })
                };
                let mut found = Vec::new();
                for (k, f) in &after {
                    let was = before.get(k);
                    if let Some(b) = was {
                        if b["status"] != "PASS" && f["status"] == "PASS" {
                            found
                                .push(format!("deny {op}: {k:?} turned {} into PASS", b["status"]));
                        }
                        if b["status"] == f["status"] && b["error"] == f["error"] {
                            continue;
                        }
                    }
                    if !names(f) {
                        found.push(format!(
                            "deny {op}: {k:?} changed ({} → {}) without naming it: {}",
                            was.map_or(Value::Null, |b| b["status"].clone()),
                            f["status"],
                            f["error"]
                        ));
                    }
                }
                for k in before.keys().filter(|k| !after.contains_key(*k)) {
                    let covered = after
                        .values()
                        .any(|f| f["rule_id"] == k.0.as_str() && names(f));
                    if !covered {
                        found.push(format!(
                            "deny {op}: {k:?} vanished and no error of its rule names it"
                        ));
                    }
                }
                problems.lock().unwrap().extend(found);
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    eprintln!(
        "differential fault test: {} operations denied one at a time in {:.0} s",
        ops.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Rules without a live FAIL or PASS on moto, which side is missing and
/// why (docs/testing.md lists the same). Every other rule both fails and
/// passes on the seeded account.
const LIVE_GAPS: &[(&str, &str, &str)] = &[
    (
        "AWS-ACCESSANALYZER-001",
        "both",
        "moto answers Access Analyzer with HTTP 500 (ERROR only)",
    ),
    (
        "AWS-ACCESSANALYZER-002",
        "both",
        "moto answers Access Analyzer with HTTP 500 (ERROR only)",
    ),
    (
        "AWS-ACCOUNT-001",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-BUDGETS-001",
        "fail",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDTRAIL-001",
        "fail",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDTRAIL-007",
        "fail",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDTRAIL-008",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-001",
        "fail",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-002",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-003",
        "fail",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-004",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-005",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-006",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-007",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-008",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-009",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-010",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-011",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-012",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-013",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-014",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-CLOUDWATCH-015",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-EC2-022",
        "both",
        "moto's Systems Manager has no managed instances (ERROR only)",
    ),
    (
        "AWS-EC2-023",
        "both",
        "moto's Systems Manager has no managed instances (ERROR only)",
    ),
    (
        "AWS-IAM-001",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-IAM-002",
        "fail",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-IAM-003",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-IAM-004",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-IAM-006",
        "fail",
        "moto dates keys and passwords now: nothing is unused for long",
    ),
    (
        "AWS-IAM-007",
        "fail",
        "moto dates keys now: nothing is old enough to rotate",
    ),
    (
        "AWS-IAM-010",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-IAM-011",
        "both",
        "moto's credential report has no root row (ERROR only; the recorded report covers it)",
    ),
    (
        "AWS-IAM-014",
        "fail",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-IAM-015",
        "fail",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-RDS-015",
        "pass",
        "moto reports MultiAZ false for every DB cluster",
    ),
    (
        "AWS-REDSHIFT-004",
        "pass",
        "moto's cluster parameter groups cannot set require_ssl",
    ),
    (
        "AWS-S3-002",
        "both",
        "moto's GetBucketVersioning answer has the wrong root element (ERROR only)",
    ),
    (
        "AWS-S3-007",
        "pass",
        "one record per account: the seeded account holds one side, the rule fixtures the other",
    ),
    (
        "AWS-S3-009",
        "both",
        "moto's GetBucketVersioning answer has the wrong root element (ERROR only)",
    ),
    (
        "AWS-SECRETSMANAGER-002",
        "fail",
        "moto dates rotations now: no secret is overdue",
    ),
];

#[test]
fn every_rule_fails_and_passes_live_but_the_listed_gaps() {
    let catalog = Catalog::embedded().unwrap();
    let fails: BTreeSet<&str> = FAIL.iter().map(|(r, _)| *r).collect();
    let passes: BTreeSet<&str> = PASS.iter().map(|(r, _)| *r).collect();
    let mut wrong = Vec::new();
    for rule in catalog
        .rules
        .iter()
        .filter(|r| r.provider == settei_model::Provider::Aws)
        .map(|r| r.id.as_str())
    {
        let side = match (fails.contains(rule), passes.contains(rule)) {
            (true, true) => None,
            (false, true) => Some("fail"),
            (true, false) => Some("pass"),
            (false, false) => Some("both"),
        };
        let listed = LIVE_GAPS
            .iter()
            .find(|(r, _, _)| *r == rule)
            .map(|(_, s, _)| *s);
        if side != listed {
            wrong.push(format!("{rule}: missing live {side:?}, listed {listed:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let docs = std::fs::read_to_string(support::repo().join("docs/testing.md")).unwrap();
    for (rule, _, _) in LIVE_GAPS {
        assert!(docs.contains(rule), "docs/testing.md does not list {rule}");
    }
}
