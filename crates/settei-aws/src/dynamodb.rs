//! DynamoDB (category 6.3): tables' point-in-time recovery, KMS key and
//! deletion protection.

use serde_json::json;

use crate::error::{unknown_shape, Scope};
use crate::Ctx;

pub const DYNAMODB_TABLE: &str = "aws.dynamodb.table";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    use aws_sdk_dynamodb::types::{PointInTimeRecoveryStatus, SseStatus, SseType};
    ctx.sink.attempted(DYNAMODB_TABLE);
    let ddb = regional_client!(aws_sdk_dynamodb, ctx, region);
    let ddb = &ddb;
    let Some(names) = ctx
        .listed(
            DYNAMODB_TABLE,
            region,
            "dynamodb",
            "ListTables",
            ddb.list_tables()
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
        let fallback_arn = ctx.arn("dynamodb", region, &format!("table/{name}"));
        let Some(table) = ctx
            .described(
                (DYNAMODB_TABLE, region, &fallback_arn),
                "dynamodb",
                "DescribeTable",
                "Table",
                ddb.describe_table().table_name(&name).send(),
                |o| o.table,
            )
            .await
        else {
            return;
        };
        let arn = table
            .table_arn()
            .map(str::to_string)
            .unwrap_or(fallback_arn);
        // No SSEDescription (or a disabled one) means the AWS owned key.
        let sse = table
            .sse_description()
            .filter(|d| d.status() != Some(&SseStatus::Disabled));
        let kms = sse.is_some_and(|d| d.sse_type() == Some(&SseType::Kms));
        let mut attrs = json!({
            "sse_type": if kms { "KMS" } else { "AWS_OWNED" },
            "kms_key_arn": sse.and_then(|d| d.kms_master_key_arn()).unwrap_or(""),
            "deletion_protection": table.deletion_protection_enabled().unwrap_or(false),
        });
        match ddb
            .describe_continuous_backups()
            .table_name(&name)
            .send()
            .await
        {
            Ok(o) => match o.continuous_backups_description() {
                Some(d) => {
                    attrs["pitr_enabled"] = json!(
                        d.point_in_time_recovery_description()
                            .and_then(|p| p.point_in_time_recovery_status())
                            == Some(&PointInTimeRecoveryStatus::Enabled)
                    )
                }
                None => ctx.sink.error(unknown_shape(
                    Scope::attrs(DYNAMODB_TABLE, Some(region), &arn, &["pitr_enabled"]),
                    "dynamodb:DescribeContinuousBackups",
                    "the response has no ContinuousBackupsDescription",
                )),
            },
            Err(e) => ctx.failed(
                Scope::attrs(DYNAMODB_TABLE, Some(region), &arn, &["pitr_enabled"]),
                "dynamodb",
                "DescribeContinuousBackups",
                &e,
            ),
        }
        ctx.resource(DYNAMODB_TABLE, arn, region, name, attrs);
    })
    .await;
}
