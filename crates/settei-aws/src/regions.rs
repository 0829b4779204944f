//! The account's enabled regions (Account API), which the scan is judged
//! against.

use aws_config::SdkConfig;

use crate::error::{failure, Scope};
use crate::ReadOnlyGuard;

/// The regions enabled for the account (account:ListRegions).
/// The regions enabled for the account (by default or opted in); a failure
/// is recorded against `<provider>.account.regions`.
pub async fn enabled_regions(
    sdk: &SdkConfig,
) -> Result<Vec<String>, settei_model::CollectionError> {
    use aws_sdk_account::types::RegionOptStatus;
    let client = aws_sdk_account::Client::from_conf(
        aws_sdk_account::config::Builder::from(sdk)
            .interceptor(ReadOnlyGuard)
            .build(),
    );
    let kind = settei_model::regions_kind(settei_model::Provider::Aws);
    let regions = client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| failure(Scope::kind(&kind, None), "account", "ListRegions", &e))?;
    Ok(regions
        .iter()
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect())
}
