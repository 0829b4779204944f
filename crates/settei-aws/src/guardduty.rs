//! GuardDuty (category 5): whether a detector is enabled, per region.

use serde_json::json;

use crate::error::Scope;
use crate::regional::region_id;
use crate::Ctx;

pub const GUARDDUTY: &str = "aws.guardduty.region";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(GUARDDUTY);
    let gd = regional_client!(aws_sdk_guardduty, ctx, region);
    let ids: Vec<String> = match gd
        .list_detectors()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(ids) => ids,
        Err(e) => {
            return ctx.failed(
                Scope::kind(GUARDDUTY, Some(region)),
                "guardduty",
                "ListDetectors",
                &e,
            )
        }
    };
    let mut enabled = false;
    for id in ids {
        match gd.get_detector().detector_id(&id).send().await {
            Ok(d) => {
                enabled |= d.status() == Some(&aws_sdk_guardduty::types::DetectorStatus::Enabled)
            }
            Err(e) => {
                return ctx.failed(
                    Scope::kind(GUARDDUTY, Some(region)),
                    "guardduty",
                    "GetDetector",
                    &e,
                )
            }
        }
    }
    ctx.resource(
        GUARDDUTY,
        region_id(ctx, "guardduty", region),
        region,
        format!("guardduty-{region}"),
        json!({ "detector_enabled": enabled }),
    );
}
