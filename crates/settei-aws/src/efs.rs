//! EFS (category 4.1): file systems' encryption at rest.

use serde_json::json;

use crate::{tag_map, Ctx};

pub const EFS: &str = "aws.efs.file_system";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(EFS);
    let client = regional_client!(aws_sdk_efs, ctx, region);
    let Some(list) = ctx
        .listed(
            EFS,
            region,
            "efs",
            "DescribeFileSystems",
            client
                .describe_file_systems()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    for fs in list {
        let id = fs.file_system_id().to_string();
        let arn = fs
            .file_system_arn()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.arn("elasticfilesystem", region, &format!("file-system/{id}")));
        let encrypted = ctx
            .fields(EFS, region, &arn, "efs:DescribeFileSystems")
            .required("encrypted", fs.encrypted());
        let tags = tag_map(fs.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
        let name = fs.name().map(str::to_string).unwrap_or(id);
        ctx.tagged_resource(
            EFS,
            arn,
            region,
            name,
            tags,
            json!({ "encrypted": encrypted, "kms_key_id": fs.kms_key_id().unwrap_or("") }),
        );
    }
}
