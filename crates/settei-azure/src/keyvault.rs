//! Key Vaults (category 6.1): recoverability, the authorization model,
//! network exposure, and whether audit events are logged.

use serde::Deserialize;
use serde_json::json;

use crate::ctx::{
    approved_private_endpoints, ArmResource, Ctx, NetworkAcls, PrivateEndpointConnection,
};
use crate::monitor::{logs_category, DiagnosticSetting};
use crate::operations::{DIAGNOSTIC_SETTINGS, VAULTS, VAULT_KEYS, VAULT_SECRETS};

pub const VAULT: &str = "azure.keyvault.vault";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Props {
    enable_soft_delete: Option<bool>,
    enable_purge_protection: Option<bool>,
    enable_rbac_authorization: Option<bool>,
    public_network_access: Option<String>,
    network_acls: Option<NetworkAcls>,
    private_endpoint_connections: Option<Vec<PrivateEndpointConnection>>,
}

/// A key or a secret as Resource Manager lists it: metadata only. (A
/// secret's value is never returned by ARM, and no field here could hold it.)
#[derive(Debug, Deserialize)]
struct Item {
    name: Option<String>,
    properties: Option<ItemProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemProps {
    attributes: Option<Attributes>,
    rotation_policy: Option<RotationPolicy>,
}

#[derive(Debug, Deserialize)]
struct Attributes {
    enabled: Option<bool>,
    exp: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RotationPolicy {
    #[serde(default)]
    lifetime_actions: Vec<LifetimeAction>,
}

#[derive(Debug, Deserialize)]
struct LifetimeAction {
    action: Option<ActionType>,
}

#[derive(Debug, Deserialize)]
struct ActionType {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// Keys or secrets as attributes; an item without its attributes makes the
/// whole list unknown (`None`).
fn items(list: &[Item], keys: bool) -> Option<Vec<serde_json::Value>> {
    list.iter()
        .map(|i| {
            let p = i.properties.as_ref()?;
            let a = p.attributes.as_ref()?;
            let mut v = json!({
                "name": i.name.clone().unwrap_or_default(),
                // An item that does not say is taken as enabled, so that
                // the rules judge it.
                "enabled": a.enabled.unwrap_or(true),
                "has_expiry": a.exp.is_some(),
            });
            if keys {
                v["auto_rotation"] = json!(p.rotation_policy.as_ref().is_some_and(|r| {
                    r.lifetime_actions.iter().any(|l| {
                        l.action
                            .as_ref()
                            .and_then(|a| a.kind.as_deref())
                            .is_some_and(|t| t.eq_ignore_ascii_case("rotate"))
                    })
                }));
            }
            Some(v)
        })
        .collect()
}

pub(crate) async fn collect(ctx: &Ctx<'_>) {
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.KeyVault/vaults",
        ctx.subscription
    );
    let Some(vaults) = ctx
        .listed::<ArmResource<Props>>(VAULT, &VAULTS, &path, &[])
        .await
    else {
        return;
    };
    settei_provider::bounded(vaults, ctx.concurrency, |v| async move {
        vault(ctx, v).await;
    })
    .await;
}

async fn vault(ctx: &Ctx<'_>, v: ArmResource<Props>) {
    let region = v.region();
    let Some(p) = &v.properties else {
        return ctx.no_properties(VAULT, &region, &v.id, &VAULTS);
    };
    let f = ctx.fields(VAULT, &region, &v.id, &VAULTS);
    let settings = ctx
        .part(
            (VAULT, &region, &v.id),
            &["audit_logging"],
            &DIAGNOSTIC_SETTINGS,
            ctx.client.list::<DiagnosticSetting>(
                &DIAGNOSTIC_SETTINGS,
                &format!("{}/providers/Microsoft.Insights/diagnosticSettings", v.id),
                &[],
            ),
        )
        .await;
    let key = (VAULT, region.as_str(), v.id.as_str());
    let (key_path, secret_path) = (format!("{}/keys", v.id), format!("{}/secrets", v.id));
    let (keys, secrets) = futures_util::join!(
        ctx.part(
            key,
            &["keys"],
            &VAULT_KEYS,
            ctx.client.list::<Item>(&VAULT_KEYS, &key_path, &[])
        ),
        ctx.part(
            key,
            &["secrets"],
            &VAULT_SECRETS,
            ctx.client.list::<Item>(&VAULT_SECRETS, &secret_path, &[])
        ),
    );
    let keys = keys.and_then(|k| {
        let f = ctx.fields(VAULT, &region, &v.id, &VAULT_KEYS);
        f.required("keys", items(&k, true))
    });
    let secrets = secrets.and_then(|s| {
        let f = ctx.fields(VAULT, &region, &v.id, &VAULT_SECRETS);
        f.required("secrets", items(&s, false))
    });
    let audit = settings.map(|s| {
        s.iter().any(|d| {
            d.sends_somewhere()
                && logs_category(d).any(|(category, group)| {
                    category.is_some_and(|c| c.eq_ignore_ascii_case("AuditEvent"))
                        || group.is_some_and(|g| {
                            g.eq_ignore_ascii_case("audit") || g.eq_ignore_ascii_case("allLogs")
                        })
                })
        })
    });
    let attrs = json!({
        "soft_delete": f.required("soft_delete", p.enable_soft_delete),
        "purge_protection": p.enable_purge_protection.unwrap_or(false),
        "rbac_authorization": p.enable_rbac_authorization.unwrap_or(false),
        "public_network_access": p.public_network_access.as_deref().unwrap_or("Enabled"),
        "default_network_action": p.network_acls.as_ref()
            .and_then(|n| n.default_action.as_deref())
            .unwrap_or("Allow"),
        "private_endpoints": approved_private_endpoints(p.private_endpoint_connections.as_deref()),
        "audit_logging": audit,
        "keys": keys,
        "secrets": secrets,
    });
    ctx.resource(VAULT, &v, attrs);
}
