//! EKS (category 6.4): clusters' endpoint access, control-plane logs,
//! secrets encryption and Kubernetes version.

use std::collections::BTreeMap;

use serde_json::json;

use crate::error::{unknown_shape, Scope};
use crate::Ctx;

pub const EKS_CLUSTER: &str = "aws.eks.cluster";

/// `1.31` → 31; `0` when the version is not `1.<minor>`.
fn k8s_minor(version: &str) -> i64 {
    version
        .strip_prefix("1.")
        .and_then(|m| m.split(['.', '-']).next())
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
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

#[cfg(test)]
mod tests {
    #[test]
    fn kubernetes_minor_versions() {
        assert_eq!(super::k8s_minor("1.31"), 31);
        assert_eq!(super::k8s_minor("1.29-eks-abc"), 29);
        assert_eq!(super::k8s_minor("2.0"), 0);
    }
}
