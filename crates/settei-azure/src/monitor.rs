//! The subscription's activity log (category 2): which categories its
//! diagnostic settings send somewhere, and which operations an activity
//! log alert really watches.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::json;

use crate::ctx::Ctx;
use crate::operations::{ACTIVITY_LOG_ALERTS, DIAGNOSTIC_SETTINGS};

pub const MONITOR: &str = "azure.monitor.subscription";

/// The activity log's categories, for a setting that sends `allLogs`.
const ACTIVITY_LOG_CATEGORIES: &[&str] = &[
    "Administrative",
    "Alert",
    "Autoscale",
    "Policy",
    "Recommendation",
    "ResourceHealth",
    "Security",
    "ServiceHealth",
];

#[derive(Debug, Deserialize)]
pub(crate) struct DiagnosticSetting {
    #[serde(default)]
    properties: Option<DiagnosticProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiagnosticProps {
    storage_account_id: Option<String>,
    workspace_id: Option<String>,
    event_hub_authorization_rule_id: Option<String>,
    marketplace_partner_id: Option<String>,
    #[serde(default)]
    logs: Vec<LogSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogSetting {
    category: Option<String>,
    category_group: Option<String>,
    enabled: bool,
}

impl DiagnosticSetting {
    /// Whether the setting has a destination at all.
    pub(crate) fn sends_somewhere(&self) -> bool {
        self.properties.as_ref().is_some_and(|p| {
            [
                &p.storage_account_id,
                &p.workspace_id,
                &p.event_hub_authorization_rule_id,
                &p.marketplace_partner_id,
            ]
            .iter()
            .any(|d| d.as_deref().is_some_and(|s| !s.trim().is_empty()))
        })
    }
}

/// The enabled log entries of a setting: (category, category group).
pub(crate) fn logs_category(
    d: &DiagnosticSetting,
) -> impl Iterator<Item = (Option<&str>, Option<&str>)> {
    d.properties
        .iter()
        .flat_map(|p| p.logs.iter())
        .filter(|l| l.enabled)
        .map(|l| (l.category.as_deref(), l.category_group.as_deref()))
}

#[derive(Debug, Deserialize)]
struct Alert {
    #[serde(default)]
    properties: Option<AlertProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AlertProps {
    #[serde(default)]
    scopes: Vec<String>,
    condition: Option<AllOf>,
    actions: Option<Actions>,
    enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AllOf {
    #[serde(default)]
    all_of: Vec<Condition>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Condition {
    field: Option<String>,
    equals: Option<String>,
    /// `anyOf` and `containsAny` forms: they narrow the alert.
    #[serde(default)]
    any_of: Option<serde_json::Value>,
    #[serde(default)]
    contains_any: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Actions {
    #[serde(default)]
    action_groups: Vec<serde_json::Value>,
}

pub(crate) async fn collect(ctx: &Ctx<'_>) {
    ctx.sink.attempted(MONITOR);
    let id = format!(
        "/subscriptions/{}/providers/Microsoft.Insights/activityLog",
        ctx.subscription
    );
    let key = (MONITOR, "global", id.as_str());
    let settings = ctx
        .part(
            key,
            &["diagnostic_categories"],
            &DIAGNOSTIC_SETTINGS,
            ctx.client.list::<DiagnosticSetting>(
                &DIAGNOSTIC_SETTINGS,
                &format!(
                    "/subscriptions/{}/providers/Microsoft.Insights/diagnosticSettings",
                    ctx.subscription
                ),
                &[],
            ),
        )
        .await;
    let categories = settings.map(|s| {
        let mut set = BTreeSet::new();
        for d in s.iter().filter(|d| d.sends_somewhere()) {
            for (category, group) in logs_category(d) {
                if let Some(c) = category {
                    set.insert(c.to_string());
                }
                if group.is_some_and(|g| g.eq_ignore_ascii_case("allLogs")) {
                    set.extend(ACTIVITY_LOG_CATEGORIES.iter().map(|c| c.to_string()));
                }
            }
        }
        set.into_iter().collect::<Vec<_>>()
    });
    let alerts = ctx
        .part(
            key,
            &["alert_operations"],
            &ACTIVITY_LOG_ALERTS,
            ctx.client.list::<Alert>(
                &ACTIVITY_LOG_ALERTS,
                &format!(
                    "/subscriptions/{}/providers/Microsoft.Insights/activityLogAlerts",
                    ctx.subscription
                ),
                &[],
            ),
        )
        .await;
    let operations = match alerts {
        Some(list) => match watched_operations(&list, ctx.subscription) {
            Ok(ops) => json!(ops),
            Err(why) => {
                ctx.sink.error(settei_provider::unknown_shape(
                    settei_provider::Scope::attrs(
                        MONITOR,
                        Some("global"),
                        &id,
                        &["alert_operations"],
                    ),
                    ACTIVITY_LOG_ALERTS.name,
                    why,
                ));
                serde_json::Value::Null
            }
        },
        None => serde_json::Value::Null,
    };
    let attrs = json!({
        "diagnostic_categories": categories,
        "alert_operations": operations,
    });
    ctx.global(MONITOR, id, "activity log", attrs);
}

/// The operations (lower case) that an alert watches for the whole
/// subscription: enabled, scoped to the subscription, notifying at least
/// one action group, and conditioned on the operation name alone (with at
/// most `category == Administrative` beside it). An alert narrowed by a
/// resource group, a caller or any other condition watches nothing whole.
fn watched_operations(alerts: &[Alert], subscription: &str) -> Result<Vec<String>, String> {
    let scope = format!("/subscriptions/{subscription}").to_ascii_lowercase();
    let mut ops = BTreeSet::new();
    for a in alerts {
        let p = a.properties.as_ref().ok_or("an alert has no properties")?;
        let enabled = p
            .enabled
            .ok_or("an alert does not say whether it is enabled")?;
        let notifies = p
            .actions
            .as_ref()
            .is_some_and(|x| !x.action_groups.is_empty());
        let whole = p
            .scopes
            .iter()
            .any(|s| s.trim_end_matches('/').to_ascii_lowercase() == scope);
        if !(enabled && notifies && whole) {
            continue;
        }
        let conds = &p
            .condition
            .as_ref()
            .ok_or("an alert has no condition")?
            .all_of;
        let mut op = None;
        let mut narrowed = false;
        for c in conds {
            if c.any_of.is_some() || c.contains_any.is_some() {
                narrowed = true;
                continue;
            }
            match (
                c.field.as_deref().map(str::to_ascii_lowercase).as_deref(),
                c.equals.as_deref(),
            ) {
                (Some("operationname"), Some(v)) if op.is_none() => {
                    op = Some(v.to_ascii_lowercase())
                }
                (Some("category"), Some(v)) if v.eq_ignore_ascii_case("Administrative") => {}
                _ => narrowed = true,
            }
        }
        if let (Some(op), false) = (op, narrowed) {
            ops.insert(op);
        }
    }
    Ok(ops.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(v: serde_json::Value) -> Alert {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn only_whole_enabled_notifying_alerts_count() {
        let sub = "s1";
        let mk = |enabled: bool, groups: usize, extra: Option<serde_json::Value>, scope: &str| {
            let mut all = vec![
                json!({"field": "category", "equals": "Administrative"}),
                json!({"field": "operationName", "equals": "Microsoft.Network/networkSecurityGroups/write"}),
            ];
            all.extend(extra);
            alert(json!({"properties": {
                "scopes": [scope],
                "condition": {"allOf": all},
                "actions": {"actionGroups": vec![json!({"actionGroupId": "/x"}); groups]},
                "enabled": enabled,
            }}))
        };
        let op = "microsoft.network/networksecuritygroups/write";
        assert_eq!(
            watched_operations(&[mk(true, 1, None, "/subscriptions/s1")], sub).unwrap(),
            [op]
        );
        assert!(
            watched_operations(&[mk(false, 1, None, "/subscriptions/s1")], sub)
                .unwrap()
                .is_empty()
        );
        assert!(
            watched_operations(&[mk(true, 0, None, "/subscriptions/s1")], sub)
                .unwrap()
                .is_empty()
        );
        assert!(watched_operations(
            &[mk(true, 1, None, "/subscriptions/s1/resourceGroups/rg")],
            sub
        )
        .unwrap()
        .is_empty());
        let narrowed = json!({"field": "resourceGroup", "equals": "rg-dev"});
        assert!(
            watched_operations(&[mk(true, 1, Some(narrowed), "/subscriptions/s1")], sub)
                .unwrap()
                .is_empty()
        );
        let missing = alert(json!({"properties": {"scopes": [], "condition": {"allOf": []}}}));
        assert!(watched_operations(&[missing], sub).is_err());
    }
}
