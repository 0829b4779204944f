//! Amazon Redshift provisioned clusters (category 6.3): encryption, public
//! access, audit logging, `require_ssl` from the cluster's parameter groups,
//! automated snapshots, enhanced VPC routing, version upgrades.

use std::collections::BTreeMap;

use serde_json::json;
use settei_model::CollectionError;

use crate::error::{failure, unknown_shape, Scope};
use crate::Ctx;

pub const REDSHIFT_CLUSTER: &str = "aws.redshift.cluster";

pub async fn collect(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(REDSHIFT_CLUSTER);
    let client = regional_client!(aws_sdk_redshift, ctx, region);
    let client = &client;
    let Some(clusters) = ctx
        .listed(
            REDSHIFT_CLUSTER,
            region,
            "redshift",
            "DescribeClusters",
            client
                .describe_clusters()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    // Parameter groups are shared between clusters: read each one once.
    let mut groups: Vec<String> = clusters
        .iter()
        .flat_map(|c| c.cluster_parameter_groups())
        .filter_map(|g| g.parameter_group_name().map(str::to_string))
        .collect();
    groups.sort();
    groups.dedup();
    // A group that could not be read keeps its error (cause and operation) to
    // be recorded against each cluster that uses it.
    let require_ssl: BTreeMap<String, Result<Option<bool>, CollectionError>> =
        settei_provider::bounded(groups, ctx.opts.call_concurrency, |group| async move {
            let read: Result<Vec<_>, _> = client
                .describe_cluster_parameters()
                .parameter_group_name(&group)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await;
            let value = match read {
                Ok(params) => Ok(params
                    .iter()
                    .find(|p| p.parameter_name() == Some("require_ssl"))
                    .and_then(|p| p.parameter_value())
                    .map(|v| v.eq_ignore_ascii_case("true"))),
                Err(e) => Err(failure(
                    Scope::kind(REDSHIFT_CLUSTER, Some(region)),
                    "redshift",
                    "DescribeClusterParameters",
                    &e,
                )),
            };
            (group, value)
        })
        .await
        .into_iter()
        .collect();
    let require_ssl = &require_ssl;

    settei_provider::bounded(clusters, ctx.opts.call_concurrency, |c| async move {
        let name = c.cluster_identifier().unwrap_or_default().to_string();
        let arn = ctx.arn("redshift", region, &format!("cluster:{name}"));
        let scope = |attrs: &'static [&'static str]| {
            Scope::attrs(REDSHIFT_CLUSTER, Some(region), &arn, attrs)
        };
        let f = ctx.fields(REDSHIFT_CLUSTER, region, &arn, "redshift:DescribeClusters");
        // The cluster's parameter groups, each with whether it is applied: a
        // group still `pending-reboot` (or applying) does not govern the
        // running cluster yet, so its require_ssl cannot pass.
        let names: Vec<(&str, bool)> = c
            .cluster_parameter_groups()
            .iter()
            .filter_map(|g| {
                let applied = g.parameter_apply_status() == Some("in-sync");
                Some((g.parameter_group_name()?, applied))
            })
            .collect();
        let mut attrs = json!({
            "encrypted": f.required("encrypted", c.encrypted()),
            "kms_key_id": c.kms_key_id().unwrap_or(""),
            "publicly_accessible": f.required("publicly_accessible", c.publicly_accessible()),
            "automated_snapshot_retention_days": f.required("automated_snapshot_retention_days", c.automated_snapshot_retention_period()),
            "enhanced_vpc_routing": f.required("enhanced_vpc_routing", c.enhanced_vpc_routing()),
            "allow_version_upgrade": f.required("allow_version_upgrade", c.allow_version_upgrade()),
            "parameter_groups": names.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        });

        // require_ssl holds only if every parameter group of the cluster says
        // so and is in effect (see `names` above).
        let mut ssl = true;
        let mut problem = names.is_empty().then(|| {
            unknown_shape(
                scope(&["require_ssl"]),
                "redshift:DescribeClusters",
                "the cluster lists no parameter group",
            )
        });
        for (n, applied) in &names {
            match require_ssl.get(*n) {
                Some(Ok(Some(v))) => ssl &= *v && *applied,
                Some(Ok(None)) | None => {
                    problem = Some(unknown_shape(
                        scope(&["require_ssl"]),
                        "redshift:DescribeClusterParameters",
                        format!("parameter group {n} has no `require_ssl` parameter"),
                    ))
                }
                Some(Err(e)) => problem = Some(e.for_attributes(&arn, &["require_ssl"])),
            }
        }
        match problem {
            None => attrs["require_ssl"] = json!(ssl),
            Some(err) => ctx.sink.error(err),
        }

        match client
            .describe_logging_status()
            .cluster_identifier(&name)
            .send()
            .await
        {
            Ok(o) => match o.logging_enabled() {
                Some(on) => attrs["audit_logging"] = json!(on),
                None => ctx.sink.error(unknown_shape(
                    scope(&["audit_logging"]),
                    "redshift:DescribeLoggingStatus",
                    "the response leaves `LoggingEnabled` out",
                )),
            },
            Err(e) => ctx.failed(
                scope(&["audit_logging"]),
                "redshift",
                "DescribeLoggingStatus",
                &e,
            ),
        }

        let tags = crate::tag_map(c.tags().iter().map(|t| (t.key(), t.value())));
        ctx.tagged_resource(REDSHIFT_CLUSTER, arn.clone(), region, name, tags, attrs);
    })
    .await;
}
