//! AWS Config (category 2): the configuration recorder, its recording
//! group and last status, and the delivery channel, per region.

use serde_json::json;

use crate::error::Scope;
use crate::regional::region_id;
use crate::Ctx;

pub const CONFIG: &str = "aws.config.region";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(CONFIG);
    let cfg = regional_client!(aws_sdk_config, ctx, region);
    let scope = || Scope::kind(CONFIG, Some(region));
    let recorders = match cfg.describe_configuration_recorders().send().await {
        Ok(o) => o.configuration_recorders().to_vec(),
        Err(e) => return ctx.failed(scope(), "config", "DescribeConfigurationRecorders", &e),
    };
    let statuses = match cfg.describe_configuration_recorder_status().send().await {
        Ok(o) => o.configuration_recorders_status().to_vec(),
        Err(e) => return ctx.failed(scope(), "config", "DescribeConfigurationRecorderStatus", &e),
    };
    let channels = match cfg.describe_delivery_channels().send().await {
        Ok(o) => o.delivery_channels().len(),
        Err(e) => return ctx.failed(scope(), "config", "DescribeDeliveryChannels", &e),
    };
    // Join each recorder with its own status by name: the recording flag
    // and the recording group must describe the same recorder.
    let is_recording = |r: &aws_sdk_config::types::ConfigurationRecorder| {
        statuses
            .iter()
            .any(|s| s.name().is_some() && s.name() == r.name() && s.recording())
    };
    let rec = recorders
        .iter()
        .find(|r| is_recording(r))
        .or(recorders.first());
    let group = rec.and_then(|r| r.recording_group());
    // The last delivery of the recorder, by name (null without a recorder).
    let last_status = rec.and_then(|r| {
        statuses
            .iter()
            .find(|s| s.name().is_some() && s.name() == r.name())
            .and_then(|s| s.last_status())
            .map(|s| s.as_str().to_string())
    });
    let recording = rec.is_some_and(is_recording);
    let id = region_id(ctx, "config", region);
    // A recording recorder's last status decides AWS-CONFIG-001: an answer
    // without it is unknown, not "did not fail".
    let last_status = if recording {
        ctx.fields(
            CONFIG,
            region,
            &id,
            "config:DescribeConfigurationRecorderStatus",
        )
        .required("last_status", last_status)
    } else {
        last_status
    };
    let attrs = json!({
        "recorder_exists": rec.is_some(),
        "recording": recording,
        "last_status": last_status,
        "all_supported": group.is_some_and(|g| g.all_supported()),
        "include_global_resources": group.is_some_and(|g| g.include_global_resource_types()),
        "delivery_channel_exists": channels > 0,
    });
    ctx.resource(CONFIG, id, region, format!("config-{region}"), attrs);
}
