//! Defender for Cloud's security contacts (category 5): who is told of
//! alerts, from every contact of the subscription, as one record.
//!
//! Two shapes are read: `alertNotifications {state, minimalSeverity}`
//! (2020-01-01-preview) and `isEnabled` + `notificationsSources[]` with an
//! `Alert` source (2023-12-01-preview).

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::json;

use crate::ctx::Ctx;
use crate::operations::SECURITY_CONTACTS;

pub const CONTACTS: &str = "azure.security.contacts";

#[derive(Debug, Deserialize)]
struct Contact {
    properties: Option<Props>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Props {
    emails: Option<String>,
    is_enabled: Option<bool>,
    notifications_by_role: Option<ByRole>,
    alert_notifications: Option<AlertNotifications>,
    #[serde(default)]
    notifications_sources: Vec<Source>,
}

#[derive(Debug, Deserialize)]
struct ByRole {
    state: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AlertNotifications {
    state: Option<String>,
    minimal_severity: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Source {
    source_type: Option<String>,
    minimal_severity: Option<String>,
}

fn on(state: Option<&str>) -> bool {
    state.is_some_and(|s| s.eq_ignore_ascii_case("On"))
}

/// Severity rank: a lower minimum notifies of more.
fn rank(s: &str) -> Option<u8> {
    match s.to_ascii_lowercase().as_str() {
        "low" => Some(0),
        "medium" => Some(1),
        "high" => Some(2),
        _ => None,
    }
}

pub(crate) async fn collect(ctx: &Ctx<'_>) {
    let id = format!(
        "/subscriptions/{}/providers/Microsoft.Security/securityContacts",
        ctx.subscription
    );
    let Some(contacts) = ctx
        .listed::<Contact>(CONTACTS, &SECURITY_CONTACTS, &id, &[])
        .await
    else {
        return;
    };
    let mut emails = BTreeSet::new();
    let mut roles = BTreeSet::new();
    let mut lowest: Option<String> = None;
    let mut shape_ok = true;
    for p in contacts.iter().filter_map(|c| c.properties.as_ref()) {
        for e in p.emails.as_deref().unwrap_or("").split([';', ',']) {
            if !e.trim().is_empty() {
                emails.insert(e.trim().to_string());
            }
        }
        if let Some(r) = &p.notifications_by_role {
            if on(r.state.as_deref()) {
                roles.extend(r.roles.iter().cloned());
            }
        }
        let severity = match &p.alert_notifications {
            Some(a) if on(a.state.as_deref()) => a.minimal_severity.clone().or_else(|| {
                shape_ok = false;
                None
            }),
            Some(_) => None,
            None if p.is_enabled != Some(false) => p
                .notifications_sources
                .iter()
                .find(|s| {
                    s.source_type
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("Alert"))
                })
                .and_then(|s| s.minimal_severity.clone()),
            None => None,
        };
        if let Some(s) = severity {
            match (rank(&s), lowest.as_deref().and_then(rank)) {
                (Some(new), Some(old)) if new >= old => {}
                (Some(_), _) => lowest = Some(s),
                (None, _) => shape_ok = false,
            }
        }
    }
    let f = ctx.fields(CONTACTS, "global", &id, &SECURITY_CONTACTS);
    let attrs = json!({
        "emails": emails.into_iter().collect::<Vec<_>>(),
        "notify_roles": roles.into_iter().collect::<Vec<_>>(),
        "alert_min_severity": f.required("alert_min_severity", shape_ok.then(|| lowest.unwrap_or_default())),
    });
    ctx.global(CONTACTS, id, "security contacts", attrs);
}
