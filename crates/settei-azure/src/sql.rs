//! Azure SQL servers (category 6.3): network exposure, auditing and its
//! retention, the Entra administrator, and the TDE protector's key.

use serde::Deserialize;
use serde_json::json;

use crate::ctx::{ArmResource, Ctx};
use crate::operations::{
    SQL_ADMINISTRATORS, SQL_AUDITING, SQL_ENCRYPTION_PROTECTOR, SQL_FIREWALL_RULES, SQL_SERVERS,
};

pub const SQL_SERVER: &str = "azure.sql.server";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Props {
    public_network_access: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FirewallRule {
    name: Option<String>,
    properties: Option<FirewallProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FirewallProps {
    start_ip_address: Option<String>,
    end_ip_address: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Auditing {
    properties: Option<AuditingProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuditingProps {
    state: Option<String>,
    retention_days: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct Administrator {
    properties: Option<AdministratorProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdministratorProps {
    administrator_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Protector {
    properties: Option<ProtectorProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProtectorProps {
    server_key_type: Option<String>,
}

pub(crate) async fn collect(ctx: &Ctx<'_>) {
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.Sql/servers",
        ctx.subscription
    );
    let Some(servers) = ctx
        .listed::<ArmResource<Props>>(SQL_SERVER, &SQL_SERVERS, &path, &[])
        .await
    else {
        return;
    };
    settei_provider::bounded(servers, ctx.concurrency, |s| async move {
        server(ctx, s).await;
    })
    .await;
}

async fn server(ctx: &Ctx<'_>, s: ArmResource<Props>) {
    let region = s.region();
    let Some(p) = &s.properties else {
        return ctx.no_properties(SQL_SERVER, &region, &s.id, &SQL_SERVERS);
    };
    let key = (SQL_SERVER, region.as_str(), s.id.as_str());
    let client = ctx.client;
    let paths = [
        format!("{}/firewallRules", s.id),
        format!("{}/auditingSettings/default", s.id),
        format!("{}/administrators", s.id),
        format!("{}/encryptionProtector/current", s.id),
    ];
    let (rules, auditing, admins, protector) = futures_util::join!(
        ctx.part(
            key,
            &["firewall_rules"],
            &SQL_FIREWALL_RULES,
            client.list::<FirewallRule>(&SQL_FIREWALL_RULES, &paths[0], &[]),
        ),
        ctx.part(
            key,
            &["auditing_enabled", "audit_retention_days"],
            &SQL_AUDITING,
            client.get::<Auditing>(&SQL_AUDITING, &paths[1], &[]),
        ),
        ctx.part(
            key,
            &["entra_admin"],
            &SQL_ADMINISTRATORS,
            client.list::<Administrator>(&SQL_ADMINISTRATORS, &paths[2], &[]),
        ),
        ctx.part(
            key,
            &["tde_key_type"],
            &SQL_ENCRYPTION_PROTECTOR,
            client.get::<Protector>(&SQL_ENCRYPTION_PROTECTOR, &paths[3], &[]),
        ),
    );
    let fw = ctx.fields(SQL_SERVER, &region, &s.id, &SQL_FIREWALL_RULES);
    let firewall = rules.and_then(|rules| {
        rules
            .iter()
            .map(|r| {
                let fp = r.properties.as_ref();
                Some(json!({
                    "name": r.name.clone().unwrap_or_default(),
                    "start_ip": fp.and_then(|x| x.start_ip_address.clone())?,
                    "end_ip": fp.and_then(|x| x.end_ip_address.clone())?,
                }))
            })
            .collect::<Option<Vec<_>>>()
            .or_else(|| fw.required::<Vec<serde_json::Value>>("firewall_rules", None))
    });
    let af = ctx.fields(SQL_SERVER, &region, &s.id, &SQL_AUDITING);
    let ap = auditing.as_ref().and_then(|a| a.properties.as_ref());
    let (enabled, retention) = match (auditing.is_some(), ap) {
        (false, _) => (None, None),
        (true, ap) => (
            af.required("auditing_enabled", ap.and_then(|a| a.state.as_deref()))
                .map(|s| s.eq_ignore_ascii_case("Enabled")),
            af.required("audit_retention_days", ap.and_then(|a| a.retention_days)),
        ),
    };
    let entra = admins.map(|list| {
        list.iter().any(|a| {
            a.properties
                .as_ref()
                .and_then(|p| p.administrator_type.as_deref())
                .is_some_and(|t| t.eq_ignore_ascii_case("ActiveDirectory"))
        })
    });
    let pf = ctx.fields(SQL_SERVER, &region, &s.id, &SQL_ENCRYPTION_PROTECTOR);
    let tde = match protector {
        Some(pr) => pf.required(
            "tde_key_type",
            pr.properties.and_then(|p| p.server_key_type),
        ),
        None => None,
    };
    let attrs = json!({
        "public_network_access": p.public_network_access.as_deref().unwrap_or("Enabled"),
        "firewall_rules": firewall,
        "auditing_enabled": enabled,
        "audit_retention_days": retention,
        "entra_admin": entra,
        "tde_key_type": tde,
    });
    ctx.resource(SQL_SERVER, &s, attrs);
}
