//! ECR (category 6.4): repositories' scanning, tag immutability, policy
//! and encryption.

use serde_json::json;

use crate::error::{code, unknown_shape, Scope};
use crate::{policy, Ctx};

pub const ECR_REPOSITORY: &str = "aws.ecr.repository";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
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
            Err(e) => ctx.failed(
                Scope::attrs(ECR_REPOSITORY, Some(region), &arn, &["policy_public"]),
                "ecr",
                "GetRepositoryPolicy",
                &e,
            ),
        }
        ctx.resource(ECR_REPOSITORY, arn, region, name, attrs);
    })
    .await;
}
