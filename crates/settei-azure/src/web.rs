//! App Service web apps (category 6.2): transport security, FTP, HTTP/2,
//! remote debugging, managed identity and App Service authentication.
//! Each site's `config/web` and `config/authsettingsV2` are read — the
//! variant without secrets; `config/list` and `authsettingsV2/list`, which
//! return them, are never called.

use serde::Deserialize;
use serde_json::json;
use settei_model::Resource;

use crate::ctx::Ctx;
use crate::operations::{WEB_CONFIG, WEB_SITES};

pub const WEB_APP: &str = "azure.web.app";

#[derive(Debug, Deserialize)]
struct Site {
    id: String,
    name: String,
    location: Option<String>,
    #[serde(default)]
    tags: Option<std::collections::BTreeMap<String, String>>,
    identity: Option<Identity>,
    properties: Option<SiteProps>,
}

#[derive(Debug, Deserialize)]
struct Identity {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SiteProps {
    https_only: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Config {
    properties: Option<ConfigProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigProps {
    min_tls_version: Option<String>,
    ftps_state: Option<String>,
    http20_enabled: Option<bool>,
    remote_debugging_enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Auth {
    properties: Option<AuthProps>,
}

#[derive(Debug, Deserialize)]
struct AuthProps {
    platform: Option<Platform>,
}

#[derive(Debug, Deserialize)]
struct Platform {
    enabled: Option<bool>,
}

pub(crate) async fn collect(ctx: &Ctx<'_>) {
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.Web/sites",
        ctx.subscription
    );
    let Some(sites) = ctx.listed::<Site>(WEB_APP, &WEB_SITES, &path, &[]).await else {
        return;
    };
    settei_provider::bounded(sites, ctx.concurrency, |s| async move {
        site(ctx, s).await;
    })
    .await;
}

async fn site(ctx: &Ctx<'_>, s: Site) {
    let region = crate::ctx::normalize_location(s.location.as_deref());
    let Some(p) = &s.properties else {
        return ctx.no_properties(WEB_APP, &region, &s.id, &WEB_SITES);
    };
    let key = (WEB_APP, region.as_str(), s.id.as_str());
    let config_attrs = [
        "min_tls_version",
        "ftps_state",
        "http20_enabled",
        "remote_debugging",
    ];
    let (web_path, auth_path) = (
        format!("{}/config/web", s.id),
        format!("{}/config/authsettingsV2", s.id),
    );
    let (config, auth) = futures_util::join!(
        ctx.part(
            key,
            &config_attrs,
            &WEB_CONFIG,
            ctx.client.get::<Config>(&WEB_CONFIG, &web_path, &[])
        ),
        ctx.part(
            key,
            &["auth_enabled"],
            &WEB_CONFIG,
            ctx.client.get::<Auth>(&WEB_CONFIG, &auth_path, &[])
        ),
    );
    let f = ctx.fields(WEB_APP, &region, &s.id, &WEB_SITES);
    let cf = ctx.fields(WEB_APP, &region, &s.id, &WEB_CONFIG);
    let c = config.as_ref().and_then(|c| c.properties.as_ref());
    let have_config = config.is_some();
    let cfg = |attr: &'static str, v: Option<serde_json::Value>| {
        if have_config {
            json!(cf.required(attr, v))
        } else {
            serde_json::Value::Null
        }
    };
    let auth_enabled = auth.map(|a| {
        // No platform block: authentication was never set up.
        a.properties
            .and_then(|p| p.platform)
            .and_then(|p| p.enabled)
            .unwrap_or(false)
    });
    let attrs = json!({
        "https_only": f.required("https_only", p.https_only),
        "managed_identity": s.identity.as_ref()
            .and_then(|i| i.kind.as_deref())
            .is_some_and(|k| !k.eq_ignore_ascii_case("None")),
        "min_tls_version": cfg("min_tls_version", c.and_then(|c| c.min_tls_version.clone()).map(|v| json!(v))),
        "ftps_state": cfg("ftps_state", c.and_then(|c| c.ftps_state.clone()).map(|v| json!(v))),
        "http20_enabled": cfg("http20_enabled", c.and_then(|c| c.http20_enabled).map(|v| json!(v))),
        "remote_debugging": cfg("remote_debugging", c.and_then(|c| c.remote_debugging_enabled).map(|v| json!(v))),
        "auth_enabled": auth_enabled,
    });
    ctx.sink.resource(Resource {
        id: s.id.clone(),
        kind: WEB_APP.into(),
        region,
        name: s.name.clone(),
        tags: s.tags.clone().unwrap_or_default(),
        attributes: crate::ctx::object(attrs),
    });
}
