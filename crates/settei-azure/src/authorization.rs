//! Custom role definitions of the subscription (category 1).

use serde::Deserialize;
use serde_json::json;

use crate::ctx::Ctx;
use crate::operations::ROLE_DEFINITIONS;

pub const CUSTOM_ROLE: &str = "azure.authorization.custom_role";

#[derive(Debug, Deserialize)]
struct RoleDefinition {
    id: String,
    properties: Option<RoleProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleProps {
    role_name: Option<String>,
    #[serde(rename = "type")]
    role_type: Option<String>,
    permissions: Option<Vec<Permission>>,
    assignable_scopes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct Permission {
    #[serde(default)]
    actions: Vec<String>,
}

pub(crate) async fn collect(ctx: &Ctx<'_>) {
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions",
        ctx.subscription
    );
    let Some(roles) = ctx
        .listed::<RoleDefinition>(
            CUSTOM_ROLE,
            &ROLE_DEFINITIONS,
            &path,
            &[("$filter", "type eq 'CustomRole'")],
        )
        .await
    else {
        return;
    };
    for r in roles {
        let Some(p) = &r.properties else {
            ctx.no_properties(CUSTOM_ROLE, "global", &r.id, &ROLE_DEFINITIONS);
            continue;
        };
        // The filter asked for custom roles; anything else is not one.
        if p.role_type
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("CustomRole"))
        {
            continue;
        }
        let f = ctx.fields(CUSTOM_ROLE, "global", &r.id, &ROLE_DEFINITIONS);
        let actions: Option<Vec<&str>> = p.permissions.as_ref().map(|ps| {
            let mut a: Vec<&str> = ps
                .iter()
                .flat_map(|x| x.actions.iter().map(String::as_str))
                .collect();
            a.sort();
            a.dedup();
            a
        });
        let name = p.role_name.clone().unwrap_or_else(|| r.id.clone());
        let attrs = json!({
            "role_name": name,
            "actions": f.required("actions", actions),
            "assignable_scopes": f.required("assignable_scopes", p.assignable_scopes.clone()),
        });
        ctx.global(CUSTOM_ROLE, r.id.clone(), &name, attrs);
    }
}
