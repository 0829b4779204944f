//! Security Hub (category 5): whether the hub is enabled, per region.

use serde_json::json;

use crate::error::{code, Scope};
use crate::regional::region_id;
use crate::Ctx;

pub const SECURITYHUB: &str = "aws.securityhub.region";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(SECURITYHUB);
    let sh = regional_client!(aws_sdk_securityhub, ctx, region);
    let enabled = match sh.describe_hub().send().await {
        Ok(_) => true,
        // Security Hub answers "not subscribed" when it is off.
        Err(e)
            if matches!(
                code(&e),
                Some("InvalidAccessException" | "ResourceNotFoundException")
            ) =>
        {
            false
        }
        Err(e) => {
            return ctx.failed(
                Scope::kind(SECURITYHUB, Some(region)),
                "securityhub",
                "DescribeHub",
                &e,
            )
        }
    };
    ctx.resource(
        SECURITYHUB,
        region_id(ctx, "securityhub", region),
        region,
        format!("securityhub-{region}"),
        json!({ "enabled": enabled }),
    );
}
