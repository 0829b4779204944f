//! One region's reads, run concurrently: CloudTrail trails, CloudWatch
//! metric filters and alarms (kept for the account-wide joins), and the
//! per-region services, each in its own module.

use crate::monitoring::{Alarm, MetricFilter};
use crate::trail::TrailInfo;
use crate::Ctx;
use settei_model::ErrorCause;

/// What one region contributes to the cross-service normalization.
#[derive(Debug)]
pub struct RegionData {
    pub region: String,
    /// Each part is either what was read or why it could not be.
    pub trails: Result<Vec<TrailInfo>, ErrorCause>,
    pub filters: Result<Vec<MetricFilter>, ErrorCause>,
    pub alarms: Result<Vec<Alarm>, ErrorCause>,
}

pub async fn collect_region(ctx: &Ctx, region: &str) -> RegionData {
    let (trails, filters, alarms, _, _, _, _, _, _) = tokio::join!(
        crate::trail::trails(ctx, region),
        crate::monitoring::metric_filters(ctx, region),
        crate::monitoring::alarms(ctx, region),
        crate::config::collect(ctx, region),
        crate::guardduty::collect(ctx, region),
        crate::securityhub::collect(ctx, region),
        crate::accessanalyzer::collect(ctx, region),
        crate::logs::collect(ctx, region),
        crate::kms::collect(ctx, region),
    );
    RegionData {
        region: region.to_string(),
        trails,
        filters,
        alarms,
    }
}

pub(crate) fn region_id(ctx: &Ctx, service: &str, region: &str) -> String {
    ctx.settings_id(service, region)
}
