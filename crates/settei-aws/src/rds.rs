//! RDS (category 6.3): DB instances, clusters and manual snapshots
//! (public, encrypted, backups, Multi-AZ, deletion protection, IAM auth,
//! log exports, sharing).

use std::collections::BTreeMap;

use serde_json::json;

use crate::error::{failure, unknown_shape, Scope};
use crate::{tag_map, Ctx};

pub const RDS_INSTANCE: &str = "aws.rds.instance";
pub const RDS_CLUSTER: &str = "aws.rds.cluster";
pub const RDS_SNAPSHOT: &str = "aws.rds.snapshot";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    tokio::join!(
        rds_instances(ctx, region),
        rds_clusters(ctx, region),
        rds_snapshots(ctx, region),
    );
}

async fn rds_instances(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(RDS_INSTANCE);
    let rds = regional_client!(aws_sdk_rds, ctx, region);
    let Some(pages) = ctx
        .listed(
            RDS_INSTANCE,
            region,
            "rds",
            "DescribeDBInstances",
            rds.describe_db_instances()
                .into_paginator()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    let list = pages
        .into_iter()
        .flat_map(|p| p.db_instances.unwrap_or_default())
        .collect::<Vec<_>>();
    const OP: &str = "rds:DescribeDBInstances";
    for db in list {
        let name = db.db_instance_identifier().unwrap_or_default().to_string();
        let arn = db
            .db_instance_arn()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.arn("rds", region, &format!("db:{name}")));
        let f = ctx.fields(RDS_INSTANCE, region, &arn, OP);
        let attrs = json!({
            "engine": f.required("engine", db.engine()),
            "engine_version": db.engine_version().unwrap_or_default(),
            "cluster_id": db.db_cluster_identifier().unwrap_or_default(),
            "publicly_accessible": f.required("publicly_accessible", db.publicly_accessible()),
            "storage_encrypted": f.required("storage_encrypted", db.storage_encrypted()),
            "auto_minor_version_upgrade": f.required("auto_minor_version_upgrade", db.auto_minor_version_upgrade()),
            "backup_retention_days": db.backup_retention_period().unwrap_or(0),
            "multi_az": db.multi_az().unwrap_or(false),
            "deletion_protection": db.deletion_protection().unwrap_or(false),
            "iam_auth": db.iam_database_authentication_enabled().unwrap_or(false),
            "log_exports": db.enabled_cloudwatch_logs_exports(),
        });
        let tags = tag_map(db.tag_list().iter().map(|t| (t.key(), t.value())));
        ctx.tagged_resource(RDS_INSTANCE, arn, region, name, tags, attrs);
    }
}

async fn rds_clusters(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(RDS_CLUSTER);
    let rds = regional_client!(aws_sdk_rds, ctx, region);
    let Some(pages) = ctx
        .listed(
            RDS_CLUSTER,
            region,
            "rds",
            "DescribeDBClusters",
            rds.describe_db_clusters()
                .into_paginator()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    let list = pages
        .into_iter()
        .flat_map(|p| p.db_clusters.unwrap_or_default())
        .collect::<Vec<_>>();
    for c in list {
        let name = c.db_cluster_identifier().unwrap_or_default().to_string();
        let arn = c
            .db_cluster_arn()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.arn("rds", region, &format!("cluster:{name}")));
        let encrypted = ctx
            .fields(RDS_CLUSTER, region, &arn, "rds:DescribeDBClusters")
            .required("storage_encrypted", c.storage_encrypted());
        let attrs = json!({
            "engine": c.engine().unwrap_or_default(),
            "storage_encrypted": encrypted,
            "backup_retention_days": c.backup_retention_period().unwrap_or(0),
            "deletion_protection": c.deletion_protection().unwrap_or(false),
            // (AvailabilityZones lists where instances could go, not where they are.)
            "multi_az": c.multi_az().unwrap_or(false),
            "iam_auth": c.iam_database_authentication_enabled().unwrap_or(false),
            "log_exports": c.enabled_cloudwatch_logs_exports(),
        });
        let tags = tag_map(c.tag_list().iter().map(|t| (t.key(), t.value())));
        ctx.tagged_resource(RDS_CLUSTER, arn, region, name, tags, attrs);
    }
}

/// Who may restore a manual snapshot: `all` (public) and account ids.
fn restore_grants(values: &[String]) -> (bool, Vec<String>) {
    let public = values.iter().any(|v| v == "all");
    let mut accounts: Vec<String> = values.iter().filter(|v| *v != "all").cloned().collect();
    accounts.sort();
    (public, accounts)
}

/// Fills `public` and `shared_accounts` from a manual snapshot's `restore`
/// attribute, which the API always returns; without it sharing is unknown.
fn share(
    ctx: &Ctx,
    region: &str,
    arn: &str,
    attrs: &mut serde_json::Value,
    restore: Option<&[String]>,
    op: &str,
) {
    match restore {
        Some(values) => {
            let (public, accounts) = restore_grants(values);
            attrs["public"] = json!(public);
            attrs["shared_accounts"] = json!(accounts);
        }
        None => ctx.sink.error(unknown_shape(
            Scope::attrs(
                RDS_SNAPSHOT,
                Some(region),
                arn,
                &["public", "shared_accounts"],
            ),
            op,
            "the response has no `restore` attribute",
        )),
    }
}

/// A manual snapshot of an instance or a cluster, as listed.
struct Snap {
    source: &'static str,
    name: String,
    arn: Option<String>,
    encrypted: Option<bool>,
    tags: BTreeMap<String, String>,
}

fn share_scope<'a>(region: &'a str, arn: &'a str) -> Scope<'a> {
    Scope::attrs(
        RDS_SNAPSHOT,
        Some(region),
        arn,
        &["public", "shared_accounts"],
    )
}

/// The values of the `restore` attribute among a snapshot's attributes.
fn restore_values<'a>(
    attrs: impl Iterator<Item = (Option<&'a str>, &'a [String])>,
) -> Option<Vec<String>> {
    attrs
        .into_iter()
        .find(|(name, _)| *name == Some("restore"))
        .map(|(_, values)| values.to_vec())
}

async fn rds_snapshots(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(RDS_SNAPSHOT);
    let rds = regional_client!(aws_sdk_rds, ctx, region);
    let rds = &rds;
    // Only manual snapshots can be shared; automated ones never are.
    let Some(pages) = ctx
        .listed(
            RDS_SNAPSHOT,
            region,
            "rds",
            "DescribeDBSnapshots",
            rds.describe_db_snapshots()
                .snapshot_type("manual")
                .into_paginator()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    let instance_snaps: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.db_snapshots.unwrap_or_default())
        .collect();
    let Some(pages) = ctx
        .listed(
            RDS_SNAPSHOT,
            region,
            "rds",
            "DescribeDBClusterSnapshots",
            rds.describe_db_cluster_snapshots()
                .snapshot_type("manual")
                .into_paginator()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    let cluster_snaps: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.db_cluster_snapshots.unwrap_or_default())
        .collect();
    let snaps = instance_snaps
        .iter()
        .map(|s| Snap {
            source: "instance",
            name: s.db_snapshot_identifier().unwrap_or_default().to_string(),
            arn: s.db_snapshot_arn().map(str::to_string),
            encrypted: s.encrypted(),
            tags: tag_map(s.tag_list().iter().map(|t| (t.key(), t.value()))),
        })
        .chain(cluster_snaps.iter().map(|s| {
            Snap {
                source: "cluster",
                name: s
                    .db_cluster_snapshot_identifier()
                    .unwrap_or_default()
                    .to_string(),
                arn: s.db_cluster_snapshot_arn().map(str::to_string),
                encrypted: s.storage_encrypted(),
                tags: tag_map(s.tag_list().iter().map(|t| (t.key(), t.value()))),
            }
        }));
    settei_provider::bounded(snaps, ctx.opts.call_concurrency, |snap| async move {
        let cluster = snap.source == "cluster";
        let arn = snap.arn.clone().unwrap_or_else(|| {
            let prefix = if cluster {
                "cluster-snapshot"
            } else {
                "snapshot"
            };
            ctx.arn("rds", region, &format!("{prefix}:{}", snap.name))
        });
        let (list_op, attr_op) = if cluster {
            (
                "rds:DescribeDBClusterSnapshots",
                "DescribeDBClusterSnapshotAttributes",
            )
        } else {
            ("rds:DescribeDBSnapshots", "DescribeDBSnapshotAttributes")
        };
        let encrypted = ctx
            .fields(RDS_SNAPSHOT, region, &arn, list_op)
            .required("encrypted", snap.encrypted);
        let mut attrs = json!({ "source": snap.source, "encrypted": encrypted });
        // The `restore` attribute: who may restore the snapshot.
        let restore: Result<Option<Vec<String>>, _> = if cluster {
            rds.describe_db_cluster_snapshot_attributes()
                .db_cluster_snapshot_identifier(&snap.name)
                .send()
                .await
                .map(|o| {
                    restore_values(
                        o.db_cluster_snapshot_attributes_result()
                            .map(|r| r.db_cluster_snapshot_attributes())
                            .unwrap_or_default()
                            .iter()
                            .map(|a| (a.attribute_name(), a.attribute_values())),
                    )
                })
                .map_err(|e| failure(share_scope(region, &arn), "rds", attr_op, &e))
        } else {
            rds.describe_db_snapshot_attributes()
                .db_snapshot_identifier(&snap.name)
                .send()
                .await
                .map(|o| {
                    restore_values(
                        o.db_snapshot_attributes_result()
                            .map(|r| r.db_snapshot_attributes())
                            .unwrap_or_default()
                            .iter()
                            .map(|a| (a.attribute_name(), a.attribute_values())),
                    )
                })
                .map_err(|e| failure(share_scope(region, &arn), "rds", attr_op, &e))
        };
        match restore {
            Ok(values) => share(
                ctx,
                region,
                &arn,
                &mut attrs,
                values.as_deref(),
                &format!("rds:{attr_op}"),
            ),
            Err(err) => ctx.sink.error(err),
        }
        ctx.tagged_resource(RDS_SNAPSHOT, arn, region, snap.name, snap.tags, attrs);
    })
    .await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn restore_all_is_public() {
        let (public, accounts) =
            super::restore_grants(&["444455556666".into(), "all".into(), "111122223333".into()]);
        assert!(public);
        assert_eq!(accounts, ["111122223333", "444455556666"]);
        assert_eq!(super::restore_grants(&[]), (false, vec![]));
    }
}
