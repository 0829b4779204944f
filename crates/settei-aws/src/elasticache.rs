//! Amazon ElastiCache (category 6.3): Redis OSS / Valkey replication groups
//! (encryption at rest and in transit, AUTH or RBAC, backups, failover) and
//! the cache clusters that stand alone, outside any replication group (a
//! member's settings are its group's).

use serde_json::json;

use crate::error::{unknown_shape, Scope};
use crate::Ctx;

pub const REPLICATION_GROUP: &str = "aws.elasticache.replication_group";
pub const CACHE_CLUSTER: &str = "aws.elasticache.cluster";

pub async fn collect(ctx: &Ctx, region: &str) {
    tokio::join!(replication_groups(ctx, region), clusters(ctx, region));
}

async fn replication_groups(ctx: &Ctx, region: &str) {
    use aws_sdk_elasticache::types::{AutomaticFailoverStatus, MultiAzStatus};
    ctx.sink.attempted(REPLICATION_GROUP);
    let client = regional_client!(aws_sdk_elasticache, ctx, region);
    let Some(groups) = ctx
        .listed(
            REPLICATION_GROUP,
            region,
            "elasticache",
            "DescribeReplicationGroups",
            client
                .describe_replication_groups()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    const OP: &str = "elasticache:DescribeReplicationGroups";
    for g in groups {
        let name = g.replication_group_id().unwrap_or_default().to_string();
        let arn = g
            .arn()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.arn("elasticache", region, &format!("replicationgroup:{name}")));
        let required = |v: Option<bool>, attr: &'static str| {
            if v.is_none() {
                ctx.sink.error(unknown_shape(
                    Scope::attrs(REPLICATION_GROUP, Some(region), &arn, &[attr]),
                    OP,
                    format!("the response leaves `{attr}` out"),
                ));
            }
            v
        };
        let failover = g.automatic_failover().map(|s| {
            matches!(
                s,
                AutomaticFailoverStatus::Enabled | AutomaticFailoverStatus::Enabling
            )
        });
        let attrs = json!({
            "engine": g.engine().unwrap_or("redis"),
            "at_rest_encryption": required(g.at_rest_encryption_enabled(), "at_rest_encryption"),
            "transit_encryption": required(g.transit_encryption_enabled(), "transit_encryption"),
            // `preferred` still accepts clients in plain text.
            "transit_encryption_mode": g.transit_encryption_mode().map(|m| m.as_str()).unwrap_or(""),
            "auth_token_enabled": g.auth_token_enabled().unwrap_or(false),
            "user_group_ids": g.user_group_ids(),
            "kms_key_id": g.kms_key_id().unwrap_or(""),
            "snapshot_retention_days": g.snapshot_retention_limit().unwrap_or(0),
            "automatic_failover": required(failover, "automatic_failover"),
            "multi_az": g.multi_az() == Some(&MultiAzStatus::Enabled),
            "auto_minor_version_upgrade": g.auto_minor_version_upgrade().unwrap_or(false),
        });
        ctx.resource(REPLICATION_GROUP, arn.clone(), region, name, attrs);
    }
}

async fn clusters(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(CACHE_CLUSTER);
    let client = regional_client!(aws_sdk_elasticache, ctx, region);
    let Some(list) = ctx
        .listed(
            CACHE_CLUSTER,
            region,
            "elasticache",
            "DescribeCacheClusters",
            client
                .describe_cache_clusters()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    for c in list {
        if c.replication_group_id().is_some_and(|id| !id.is_empty()) {
            continue;
        }
        let name = c.cache_cluster_id().unwrap_or_default().to_string();
        let arn = c
            .arn()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.arn("elasticache", region, &format!("cluster:{name}")));
        let transit = c.transit_encryption_enabled();
        if transit.is_none() {
            ctx.sink.error(unknown_shape(
                Scope::attrs(CACHE_CLUSTER, Some(region), &arn, &["transit_encryption"]),
                "elasticache:DescribeCacheClusters",
                "the response leaves `transit_encryption` out",
            ));
        }
        let attrs = json!({
            "engine": c.engine().unwrap_or(""),
            "engine_version": c.engine_version().unwrap_or(""),
            "transit_encryption": transit,
            "auto_minor_version_upgrade": c.auto_minor_version_upgrade().unwrap_or(false),
            "snapshot_retention_days": c.snapshot_retention_limit().unwrap_or(0),
        });
        ctx.resource(CACHE_CLUSTER, arn, region, name, attrs);
    }
}
