//! KMS (category 6.1): customer keys, their state, rotation and key
//! policy (anonymous and other-account grants), named by alias.

use serde_json::json;

use crate::error::Scope;
use crate::{policy, Ctx};

pub const KMS_KEY: &str = "aws.kms.key";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState};
    ctx.sink.attempted(KMS_KEY);
    let kms = regional_client!(aws_sdk_kms, ctx, region);
    let keys = match kms
        .list_keys()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(k) => k,
        Err(e) => return ctx.failed(Scope::kind(KMS_KEY, Some(region)), "kms", "ListKeys", &e),
    };
    // Aliases name keys for people; a key without one is named by its id.
    // (A failed listing only costs the names.)
    let aliases: std::collections::HashMap<String, String> = match kms
        .list_aliases()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(list) => {
            let mut m = std::collections::HashMap::new();
            for a in &list {
                if let (Some(key), Some(name)) = (a.target_key_id(), a.alias_name()) {
                    let name = name.strip_prefix("alias/").unwrap_or(name);
                    // The first alias in name order, for a stable name.
                    m.entry(key.to_string())
                        .and_modify(|n: &mut String| {
                            if name < n.as_str() {
                                *n = name.to_string()
                            }
                        })
                        .or_insert_with(|| name.to_string());
                }
            }
            m
        }
        Err(e) => {
            tracing::warn!(region, error = %aws_smithy_types::error::display::DisplayErrorContext(&e), "kms:ListAliases failed; keys are named by id");
            Default::default()
        }
    };
    let aliases = &aliases;
    settei_provider::bounded(keys, ctx.opts.call_concurrency, |k| {
        let kms = &kms;
        async move {
            let key_id = k.key_id().unwrap_or_default().to_string();
            let arn = k.key_arn().map(str::to_string).unwrap_or_else(|| {
                format!(
                    "arn:{}:kms:{region}:{}:key/{key_id}",
                    ctx.partition, ctx.account
                )
            });
            let Some(meta) = ctx
                .described(
                    (KMS_KEY, region, &arn),
                    "kms",
                    "DescribeKey",
                    "KeyMetadata",
                    kms.describe_key().key_id(&key_id).send(),
                    |o| o.key_metadata,
                )
                .await
            else {
                return;
            };
            let manager = meta.key_manager().map(|m| m.as_str().to_string());
            let spec = meta.key_spec().map(|s| s.as_str().to_string());
            let state = meta.key_state().map(|s| s.as_str().to_string());
            if manager.is_none() || spec.is_none() || state.is_none() {
                // Without these the rotation rule's "not applicable" branches
                // would pass on nulls; report the gap instead.
                ctx.sink.error(crate::error::unknown_shape(
                    Scope::attrs(
                        KMS_KEY,
                        Some(region),
                        &arn,
                        &["key_manager", "key_spec", "key_state", "rotation_enabled"],
                    ),
                    "kms:DescribeKey",
                    "KeyMetadata lacks KeyManager, KeySpec or KeyState",
                ));
            }
            let mut attrs = json!({ "key_manager": manager, "key_spec": spec, "key_state": state });
            let rotatable = meta.key_manager() == Some(&KeyManagerType::Customer)
                && meta.key_spec() == Some(&KeySpec::SymmetricDefault)
                && meta.key_state() == Some(&KeyState::Enabled);
            if rotatable {
                match kms.get_key_rotation_status().key_id(&key_id).send().await {
                    Ok(o) => attrs["rotation_enabled"] = json!(o.key_rotation_enabled()),
                    Err(e) => ctx.failed(
                        Scope::attrs(KMS_KEY, Some(region), &arn, &["rotation_enabled"]),
                        "kms",
                        "GetKeyRotationStatus",
                        &e,
                    ),
                }
            } else {
                attrs["rotation_enabled"] = json!(false);
            }
            match kms
                .get_key_policy()
                .key_id(&key_id)
                .policy_name("default")
                .send()
                .await
            {
                Ok(o) => match o.policy().and_then(policy::parse_document) {
                    Some(doc) => {
                        attrs["policy_public"] = json!(policy::allows_public_principal(&doc));
                        attrs["policy_external_accounts"] =
                            json!(policy::trust(&doc, &ctx.account).external_accounts);
                    }
                    None => ctx.sink.error(crate::error::unknown_shape(
                        Scope::attrs(
                            KMS_KEY,
                            Some(region),
                            &arn,
                            &["policy_public", "policy_external_accounts"],
                        ),
                        "kms:GetKeyPolicy",
                        "the key policy is not JSON",
                    )),
                },
                Err(e) => ctx.failed(
                    Scope::attrs(
                        KMS_KEY,
                        Some(region),
                        &arn,
                        &["policy_public", "policy_external_accounts"],
                    ),
                    "kms",
                    "GetKeyPolicy",
                    &e,
                ),
            }
            let name = aliases
                .get(meta.key_id())
                .cloned()
                .unwrap_or_else(|| meta.key_id().to_string());
            ctx.resource(KMS_KEY, arn, region, name, attrs);
        }
    })
    .await;
}
