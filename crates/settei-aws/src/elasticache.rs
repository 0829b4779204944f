//! Amazon ElastiCache (category 6.3): Redis OSS / Valkey replication groups
//! (encryption at rest and in transit, AUTH or RBAC, backups, failover) and
//! the cache clusters that stand alone, outside any replication group (a
//! member's settings are its group's).

use serde_json::json;

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
        let f = ctx.fields(REPLICATION_GROUP, region, &arn, OP);
        // Only `enabled` fails over; `enabling` may still fail.
        let failover = g
            .automatic_failover()
            .map(|s| *s == AutomaticFailoverStatus::Enabled);
        let transit = f.required("transit_encryption", g.transit_encryption_enabled());
        // `preferred` still accepts clients in plain text. With encryption
        // in transit on, the mode must be stated; off, there is none.
        let mode = match (transit, g.transit_encryption_mode()) {
            (Some(true), None) => f.required("transit_encryption_mode", None::<&str>),
            (_, m) => Some(m.map(|m| m.as_str()).unwrap_or("")),
        };
        let attrs = json!({
            "engine": g.engine().unwrap_or(""),
            "at_rest_encryption": f.required("at_rest_encryption", g.at_rest_encryption_enabled()),
            "transit_encryption": transit,
            "transit_encryption_mode": mode,
            "auth_token_enabled": f.required("auth_token_enabled", g.auth_token_enabled()),
            "user_group_ids": g.user_group_ids(),
            "kms_key_id": g.kms_key_id().unwrap_or(""),
            "snapshot_retention_days": f.required("snapshot_retention_days", g.snapshot_retention_limit()),
            "automatic_failover": f.required("automatic_failover", failover),
            "multi_az": f.required("multi_az", g.multi_az().map(|m| *m == MultiAzStatus::Enabled)),
            "auto_minor_version_upgrade": f.required("auto_minor_version_upgrade", g.auto_minor_version_upgrade()),
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
        const OP: &str = "elasticache:DescribeCacheClusters";
        let f = ctx.fields(CACHE_CLUSTER, region, &arn, OP);
        let attrs = json!({
            "engine": f.required("engine", c.engine()),
            "engine_version": c.engine_version().unwrap_or(""),
            "transit_encryption": f.required("transit_encryption", c.transit_encryption_enabled()),
            "auto_minor_version_upgrade": f.required("auto_minor_version_upgrade", c.auto_minor_version_upgrade()),
            "snapshot_retention_days": c.snapshot_retention_limit().unwrap_or(0),
        });
        ctx.resource(CACHE_CLUSTER, arn, region, name, attrs);
    }
}
