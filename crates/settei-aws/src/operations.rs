//! The exact AWS operations the collectors call, each named: the read-only
//! guard refuses every other one before it is sent, and the same list is
//! the least-privilege policy (the IAM action each needs).
//!
//! Services are named as the SDK's operation metadata names them (`S3`,
//! `S3 Control`, `Elastic Load Balancing v2`, …), so an operation of the
//! same name in another service is not allowed by accident.

use settei_model::Provider;
use settei_provider::{ReadOperation, ReadPolicy};

const fn op(
    service: &'static str,
    operation: &'static str,
    permission: &'static str,
) -> ReadOperation {
    ReadOperation {
        service,
        operation,
        permission,
    }
}

/// Every AWS read a collector of `settei-aws` or `settei-aws-ec2` makes.
/// (`sts:AssumeRole`, for `--role-arn`, is made by the credential provider
/// before any collector runs, and is not a read of the account.)
pub const READS: ReadPolicy = ReadPolicy {
    provider: Provider::Aws,
    operations: &[
        op(
            "AccessAnalyzer",
            "ListAnalyzers",
            "access-analyzer:ListAnalyzers",
        ),
        op(
            "AccessAnalyzer",
            "ListFindings",
            "access-analyzer:ListFindings",
        ),
        op(
            "Account",
            "GetAlternateContact",
            "account:GetAlternateContact",
        ),
        op("Account", "ListRegions", "account:ListRegions"),
        op("Budgets", "DescribeBudgets", "budgets:ViewBudget"),
        op(
            "Budgets",
            "DescribeNotificationsForBudget",
            "budgets:ViewBudget",
        ),
        op("CloudTrail", "DescribeTrails", "cloudtrail:DescribeTrails"),
        op(
            "CloudTrail",
            "GetEventSelectors",
            "cloudtrail:GetEventSelectors",
        ),
        op("CloudTrail", "GetTrailStatus", "cloudtrail:GetTrailStatus"),
        op("CloudWatch", "DescribeAlarms", "cloudwatch:DescribeAlarms"),
        op(
            "CloudWatch Logs",
            "DescribeLogGroups",
            "logs:DescribeLogGroups",
        ),
        op(
            "CloudWatch Logs",
            "DescribeMetricFilters",
            "logs:DescribeMetricFilters",
        ),
        op(
            "Config Service",
            "DescribeConfigurationRecorderStatus",
            "config:DescribeConfigurationRecorderStatus",
        ),
        op(
            "Config Service",
            "DescribeConfigurationRecorders",
            "config:DescribeConfigurationRecorders",
        ),
        op(
            "Config Service",
            "DescribeDeliveryChannels",
            "config:DescribeDeliveryChannels",
        ),
        op(
            "DynamoDB",
            "DescribeContinuousBackups",
            "dynamodb:DescribeContinuousBackups",
        ),
        op("DynamoDB", "DescribeTable", "dynamodb:DescribeTable"),
        op("DynamoDB", "ListTables", "dynamodb:ListTables"),
        op("EC2", "DescribeFlowLogs", "ec2:DescribeFlowLogs"),
        op(
            "EC2",
            "DescribeImageAttribute",
            "ec2:DescribeImageAttribute",
        ),
        op("EC2", "DescribeImages", "ec2:DescribeImages"),
        op(
            "EC2",
            "DescribeInstanceAttribute",
            "ec2:DescribeInstanceAttribute",
        ),
        op("EC2", "DescribeInstances", "ec2:DescribeInstances"),
        op(
            "EC2",
            "DescribeInternetGateways",
            "ec2:DescribeInternetGateways",
        ),
        op("EC2", "DescribeNetworkAcls", "ec2:DescribeNetworkAcls"),
        op(
            "EC2",
            "DescribeNetworkInterfaces",
            "ec2:DescribeNetworkInterfaces",
        ),
        op("EC2", "DescribeRouteTables", "ec2:DescribeRouteTables"),
        op(
            "EC2",
            "DescribeSecurityGroups",
            "ec2:DescribeSecurityGroups",
        ),
        op(
            "EC2",
            "DescribeSnapshotAttribute",
            "ec2:DescribeSnapshotAttribute",
        ),
        op("EC2", "DescribeSnapshots", "ec2:DescribeSnapshots"),
        op("EC2", "DescribeVolumes", "ec2:DescribeVolumes"),
        op("EC2", "DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints"),
        op("EC2", "DescribeVpcs", "ec2:DescribeVpcs"),
        op(
            "EC2",
            "GetEbsEncryptionByDefault",
            "ec2:GetEbsEncryptionByDefault",
        ),
        op("ECR", "DescribeRepositories", "ecr:DescribeRepositories"),
        op("ECR", "GetRepositoryPolicy", "ecr:GetRepositoryPolicy"),
        op(
            "ECS",
            "DescribeTaskDefinition",
            "ecs:DescribeTaskDefinition",
        ),
        op("ECS", "ListTaskDefinitions", "ecs:ListTaskDefinitions"),
        op(
            "EFS",
            "DescribeFileSystems",
            "elasticfilesystem:DescribeFileSystems",
        ),
        op("EKS", "DescribeCluster", "eks:DescribeCluster"),
        op("EKS", "ListClusters", "eks:ListClusters"),
        op(
            "ElastiCache",
            "DescribeCacheClusters",
            "elasticache:DescribeCacheClusters",
        ),
        op(
            "ElastiCache",
            "DescribeReplicationGroups",
            "elasticache:DescribeReplicationGroups",
        ),
        op(
            "Elastic Load Balancing v2",
            "DescribeListeners",
            "elasticloadbalancing:DescribeListeners",
        ),
        op(
            "Elastic Load Balancing v2",
            "DescribeLoadBalancerAttributes",
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
        ),
        op(
            "Elastic Load Balancing v2",
            "DescribeLoadBalancers",
            "elasticloadbalancing:DescribeLoadBalancers",
        ),
        op("GuardDuty", "GetDetector", "guardduty:GetDetector"),
        op("GuardDuty", "ListDetectors", "guardduty:ListDetectors"),
        op(
            "IAM",
            "GenerateCredentialReport",
            "iam:GenerateCredentialReport",
        ),
        op("IAM", "GetAccessKeyLastUsed", "iam:GetAccessKeyLastUsed"),
        op(
            "IAM",
            "GetAccountPasswordPolicy",
            "iam:GetAccountPasswordPolicy",
        ),
        op("IAM", "GetAccountSummary", "iam:GetAccountSummary"),
        op("IAM", "GetCredentialReport", "iam:GetCredentialReport"),
        op("IAM", "GetLoginProfile", "iam:GetLoginProfile"),
        op("IAM", "GetPolicyVersion", "iam:GetPolicyVersion"),
        op("IAM", "ListAccessKeys", "iam:ListAccessKeys"),
        op(
            "IAM",
            "ListAttachedRolePolicies",
            "iam:ListAttachedRolePolicies",
        ),
        op(
            "IAM",
            "ListAttachedUserPolicies",
            "iam:ListAttachedUserPolicies",
        ),
        op("IAM", "ListEntitiesForPolicy", "iam:ListEntitiesForPolicy"),
        op("IAM", "ListGroupsForUser", "iam:ListGroupsForUser"),
        op("IAM", "ListMFADevices", "iam:ListMFADevices"),
        op("IAM", "ListPolicies", "iam:ListPolicies"),
        op("IAM", "ListRoles", "iam:ListRoles"),
        op(
            "IAM",
            "ListServerCertificates",
            "iam:ListServerCertificates",
        ),
        op("IAM", "ListUserPolicies", "iam:ListUserPolicies"),
        op("IAM", "ListUsers", "iam:ListUsers"),
        op("IAM", "ListVirtualMFADevices", "iam:ListVirtualMFADevices"),
        op("KMS", "DescribeKey", "kms:DescribeKey"),
        op("KMS", "GetKeyPolicy", "kms:GetKeyPolicy"),
        op("KMS", "GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
        op("KMS", "ListAliases", "kms:ListAliases"),
        op("KMS", "ListKeys", "kms:ListKeys"),
        op(
            "Lambda",
            "GetFunctionUrlConfig",
            "lambda:GetFunctionUrlConfig",
        ),
        op("Lambda", "GetPolicy", "lambda:GetPolicy"),
        op("Lambda", "ListFunctions", "lambda:ListFunctions"),
        op(
            "RDS",
            "DescribeDBClusterSnapshotAttributes",
            "rds:DescribeDBClusterSnapshotAttributes",
        ),
        op(
            "RDS",
            "DescribeDBClusterSnapshots",
            "rds:DescribeDBClusterSnapshots",
        ),
        op("RDS", "DescribeDBClusters", "rds:DescribeDBClusters"),
        op("RDS", "DescribeDBInstances", "rds:DescribeDBInstances"),
        op(
            "RDS",
            "DescribeDBSnapshotAttributes",
            "rds:DescribeDBSnapshotAttributes",
        ),
        op("RDS", "DescribeDBSnapshots", "rds:DescribeDBSnapshots"),
        op(
            "Redshift",
            "DescribeClusterParameters",
            "redshift:DescribeClusterParameters",
        ),
        op("Redshift", "DescribeClusters", "redshift:DescribeClusters"),
        op(
            "Redshift",
            "DescribeLoggingStatus",
            "redshift:DescribeLoggingStatus",
        ),
        op("S3", "GetBucketAcl", "s3:GetBucketAcl"),
        op("S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
        op(
            "S3",
            "GetBucketLifecycleConfiguration",
            "s3:GetLifecycleConfiguration",
        ),
        op("S3", "GetBucketLocation", "s3:GetBucketLocation"),
        op("S3", "GetBucketLogging", "s3:GetBucketLogging"),
        op(
            "S3",
            "GetBucketOwnershipControls",
            "s3:GetBucketOwnershipControls",
        ),
        op("S3", "GetBucketPolicy", "s3:GetBucketPolicy"),
        op(
            "S3",
            "GetBucketReplication",
            "s3:GetReplicationConfiguration",
        ),
        op("S3", "GetBucketVersioning", "s3:GetBucketVersioning"),
        op(
            "S3",
            "GetObjectLockConfiguration",
            "s3:GetBucketObjectLockConfiguration",
        ),
        op(
            "S3",
            "GetPublicAccessBlock",
            "s3:GetBucketPublicAccessBlock",
        ),
        op("S3", "ListBuckets", "s3:ListAllMyBuckets"),
        op(
            "S3 Control",
            "GetPublicAccessBlock",
            "s3:GetAccountPublicAccessBlock",
        ),
        op(
            "SNS",
            "ListSubscriptionsByTopic",
            "sns:ListSubscriptionsByTopic",
        ),
        op(
            "SSM",
            "DescribeInstanceInformation",
            "ssm:DescribeInstanceInformation",
        ),
        op(
            "SSM",
            "ListResourceComplianceSummaries",
            "ssm:ListResourceComplianceSummaries",
        ),
        op("STS", "GetCallerIdentity", "sts:GetCallerIdentity"),
        op(
            "Secrets Manager",
            "ListSecrets",
            "secretsmanager:ListSecrets",
        ),
        op("SecurityHub", "DescribeHub", "securityhub:DescribeHub"),
    ],
};

/// Reads that return secrets, credentials or data rather than settings.
/// None of them is on [`READS`] (a test holds it): a scanner's credentials
/// must not be a path to the data it audits.
pub const SECRET_READS: &[&str] = &[
    "GetSecretValue",
    "BatchGetSecretValue",
    "GetParameter",
    "GetParameters",
    "GetParametersByPath",
    "GetParameterHistory",
    "GetObject",
    "GetObjectTorrent",
    "GetPasswordData",
    "GetConsoleOutput",
    "GetConsoleScreenshot",
    "GetLaunchTemplateData",
    "GetAuthorizationToken",
    "GetDownloadUrlForLayer",
    "BatchGetImage",
    "GetSessionToken",
    "GetFederationToken",
    "GetCredentialsForIdentity",
    "GetClusterCredentials",
    "GetClusterCredentialsWithIAM",
    "GetFunction",
    "GetTemplate",
    "GetQueryResults",
    "GetLogEvents",
    "FilterLogEvents",
    "GetItem",
    "Scan",
    "Query",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_unique_and_holds_no_secret_read() {
        let ops: Vec<(&str, &str)> = READS
            .operations
            .iter()
            .map(|o| (o.service, o.operation))
            .collect();
        let mut sorted = ops.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ops, sorted, "sorted, without duplicates");
        for o in READS.operations {
            assert!(!SECRET_READS.contains(&o.operation), "{}", o.operation);
            assert!(
                ["Get", "List", "Describe", "Generate"]
                    .iter()
                    .any(|v| o.operation.starts_with(v)),
                "not a read verb: {}",
                o.operation
            );
            assert!(o.permission.contains(':'), "{}", o.permission);
        }
    }

    #[test]
    fn only_named_operations_of_the_named_service_pass() {
        assert!(READS.allows("IAM", "ListUsers"));
        assert!(READS.allows("S3 Control", "GetPublicAccessBlock"));
        // Reads that return data or secrets, and writes.
        for (service, op) in [
            ("EC2", "GetConsoleOutput"),
            ("ECR", "GetDownloadUrlForLayer"),
            ("CloudFormation", "GetTemplate"),
            ("EC2", "GetLaunchTemplateData"),
            ("Secrets Manager", "GetSecretValue"),
            ("S3", "GetObject"),
            ("S3", "PutBucketPolicy"),
            ("IAM", "CreateAccessKey"),
            // A listed operation name under another service.
            ("S3 Control", "GetBucketPolicy"),
            ("GuardDuty", "ListFindings"),
        ] {
            assert!(!READS.allows(service, op), "{service}:{op}");
        }
    }
}
