//! Category 4.1: instances, EBS default encryption, volumes, snapshots, AMIs.

use aws_sdk_ec2::types::{
    HttpTokensState, ImageAttributeName, InstanceAttributeName, InstanceMetadataEndpointState,
    MonitoringState, PermissionGroup, SnapshotAttributeName,
};
use base64::Engine as _;
use serde_json::json;
use settei_aws::secrets;
use settei_aws::sibling::{unknown_shape, Ctx, Scope};

use crate::{missing_id, name_of, tags};

pub const INSTANCE: &str = "aws.ec2.instance";
pub const REGION: &str = "aws.ec2.region";
pub const VOLUME: &str = "aws.ec2.volume";
pub const SNAPSHOT: &str = "aws.ec2.snapshot";
pub const IMAGE: &str = "aws.ec2.image";

pub async fn collect(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    let ssm = crate::ssm::client(ctx, region);
    tokio::join!(
        instances(ctx, ec2, &ssm, region),
        ebs_default(ctx, ec2, region),
        volumes(ctx, ec2, region),
        snapshots(ctx, ec2, region),
        images(ctx, ec2, region),
    );
}

async fn instances(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, ssm: &aws_sdk_ssm::Client, region: &str) {
    ctx.sink.attempted(INSTANCE);
    let (pages, managed) = tokio::join!(
        ctx.listed(
            INSTANCE,
            region,
            "ec2",
            "DescribeInstances",
            ec2.describe_instances()
                .into_paginator()
                .send()
                .try_collect(),
        ),
        crate::ssm::view(ssm, region),
    );
    let Some(pages) = pages else {
        return;
    };
    let managed = &managed;
    let list: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.reservations.unwrap_or_default())
        .flat_map(|r| r.instances.unwrap_or_default())
        .collect();
    settei_provider::bounded(list, ctx.opts.call_concurrency, |i| async move {
        let Some(id) = i.instance_id().map(str::to_string) else {
            return ctx.sink.error(unknown_shape(
                Scope::kind(INSTANCE, Some(region)),
                "ec2:DescribeInstances",
                "an instance without an InstanceId",
            ));
        };
        let arn = ctx.arn("ec2", region, &format!("instance/{id}"));
        let Some(state) = i.state().and_then(|s| s.name()).map(|n| n.as_str().to_string())
        else {
            return ctx.sink.error(unknown_shape(
                Scope::attrs(INSTANCE, Some(region), &arn, &[]),
                "ec2:DescribeInstances",
                "the instance has no State.Name",
            ));
        };
        // Terminated instances linger in listings for an hour and hold nothing.
        if state == "terminated" {
            return;
        }
        let meta = i.metadata_options();
        let mut attrs = json!({
            "state": state,
            "image_id": i.image_id().unwrap_or_default(),
            "vpc_id": i.vpc_id().unwrap_or_default(),
            "public_ip": i.public_ip_address().unwrap_or_default(),
            "instance_profile": i.iam_instance_profile().and_then(|p| p.arn()).unwrap_or_default(),
            "detailed_monitoring": i.monitoring().and_then(|m| m.state()) == Some(&MonitoringState::Enabled),
            "security_groups": i.security_groups().iter().filter_map(|g| g.group_id()).collect::<Vec<_>>(),
        });
        match meta {
            Some(m) if m.http_tokens().is_some() => {
                attrs["imds_enabled"] =
                    json!(m.http_endpoint() != Some(&InstanceMetadataEndpointState::Disabled));
                attrs["imds_tokens_required"] =
                    json!(m.http_tokens() == Some(&HttpTokensState::Required));
            }
            _ => ctx.sink.error(unknown_shape(
                Scope::attrs(INSTANCE, Some(region), &arn, &["imds_enabled", "imds_tokens_required"]),
                "ec2:DescribeInstances",
                "the instance has no MetadataOptions.HttpTokens",
            )),
        }
        // Systems Manager: not in the view = not managed; no view = unknown.
        match managed {
            Ok(view) => match view.get(&id) {
                None => {
                    attrs["ssm_ping_status"] = json!("");
                    attrs["ssm_patch_compliance"] = json!("");
                }
                Some(m) => match &m.ping_status {
                    Some(ping) => {
                        attrs["ssm_ping_status"] = json!(ping);
                        attrs["ssm_patch_compliance"] = json!(m.patch_compliance);
                    }
                    None => ctx.sink.error(unknown_shape(
                        Scope::attrs(
                            INSTANCE,
                            Some(region),
                            &arn,
                            &["ssm_ping_status", "ssm_patch_compliance"],
                        ),
                        "ssm:DescribeInstanceInformation",
                        "a managed instance without PingStatus",
                    )),
                },
            },
            Err(e) => ctx.sink.error(e.for_attributes(
                &arn,
                &["ssm_ping_status", "ssm_patch_compliance"],
            )),
        }
        match ec2
            .describe_instance_attribute()
            .instance_id(&id)
            .attribute(InstanceAttributeName::DisableApiTermination)
            .send()
            .await
        {
            Ok(o) => match o.disable_api_termination().and_then(|v| v.value()) {
                Some(v) => attrs["termination_protection"] = json!(v),
                None => ctx.sink.error(unknown_shape(
                    Scope::attrs(INSTANCE, Some(region), &arn, &["termination_protection"]),
                    "ec2:DescribeInstanceAttribute",
                    "the response has no DisableApiTermination value",
                )),
            },
            Err(e) => ctx.failed(
                Scope::attrs(INSTANCE, Some(region), &arn, &["termination_protection"]),
                "ec2",
                "DescribeInstanceAttribute",
                &e,
            ),
        }
        match ec2
            .describe_instance_attribute()
            .instance_id(&id)
            .attribute(InstanceAttributeName::UserData)
            .send()
            .await
        {
            Ok(o) => match user_data_secrets(o.user_data().and_then(|v| v.value())) {
                Ok(found) => attrs["user_data_secrets"] = json!(found),
                Err(why) => ctx.sink.error(unknown_shape(
                    Scope::attrs(INSTANCE, Some(region), &arn, &["user_data_secrets"]),
                    "ec2:DescribeInstanceAttribute",
                    why,
                )),
            },
            Err(e) => ctx.failed(
                Scope::attrs(INSTANCE, Some(region), &arn, &["user_data_secrets"]),
                "ec2",
                "DescribeInstanceAttribute",
                &e,
            ),
        }
        let tags = tags(i.tags());
        let name = name_of(&tags, &id);
        ctx.tagged_resource(INSTANCE, arn, region, name, tags, attrs);
    })
    .await;
}

/// Decodes user data (base64) and lists the secrets in it, by kind and line.
/// Compressed (gzip) user data cannot be read here: that is an error, not a
/// clean bill.
fn user_data_secrets(encoded: Option<&str>) -> Result<Vec<String>, String> {
    let Some(encoded) = encoded.filter(|s| !s.is_empty()) else {
        return Ok(Vec::new());
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| format!("user data is not base64: {e}"))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err("user data is gzip-compressed; settei does not unpack it".into());
    }
    let text = String::from_utf8_lossy(&bytes);
    // Multi-part (cloud-init MIME) parts may be encoded again; their text
    // cannot be scanned as it stands.
    if text
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: base64")
    {
        return Err("user data has base64-encoded MIME parts; settei does not unpack them".into());
    }
    Ok(secrets::scan_text(&text))
}

async fn ebs_default(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    ctx.sink.attempted(REGION);
    let id = ctx.settings_id("ec2", region);
    match ec2.get_ebs_encryption_by_default().send().await {
        Ok(o) => match o.ebs_encryption_by_default() {
            Some(v) => ctx.resource(
                REGION,
                id,
                region,
                format!("ec2 ({region})"),
                json!({ "ebs_encryption_by_default": v }),
            ),
            None => ctx.sink.error(unknown_shape(
                Scope::attrs(REGION, Some(region), &id, &[]),
                "ec2:GetEbsEncryptionByDefault",
                "the response has no EbsEncryptionByDefault",
            )),
        },
        Err(e) => ctx.failed(
            Scope::kind(REGION, Some(region)),
            "ec2",
            "GetEbsEncryptionByDefault",
            &e,
        ),
    }
}

async fn volumes(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    ctx.sink.attempted(VOLUME);
    let Some(list) = ctx
        .listed(
            VOLUME,
            region,
            "ec2",
            "DescribeVolumes",
            ec2.describe_volumes()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    for v in list {
        let Some(id) = v.volume_id().map(str::to_string) else {
            ctx.sink
                .error(missing_id(VOLUME, region, "ec2:DescribeVolumes"));
            continue;
        };
        let arn = ctx.arn("ec2", region, &format!("volume/{id}"));
        let encrypted = ctx
            .fields(VOLUME, region, &arn, "ec2:DescribeVolumes")
            .required("encrypted", v.encrypted());
        let tags = tags(v.tags());
        let name = name_of(&tags, &id);
        ctx.tagged_resource(
            VOLUME,
            arn,
            region,
            name,
            tags,
            json!({
                "encrypted": encrypted,
                "kms_key_id": v.kms_key_id().unwrap_or_default(),
                "state": v.state().map(|s| s.as_str()).unwrap_or_default(),
                "attached_instances": v.attachments().iter().filter_map(|a| a.instance_id()).collect::<Vec<_>>(),
            }),
        );
    }
}

/// Who may use a snapshot or image: everyone (`all`) and account ids.
fn permissions<'a>(
    entries: impl Iterator<Item = (Option<&'a PermissionGroup>, Option<&'a str>)>,
) -> (bool, Vec<String>) {
    let mut public = false;
    let mut accounts = Vec::new();
    for (group, user) in entries {
        public |= group == Some(&PermissionGroup::All);
        if let Some(u) = user {
            accounts.push(u.to_string());
        }
    }
    accounts.sort();
    accounts.dedup();
    (public, accounts)
}

async fn snapshots(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    ctx.sink.attempted(SNAPSHOT);
    let Some(list) = ctx
        .listed(
            SNAPSHOT,
            region,
            "ec2",
            "DescribeSnapshots",
            ec2.describe_snapshots()
                .owner_ids("self")
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    // OwnerIds=self already asks for the account's own; an owner that says
    // otherwise (an AMI's backing snapshot in some emulators) is not ours.
    let list: Vec<_> = list
        .into_iter()
        .filter(|s| s.owner_id().is_none_or(|o| o == ctx.account))
        .collect();
    settei_provider::bounded(list, ctx.opts.call_concurrency, |s| async move {
        let Some(id) = s.snapshot_id().map(str::to_string) else {
            return ctx
                .sink
                .error(missing_id(SNAPSHOT, region, "ec2:DescribeSnapshots"));
        };
        // Snapshot ARNs carry no account.
        let arn = format!("arn:{}:ec2:{region}::snapshot/{id}", ctx.partition);
        let encrypted = ctx
            .fields(SNAPSHOT, region, &arn, "ec2:DescribeSnapshots")
            .required("encrypted", s.encrypted());
        let mut attrs = json!({
            "encrypted": encrypted,
            "volume_id": s.volume_id().unwrap_or_default(),
        });
        match ec2
            .describe_snapshot_attribute()
            .snapshot_id(&id)
            .attribute(SnapshotAttributeName::CreateVolumePermission)
            .send()
            .await
        {
            Ok(o) => {
                let (public, accounts) = permissions(
                    o.create_volume_permissions()
                        .iter()
                        .map(|p| (p.group(), p.user_id())),
                );
                attrs["public"] = json!(public);
                attrs["shared_accounts"] = json!(accounts);
            }
            Err(e) => ctx.failed(
                Scope::attrs(SNAPSHOT, Some(region), &arn, &["public", "shared_accounts"]),
                "ec2",
                "DescribeSnapshotAttribute",
                &e,
            ),
        }
        let tags = tags(s.tags());
        let name = name_of(&tags, &id);
        ctx.tagged_resource(SNAPSHOT, arn, region, name, tags, attrs);
    })
    .await;
}

async fn images(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    ctx.sink.attempted(IMAGE);
    let Some(list) = ctx
        .listed(
            IMAGE,
            region,
            "ec2",
            "DescribeImages",
            ec2.describe_images()
                .owners("self")
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    settei_provider::bounded(list, ctx.opts.call_concurrency, |img| async move {
        let Some(id) = img.image_id().map(str::to_string) else {
            return ctx
                .sink
                .error(missing_id(IMAGE, region, "ec2:DescribeImages"));
        };
        let arn = format!("arn:{}:ec2:{region}::image/{id}", ctx.partition);
        let mut attrs = json!({
            "state": img.state().map(|s| s.as_str()).unwrap_or_default(),
        });
        match ec2
            .describe_image_attribute()
            .image_id(&id)
            .attribute(ImageAttributeName::LaunchPermission)
            .send()
            .await
        {
            Ok(o) => {
                let (public, accounts) = permissions(
                    o.launch_permissions()
                        .iter()
                        .map(|p| (p.group(), p.user_id())),
                );
                // DescribeImages' own Public flag counts too.
                attrs["public"] = json!(public || img.public() == Some(true));
                attrs["shared_accounts"] = json!(accounts);
            }
            Err(e) => ctx.failed(
                Scope::attrs(IMAGE, Some(region), &arn, &["public", "shared_accounts"]),
                "ec2",
                "DescribeImageAttribute",
                &e,
            ),
        }
        let tags = tags(img.tags());
        let name = img
            .name()
            .map(str::to_string)
            .unwrap_or_else(|| name_of(&tags, &id));
        ctx.tagged_resource(IMAGE, arn, region, name, tags, attrs);
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_data_is_decoded_and_scanned_without_values() {
        let script = "#!/bin/bash\nexport DB_PASSWORD=hunter2\necho ok\n";
        let encoded = base64::engine::general_purpose::STANDARD.encode(script);
        let found = user_data_secrets(Some(&encoded)).unwrap();
        assert_eq!(found, ["secret-assignment DB_PASSWORD (line 2)"]);
        assert!(user_data_secrets(None).unwrap().is_empty());
        assert!(user_data_secrets(Some("%%%")).is_err());
        let gz = base64::engine::general_purpose::STANDARD.encode([0x1f, 0x8b, 8, 0]);
        assert!(user_data_secrets(Some(&gz)).is_err());
        let mime = base64::engine::general_purpose::STANDARD.encode(
            "Content-Type: multipart/mixed; boundary=x\n--x\nContent-Transfer-Encoding: base64\n\nREJfUEFTU1dPUkQ9eA==\n",
        );
        assert!(user_data_secrets(Some(&mime)).is_err());
    }

    #[test]
    fn permission_groups() {
        let all = PermissionGroup::All;
        let (public, accounts) = permissions(
            [
                (None, Some("444455556666")),
                (Some(&all), None),
                (None, Some("111122223333")),
            ]
            .into_iter(),
        );
        assert!(public);
        assert_eq!(accounts, ["111122223333", "444455556666"]);
    }
}
