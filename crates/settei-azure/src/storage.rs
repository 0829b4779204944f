//! Storage accounts (category 3), each with its blob service's soft-delete
//! settings.
//!
//! A property the API leaves out is read as its documented interpretation
//! when that is the less safe one (`minimumTlsVersion` absent is TLS 1.0,
//! `allowBlobPublicAccess` absent allows), so an absent value can only
//! fail; a property whose absence could pass is required.

use serde::Deserialize;
use serde_json::json;

use crate::ctx::{
    approved_private_endpoints, ArmResource, Ctx, NetworkAcls, PrivateEndpointConnection,
};
use crate::operations::{BLOB_SERVICES, STORAGE_ACCOUNTS};

pub const STORAGE_ACCOUNT: &str = "azure.storage.account";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Props {
    supports_https_traffic_only: Option<bool>,
    minimum_tls_version: Option<String>,
    encryption: Option<Encryption>,
    public_network_access: Option<String>,
    network_acls: Option<NetworkAcls>,
    private_endpoint_connections: Option<Vec<PrivateEndpointConnection>>,
    allow_cross_tenant_replication: Option<bool>,
    allow_blob_public_access: Option<bool>,
    allow_shared_key_access: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Encryption {
    require_infrastructure_encryption: Option<bool>,
    key_source: Option<String>,
}

#[derive(Debug, Deserialize)]
struct BlobService {
    properties: Option<BlobProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlobProps {
    delete_retention_policy: Option<Retention>,
    container_delete_retention_policy: Option<Retention>,
}

#[derive(Debug, Deserialize)]
struct Retention {
    enabled: Option<bool>,
    days: Option<i64>,
}

pub(crate) async fn collect(ctx: &Ctx<'_>) {
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.Storage/storageAccounts",
        ctx.subscription
    );
    let Some(accounts) = ctx
        .listed::<ArmResource<Props>>(STORAGE_ACCOUNT, &STORAGE_ACCOUNTS, &path, &[])
        .await
    else {
        return;
    };
    settei_provider::bounded(accounts, ctx.concurrency, |a| async move {
        account(ctx, a).await;
    })
    .await;
}

async fn account(ctx: &Ctx<'_>, a: ArmResource<Props>) {
    let region = a.region();
    let Some(p) = &a.properties else {
        return ctx.no_properties(STORAGE_ACCOUNT, &region, &a.id, &STORAGE_ACCOUNTS);
    };
    let f = ctx.fields(STORAGE_ACCOUNT, &region, &a.id, &STORAGE_ACCOUNTS);
    let encryption = p.encryption.as_ref();
    let acls = p.network_acls.as_ref();
    let bypass = acls.and_then(|n| n.bypass.as_deref()).unwrap_or("");
    let mut attrs = json!({
        "https_only": f.required("https_only", p.supports_https_traffic_only),
        "minimum_tls_version": p.minimum_tls_version.as_deref().unwrap_or("TLS1_0"),
        "infrastructure_encryption": encryption
            .and_then(|e| e.require_infrastructure_encryption)
            .unwrap_or(false),
        "key_source": f.required("key_source", encryption.and_then(|e| e.key_source.clone())),
        "public_network_access": p.public_network_access.as_deref().unwrap_or("Enabled"),
        "default_network_action": acls
            .and_then(|n| n.default_action.as_deref())
            .unwrap_or("Allow"),
        "trusted_services_bypass": bypass
            .split(',')
            .any(|b| b.trim().eq_ignore_ascii_case("AzureServices")),
        "private_endpoints": approved_private_endpoints(p.private_endpoint_connections.as_deref()),
        "cross_tenant_replication": p.allow_cross_tenant_replication.unwrap_or(true),
        "blob_public_access": p.allow_blob_public_access.unwrap_or(true),
        "shared_key_access": p.allow_shared_key_access.unwrap_or(true),
        "blob_soft_delete": null,
        "container_soft_delete": null,
    });
    let soft = ["blob_soft_delete", "container_soft_delete"];
    let blob = ctx
        .part(
            (STORAGE_ACCOUNT, &region, &a.id),
            &soft,
            &BLOB_SERVICES,
            ctx.client.get::<BlobService>(
                &BLOB_SERVICES,
                &format!("{}/blobServices/default", a.id),
                &[],
            ),
        )
        .await;
    if let Some(blob) = blob {
        let bf = ctx.fields(STORAGE_ACCOUNT, &region, &a.id, &BLOB_SERVICES);
        match blob.properties {
            Some(b) => {
                let blob_policy = b.delete_retention_policy.as_ref();
                let blob_on = bf.required("blob_soft_delete", blob_policy.and_then(|r| r.enabled));
                if let Some(on) = blob_on {
                    attrs["blob_soft_delete"] = json!({
                        "enabled": on,
                        "days": if on { blob_policy.and_then(|r| r.days).unwrap_or(0) } else { 0 },
                    });
                }
                // Container soft delete is off unless the service says on.
                let c = b.container_delete_retention_policy.as_ref();
                let c_on = c.and_then(|r| r.enabled).unwrap_or(false);
                attrs["container_soft_delete"] = json!({
                    "enabled": c_on,
                    "days": if c_on { c.and_then(|r| r.days).unwrap_or(0) } else { 0 },
                });
            }
            None => {
                bf.required::<()>("blob_soft_delete", None);
                bf.required::<()>("container_soft_delete", None);
            }
        }
    }
    ctx.resource(STORAGE_ACCOUNT, &a, attrs);
}
