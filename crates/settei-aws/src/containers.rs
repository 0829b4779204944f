//! Containers and functions (categories 6.4 and 6.2): EKS clusters, ECR
//! repositories, ECS task definitions and Lambda functions.
//!
//! Environment variables are read to find secrets in plain text; only the
//! variable names leave this module (see [`crate::secrets`]).

use std::collections::BTreeMap;

use serde_json::json;

use crate::error::{code, failure, unknown_shape, Scope};
use crate::{policy, secrets, Ctx};

pub const EKS_CLUSTER: &str = "aws.eks.cluster";
pub const ECR_REPOSITORY: &str = "aws.ecr.repository";
pub const ECS_TASK_DEFINITION: &str = "aws.ecs.task_definition";
pub const LAMBDA_FUNCTION: &str = "aws.lambda.function";

pub async fn collect(ctx: &Ctx, region: &str) {
    tokio::join!(
        eks(ctx, region),
        ecr(ctx, region),
        ecs(ctx, region),
        lambda(ctx, region)
    );
}

/// `1.31` → 31; `0` when the version is not `1.<minor>`.
fn k8s_minor(version: &str) -> i64 {
    version
        .strip_prefix("1.")
        .and_then(|m| m.split(['.', '-']).next())
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

async fn eks(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(EKS_CLUSTER);
    let eks = regional_client!(aws_sdk_eks, ctx, region);
    let eks = &eks;
    let Some(names) = ctx
        .listed(
            EKS_CLUSTER,
            region,
            "eks",
            "ListClusters",
            eks.list_clusters()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    settei_provider::bounded(names, ctx.opts.call_concurrency, |name| async move {
        let fallback = ctx.arn("eks", region, &format!("cluster/{name}"));
        let Some(c) = ctx
            .described(
                (EKS_CLUSTER, region, &fallback),
                "eks",
                "DescribeCluster",
                "cluster",
                eks.describe_cluster().name(&name).send(),
                |o| o.cluster,
            )
            .await
        else {
            return;
        };
        let arn = c.arn().map(str::to_string).unwrap_or(fallback);
        let Some(vpc) = c.resources_vpc_config() else {
            return ctx.sink.error(unknown_shape(
                Scope::attrs(EKS_CLUSTER, Some(region), &arn, &[]),
                "eks:DescribeCluster",
                "the cluster has no resourcesVpcConfig",
            ));
        };
        let mut logging: Vec<String> = c
            .logging()
            .map(|l| l.cluster_logging())
            .unwrap_or_default()
            .iter()
            .filter(|s| s.enabled() == Some(true))
            .flat_map(|s| s.types().iter().map(|t| t.as_str().to_string()))
            .collect();
        logging.sort();
        logging.dedup();
        // Envelope encryption of secrets under the customer's own KMS key
        // (EKS encrypts everything with an AWS owned key regardless).
        let secrets_encrypted = c.encryption_config().iter().any(|e| {
            e.provider()
                .and_then(|p| p.key_arn())
                .is_some_and(|k| !k.is_empty())
        });
        // A cluster always has at least one endpoint; two `false`s mean the
        // fields were missing (the SDK defaults them), not a closed cluster.
        if !vpc.endpoint_public_access() && !vpc.endpoint_private_access() {
            return ctx.sink.error(unknown_shape(
                Scope::attrs(EKS_CLUSTER, Some(region), &arn, &[]),
                "eks:DescribeCluster",
                "neither endpointPublicAccess nor endpointPrivateAccess is true",
            ));
        }
        // An empty list with a public endpoint means AWS's default: everyone
        // (over IPv6 too, for an IPv6 cluster).
        let mut cidrs: Vec<String> = vpc.public_access_cidrs().to_vec();
        if vpc.endpoint_public_access() && cidrs.is_empty() {
            cidrs.push("0.0.0.0/0".into());
            let ipv6 = c
                .kubernetes_network_config()
                .and_then(|k| k.ip_family())
                .is_some_and(|f| f.as_str() == "ipv6");
            if ipv6 {
                cidrs.push("::/0".into());
            }
        }
        let version = c.version().unwrap_or_default();
        let tags: BTreeMap<String, String> = c
            .tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        ctx.tagged_resource(
            EKS_CLUSTER,
            arn,
            region,
            name.clone(),
            tags,
            json!({
                "version": version,
                "version_minor": k8s_minor(version),
                "endpoint_public_access": vpc.endpoint_public_access(),
                "endpoint_private_access": vpc.endpoint_private_access(),
                "public_access_cidrs": cidrs,
                "logging": logging,
                "secrets_encrypted": secrets_encrypted,
            }),
        );
    })
    .await;
}

async fn ecr(ctx: &Ctx, region: &str) {
    use aws_sdk_ecr::types::{EncryptionType, ImageTagMutability};
    ctx.sink.attempted(ECR_REPOSITORY);
    let ecr = regional_client!(aws_sdk_ecr, ctx, region);
    let ecr = &ecr;
    let Some(repos) = ctx
        .listed(
            ECR_REPOSITORY,
            region,
            "ecr",
            "DescribeRepositories",
            ecr.describe_repositories()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    settei_provider::bounded(repos, ctx.opts.call_concurrency, |r| async move {
        let name = r.repository_name().unwrap_or_default().to_string();
        let arn = r
            .repository_arn()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.arn("ecr", region, &format!("repository/{name}")));
        // IMMUTABLE_WITH_EXCLUSION leaves the excluded tags (often
        // `latest`) mutable: not immutable.
        let immutable = r.image_tag_mutability() == Some(&ImageTagMutability::Immutable);
        let encryption = match r.encryption_configuration().map(|e| e.encryption_type()) {
            Some(EncryptionType::Kms | EncryptionType::KmsDsse) => "KMS",
            _ => "AES256",
        };
        let mut attrs = json!({
            "scan_on_push": r.image_scanning_configuration().is_some_and(|s| s.scan_on_push()),
            "tag_immutable": immutable,
            "encryption_type": encryption,
        });
        match ecr
            .get_repository_policy()
            .repository_name(&name)
            .send()
            .await
        {
            Ok(o) => match o.policy_text().and_then(policy::parse_document) {
                Some(doc) => attrs["policy_public"] = json!(policy::allows_public_principal(&doc)),
                None => ctx.sink.error(unknown_shape(
                    Scope::attrs(ECR_REPOSITORY, Some(region), &arn, &["policy_public"]),
                    "ecr:GetRepositoryPolicy",
                    "the repository policy is missing or not JSON",
                )),
            },
            Err(e) if code(&e) == Some("RepositoryPolicyNotFoundException") => {
                attrs["policy_public"] = json!(false)
            }
            Err(e) => ctx.sink.error(failure(
                Scope::attrs(ECR_REPOSITORY, Some(region), &arn, &["policy_public"]),
                "ecr",
                "GetRepositoryPolicy",
                &e,
            )),
        }
        ctx.resource(ECR_REPOSITORY, arn, region, name, attrs);
    })
    .await;
}

/// `arn:…:task-definition/web:7` → ("web", 7).
fn family_revision(arn: &str) -> Option<(&str, i64)> {
    let tail = arn.rsplit_once('/')?.1;
    let (family, rev) = tail.rsplit_once(':')?;
    Some((family, rev.parse().ok()?))
}

async fn ecs(ctx: &Ctx, region: &str) {
    use aws_sdk_ecs::types::{NetworkMode, PidMode, TaskDefinitionStatus};
    ctx.sink.attempted(ECS_TASK_DEFINITION);
    let ecs = regional_client!(aws_sdk_ecs, ctx, region);
    let ecs = &ecs;
    let Some(arns) = ctx
        .listed(
            ECS_TASK_DEFINITION,
            region,
            "ecs",
            "ListTaskDefinitions",
            ecs.list_task_definitions()
                .status(TaskDefinitionStatus::Active)
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    // The latest active revision of each family is what new tasks run.
    let mut latest: BTreeMap<String, (i64, String)> = BTreeMap::new();
    for arn in &arns {
        match family_revision(arn) {
            Some((family, rev)) => {
                let e = latest
                    .entry(family.to_string())
                    .or_insert((rev, arn.clone()));
                if rev > e.0 {
                    *e = (rev, arn.clone());
                }
            }
            None => ctx.sink.error(unknown_shape(
                Scope::kind(ECS_TASK_DEFINITION, Some(region)),
                "ecs:ListTaskDefinitions",
                format!("`{arn}` is not a task definition ARN"),
            )),
        }
    }
    let latest: Vec<(String, String)> = latest.into_iter().map(|(f, (_, arn))| (f, arn)).collect();
    settei_provider::bounded(latest, ctx.opts.call_concurrency, |(family, arn)| async move {
        let Some(td) = ctx
            .described(
                (ECS_TASK_DEFINITION, region, &arn),
                "ecs",
                "DescribeTaskDefinition",
                "taskDefinition",
                ecs.describe_task_definition().task_definition(&arn).send(),
                |o| o.task_definition,
            )
            .await
        else {
            return;
        };
        let containers: Vec<_> = td
            .container_definitions()
            .iter()
            .map(|c| {
                json!({
                    "name": c.name().unwrap_or_default(),
                    "privileged": c.privileged().unwrap_or(false),
                    "readonly_root": c.readonly_root_filesystem().unwrap_or(false),
                    "plain_secrets": secrets::plain_secret_variables(
                        c.environment().iter().map(|kv| (kv.name().unwrap_or(""), kv.value().unwrap_or("")))
                    ),
                })
            })
            .collect();
        let mut attrs = json!({ "containers": containers });
        match td.network_mode() {
            Some(NetworkMode::Host) => attrs["network_mode"] = json!("host"),
            Some(NetworkMode::Awsvpc) => attrs["network_mode"] = json!("awsvpc"),
            Some(NetworkMode::None) => attrs["network_mode"] = json!("none"),
            // Unset means bridge on EC2 (Fargate requires awsvpc, set explicitly).
            Some(NetworkMode::Bridge) | None => attrs["network_mode"] = json!("bridge"),
            Some(other) => ctx.sink.error(unknown_shape(
                Scope::attrs(ECS_TASK_DEFINITION, Some(region), &arn, &["network_mode"]),
                "ecs:DescribeTaskDefinition",
                format!("unknown network mode `{}`", other.as_str()),
            )),
        }
        match td.pid_mode() {
            Some(PidMode::Host) => attrs["pid_mode"] = json!("host"),
            Some(PidMode::Task) => attrs["pid_mode"] = json!("task"),
            None => attrs["pid_mode"] = json!(""),
            Some(other) => ctx.sink.error(unknown_shape(
                Scope::attrs(ECS_TASK_DEFINITION, Some(region), &arn, &["pid_mode"]),
                "ecs:DescribeTaskDefinition",
                format!("unknown PID mode `{}`", other.as_str()),
            )),
        }
        ctx.resource(ECS_TASK_DEFINITION, arn.clone(), region, family, attrs);
    })
    .await;
}

async fn lambda(ctx: &Ctx, region: &str) {
    use aws_sdk_lambda::types::PackageType;
    ctx.sink.attempted(LAMBDA_FUNCTION);
    let lambda = regional_client!(aws_sdk_lambda, ctx, region);
    let lambda = &lambda;
    let Some(functions) = ctx
        .listed(
            LAMBDA_FUNCTION,
            region,
            "lambda",
            "ListFunctions",
            lambda
                .list_functions()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    settei_provider::bounded(functions, ctx.opts.call_concurrency, |f| async move {
        let name = f.function_name().unwrap_or_default().to_string();
        let arn = f
            .function_arn()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.arn("lambda", region, &format!("function:{name}")));
        let mut attrs = json!({});
        // Variables encrypted under a key the scanner may not use come back
        // as an Error instead: what they hold is unknown, not clean.
        match f.environment() {
            Some(env) if env.error().is_some() || env.variables().is_none() => {
                ctx.sink.error(unknown_shape(
                    Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["plain_secrets"]),
                    "lambda:ListFunctions",
                    format!(
                        "the environment variables could not be read: {}",
                        env.error()
                            .and_then(|e| e.error_code())
                            .unwrap_or("no Variables")
                    ),
                ))
            }
            env => {
                attrs["plain_secrets"] = json!(secrets::plain_secret_variables(
                    env.and_then(|e| e.variables())
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.as_str(), v.as_str())),
                ))
            }
        }
        // Only container images run without a managed runtime.
        match (f.runtime(), f.package_type()) {
            (Some(r), _) => attrs["runtime"] = json!(r.as_str()),
            (None, Some(PackageType::Image)) => attrs["runtime"] = json!(""),
            (None, _) => ctx.sink.error(unknown_shape(
                Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["runtime"]),
                "lambda:ListFunctions",
                "a zip-packaged function without a Runtime",
            )),
        }
        match lambda.get_policy().function_name(&name).send().await {
            Ok(o) => match o.policy().and_then(policy::parse_document) {
                Some(doc) => attrs["policy_public"] = json!(policy::allows_public_principal(&doc)),
                None => ctx.sink.error(unknown_shape(
                    Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["policy_public"]),
                    "lambda:GetPolicy",
                    "the resource policy is missing or not JSON",
                )),
            },
            Err(e) if code(&e) == Some("ResourceNotFoundException") => {
                attrs["policy_public"] = json!(false)
            }
            Err(e) => ctx.sink.error(failure(
                Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["policy_public"]),
                "lambda",
                "GetPolicy",
                &e,
            )),
        }
        match lambda
            .get_function_url_config()
            .function_name(&name)
            .send()
            .await
        {
            Ok(o) => attrs["url_auth_type"] = json!(o.auth_type().as_str()),
            Err(e) if code(&e) == Some("ResourceNotFoundException") => {
                attrs["url_auth_type"] = json!("")
            }
            Err(e) => ctx.sink.error(failure(
                Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["url_auth_type"]),
                "lambda",
                "GetFunctionUrlConfig",
                &e,
            )),
        }
        ctx.resource(LAMBDA_FUNCTION, arn, region, name, attrs);
    })
    .await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_and_revisions() {
        assert_eq!(super::k8s_minor("1.31"), 31);
        assert_eq!(super::k8s_minor("1.29-eks-abc"), 29);
        assert_eq!(super::k8s_minor("2.0"), 0);
        assert_eq!(
            super::family_revision("arn:aws:ecs:ap-northeast-1:1:task-definition/web:12"),
            Some(("web", 12))
        );
        assert_eq!(super::family_revision("nonsense"), None);
    }
}
