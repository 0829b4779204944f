//! Microsoft Defender for Cloud (category 5): every plan's pricing tier and
//! enabled extensions, as one record of the subscription.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::operations::PRICINGS;

pub const DEFENDER: &str = "azure.security.defender";

#[derive(Debug, Deserialize)]
struct Pricing {
    name: String,
    properties: Option<PricingProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PricingProps {
    pricing_tier: Option<String>,
    sub_plan: Option<String>,
    #[serde(default)]
    extensions: Vec<Extension>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Extension {
    name: String,
    /// `"True"` / `"False"` in the API; a JSON boolean is taken too.
    is_enabled: Value,
}

impl Extension {
    fn enabled(&self) -> Option<bool> {
        match &self.is_enabled {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
}

pub(crate) async fn collect(ctx: &Ctx<'_>) {
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.Security/pricings",
        ctx.subscription
    );
    let Some(pricings) = ctx.listed::<Pricing>(DEFENDER, &PRICINGS, &path, &[]).await else {
        return;
    };
    let id = path;
    let f = ctx.fields(DEFENDER, "global", &id, &PRICINGS);
    let mut plans = Vec::new();
    let mut complete = true;
    for p in &pricings {
        let props = p.properties.as_ref();
        let tier = props.and_then(|x| x.pricing_tier.clone());
        let extensions: Option<Vec<&str>> = props
            .map(|x| {
                x.extensions
                    .iter()
                    .map(|e| e.enabled().map(|on| (on, e.name.as_str())))
                    .collect::<Option<Vec<_>>>()
            })
            .unwrap_or(Some(vec![]))
            .map(|v| {
                v.into_iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, n)| n)
                    .collect()
            });
        match (tier, extensions) {
            (Some(tier), Some(extensions)) => plans.push(json!({
                "name": p.name,
                "tier": tier,
                "sub_plan": props.and_then(|x| x.sub_plan.clone()).unwrap_or_default(),
                "extensions": extensions,
            })),
            // One plan unreadable: no claim about plans is safe.
            _ => complete = false,
        }
    }
    let plans = if complete { Some(plans) } else { None };
    let attrs = json!({ "plans": f.required("plans", plans) });
    ctx.global(DEFENDER, id, "Microsoft Defender for Cloud", attrs);
}
