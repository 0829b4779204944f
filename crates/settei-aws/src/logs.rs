//! CloudWatch Logs (category 2): log groups, their retention and KMS key.

use serde_json::json;

use crate::error::Scope;
use crate::Ctx;

pub const LOG_GROUP: &str = "aws.logs.log_group";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(LOG_GROUP);
    let logs = regional_client!(aws_sdk_cloudwatchlogs, ctx, region);
    let groups = match logs
        .describe_log_groups()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(g) => g,
        Err(e) => {
            return ctx.failed(
                Scope::kind(LOG_GROUP, Some(region)),
                "logs",
                "DescribeLogGroups",
                &e,
            )
        }
    };
    for g in groups {
        let name = g.log_group_name().unwrap_or_default().to_string();
        let arn = g
            .arn()
            .map(|a| a.trim_end_matches(":*").to_string())
            .unwrap_or_else(|| {
                format!(
                    "arn:{}:logs:{region}:{}:log-group:{name}",
                    ctx.partition, ctx.account
                )
            });
        let attrs =
            json!({ "retention_days": g.retention_in_days(), "kms_key_id": g.kms_key_id() });
        ctx.resource(LOG_GROUP, arn, region, name, attrs);
    }
}
