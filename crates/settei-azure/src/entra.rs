//! Microsoft Entra ID through Microsoft Graph (category 1): the tenant's
//! authorization policy. Reading it needs `Policy.Read.All`; without it the
//! rules are ERROR naming the permission, never PASS.

use serde::Deserialize;
use serde_json::json;

use crate::ctx::Ctx;
use crate::operations::AUTHORIZATION_POLICY;

pub const AUTHORIZATION_POLICY_KIND: &str = "azure.entra.authorization_policy";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Policy {
    default_user_role_permissions: Option<DefaultPermissions>,
    guest_user_role_id: Option<String>,
    allow_invites_from: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DefaultPermissions {
    allowed_to_create_tenants: Option<bool>,
    allowed_to_create_apps: Option<bool>,
}

pub(crate) async fn collect(ctx: &Ctx<'_>) {
    let kind = AUTHORIZATION_POLICY_KIND;
    let Some(p) = ctx
        .singleton::<Policy>(kind, &AUTHORIZATION_POLICY, "/policies/authorizationPolicy")
        .await
    else {
        return;
    };
    let id = format!(
        "/tenants/{}/policies/authorizationPolicy",
        ctx.tenant.unwrap_or("unknown")
    );
    let f = ctx.fields(kind, "global", &id, &AUTHORIZATION_POLICY);
    let d = p.default_user_role_permissions.as_ref();
    let attrs = json!({
        "users_can_create_tenants": f.required("users_can_create_tenants", d.and_then(|d| d.allowed_to_create_tenants)),
        "users_can_create_apps": f.required("users_can_create_apps", d.and_then(|d| d.allowed_to_create_apps)),
        "guest_user_role_id": f.required("guest_user_role_id", p.guest_user_role_id.clone()),
        "allow_invites_from": f.required("allow_invites_from", p.allow_invites_from.clone()),
    });
    ctx.global(kind, id, "authorization policy", attrs);
}
