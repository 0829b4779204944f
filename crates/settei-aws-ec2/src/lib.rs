//! settei's EC2 collectors: instances, EBS (regional default encryption,
//! volumes, snapshots), AMIs, security groups, network ACLs, VPCs (flow
//! logs, internet gateways, S3 endpoints, use) and route tables; Systems
//! Manager's managed-instance and patch-compliance view of the instances.
//!
//! A crate of its own because `aws-sdk-ec2` is by far the heaviest SDK crate
//! to build; `settei-aws` runs [`Ec2`] in every region through
//! [`settei_aws::RegionalCollector`] (with `settei_aws::sibling`). Every call goes through the read-only
//! guard; every failure is recorded against what it would have filled, so
//! the engine reports ERROR rather than PASS (invariant 1). SDK types never
//! leave this crate.

mod instances;
mod network;
mod ssm;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use settei_aws::sibling::{Ctx, RegionalCollector};

/// The EC2 collector for [`settei_aws::collect`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Ec2;

impl RegionalCollector for Ec2 {
    fn collect<'a>(
        &'a self,
        ctx: &'a Ctx,
        region: &'a str,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async move {
            let client = client(ctx, region);
            tokio::join!(
                instances::collect(ctx, &client, region),
                network::collect(ctx, &client, region),
            );
        })
    }
}

fn client(ctx: &Ctx, region: &str) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&ctx.sdk)
            .region(aws_sdk_ec2::config::Region::new(region.to_string()))
            .interceptor(settei_aws::sibling::ReadOnlyGuard)
            .build(),
    )
}

/// EC2 tags as a map; the `Name` tag also names the resource.
fn tags(list: &[aws_sdk_ec2::types::Tag]) -> BTreeMap<String, String> {
    settei_aws::sibling::tag_map(list.iter().map(|t| (t.key(), t.value())))
}

/// A listed resource without its id cannot be reported on; the kind in the
/// region becomes unknown rather than silently smaller.
fn missing_id(kind: &str, region: &str, op: &str) -> settei_model::CollectionError {
    settei_aws::sibling::unknown_shape(
        settei_aws::sibling::Scope::kind(kind, Some(region)),
        op,
        "a listed resource has no id",
    )
}

/// The `Name` tag, or the resource id.
fn name_of(tags: &BTreeMap<String, String>, id: &str) -> String {
    tags.get("Name")
        .filter(|n| !n.is_empty())
        .cloned()
        .unwrap_or_else(|| id.to_string())
}
