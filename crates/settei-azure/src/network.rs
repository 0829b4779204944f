//! Networks (category 4.2): each network security group with the inbound
//! traffic it lets in from the whole Internet — computed once here as Azure
//! evaluates rules (lowest priority number first, first match wins, custom
//! and default rules together), so a rule allowing RDP that a
//! higher-priority deny shadows is not exposure — and its flow log's
//! retention; and, for the subscription, its Bastion hosts and the regions
//! in use that have no Network Watcher.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use serde_json::json;
use settei_model::Snapshot;
use settei_provider::Scope;

use crate::ctx::{ArmResource, Ctx};
use crate::error::Failure;
use crate::operations::{Read, BASTIONS, FLOW_LOGS, NETWORK_WATCHERS, NSGS};

pub const NSG: &str = "azure.network.nsg";
pub const NETWORK: &str = "azure.network.subscription";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FlowLogProps {
    target_resource_id: Option<String>,
    enabled: Option<bool>,
    retention_policy: Option<Retention>,
}

#[derive(Debug, Deserialize)]
struct Retention {
    days: Option<i64>,
    enabled: Option<bool>,
}

/// What the subscription-wide record is built from once every collector
/// has run (the regions in use are known only then).
pub(crate) struct Subscription {
    bastions: Result<i64, (Read, Failure)>,
    watcher_regions: Result<BTreeSet<String>, (Read, Failure)>,
}

/// Flow-log retention per NSG id (lower case): 0 keeps forever.
type FlowLogs = Result<HashMap<String, i64>, (Read, Failure)>;

async fn flow_logs(ctx: &Ctx<'_>) -> (Result<BTreeSet<String>, (Read, Failure)>, FlowLogs) {
    ctx.sink.attempted(NETWORK);
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.Network/networkWatchers",
        ctx.subscription
    );
    let watchers = match ctx
        .client
        .list::<ArmResource<serde_json::Value>>(&NETWORK_WATCHERS, &path, &[])
        .await
    {
        Ok(w) => w,
        Err(e) => {
            return (
                Err((NETWORK_WATCHERS, e.clone())),
                Err((NETWORK_WATCHERS, e)),
            )
        }
    };
    let regions: BTreeSet<String> = watchers.iter().map(|w| w.region()).collect();
    let lists = settei_provider::bounded(&watchers, ctx.concurrency, |w| async move {
        ctx.client
            .list::<ArmResource<FlowLogProps>>(&FLOW_LOGS, &format!("{}/flowLogs", w.id), &[])
            .await
    })
    .await;
    let mut retention: HashMap<String, i64> = HashMap::new();
    for list in lists {
        let list = match list {
            Ok(l) => l,
            Err(e) => return (Ok(regions), Err((FLOW_LOGS, e))),
        };
        for fl in list {
            let Some(p) = fl.properties else {
                return (
                    Ok(regions),
                    Err((FLOW_LOGS, Failure::shape("a flow log has no properties"))),
                );
            };
            let (Some(target), Some(true)) = (p.target_resource_id, p.enabled) else {
                continue;
            };
            let Some(days) = retention_days(p.retention_policy.as_ref()) else {
                return (
                    Ok(regions),
                    Err((
                        FLOW_LOGS,
                        Failure::shape(
                            "an enabled flow log does not say how long it keeps records",
                        ),
                    )),
                );
            };
            let e = retention.entry(target.to_ascii_lowercase()).or_insert(days);
            if *e != 0 && (days == 0 || days > *e) {
                *e = days;
            }
        }
    }
    (Ok(regions), Ok(retention))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Props {
    security_rules: Option<Vec<SecurityRule>>,
    #[serde(default)]
    default_security_rules: Vec<SecurityRule>,
}

#[derive(Debug, Deserialize)]
struct SecurityRule {
    name: Option<String>,
    properties: Option<RuleProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuleProps {
    protocol: Option<String>,
    destination_port_range: Option<String>,
    #[serde(default)]
    destination_port_ranges: Vec<String>,
    source_address_prefix: Option<String>,
    #[serde(default)]
    source_address_prefixes: Vec<String>,
    access: Option<String>,
    priority: Option<i64>,
    direction: Option<String>,
}

/// How long a flow log keeps records: its days, 0 when retention is off
/// or set to 0 (kept forever); `None` when the answer does not say, which
/// must not count as forever.
fn retention_days(r: Option<&Retention>) -> Option<i64> {
    match r? {
        Retention {
            enabled: Some(false),
            ..
        } => Some(0),
        Retention {
            enabled: Some(true),
            days,
        } => *days,
        Retention { enabled: None, .. } => None,
    }
}

pub(crate) async fn collect(ctx: &Ctx<'_>) -> Subscription {
    let bastion_path = format!(
        "/subscriptions/{}/providers/Microsoft.Network/bastionHosts",
        ctx.subscription
    );
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.Network/networkSecurityGroups",
        ctx.subscription
    );
    let ((watcher_regions, flow), bastions, groups) = futures_util::join!(
        flow_logs(ctx),
        ctx.client
            .list::<serde_json::Value>(&BASTIONS, &bastion_path, &[]),
        ctx.listed::<ArmResource<Props>>(NSG, &NSGS, &path, &[]),
    );
    let subscription = Subscription {
        bastions: bastions.map(|b| b.len() as i64).map_err(|e| (BASTIONS, e)),
        watcher_regions,
    };
    let Some(groups) = groups else {
        return subscription;
    };
    for g in groups {
        let region = g.region();
        let Some(p) = &g.properties else {
            ctx.no_properties(NSG, &region, &g.id, &NSGS);
            continue;
        };
        let f = ctx.fields(NSG, &region, &g.id, &NSGS);
        let custom = f.required("internet_ingress", p.security_rules.as_ref());
        let ingress = match custom.map(|c| inbound(c.iter().chain(&p.default_security_rules))) {
            Some(Ok(rules)) => json!(exposure(&rules)),
            Some(Err(why)) => {
                f.required::<()>("internet_ingress", None);
                tracing::debug!(nsg = %g.id, "{why}");
                serde_json::Value::Null
            }
            None => serde_json::Value::Null,
        };
        let retention = match &flow {
            Ok(map) => json!(map.get(&g.id.to_ascii_lowercase()).copied().unwrap_or(-1)),
            Err((read, e)) => {
                ctx.failed(
                    Scope::attrs(NSG, Some(&region), &g.id, &["flow_log_retention_days"]),
                    read,
                    e,
                );
                serde_json::Value::Null
            }
        };
        let attrs = json!({
            "internet_ingress": ingress,
            "flow_log_retention_days": retention,
        });
        ctx.resource(NSG, &g, attrs);
    }
    subscription
}

/// The subscription's network record, once the regions in use are known
/// (the locations of every collected resource).
pub(crate) fn finish(snapshot: &mut Snapshot, subscription: &str, s: Subscription) {
    let id = format!("/subscriptions/{subscription}/providers/Microsoft.Network");
    let in_use: BTreeSet<String> = snapshot
        .resources
        .iter()
        .map(|r| r.region.clone())
        .filter(|r| r != "global")
        .collect();
    let mut errors = Vec::new();
    let bastions = match s.bastions {
        Ok(n) => json!(n),
        Err((read, e)) => {
            errors.push((read, e, "bastion_hosts"));
            serde_json::Value::Null
        }
    };
    let missing = match s.watcher_regions {
        Ok(w) => json!(in_use.difference(&w).collect::<Vec<_>>()),
        Err((read, e)) => {
            errors.push((read, e, "regions_without_network_watcher"));
            serde_json::Value::Null
        }
    };
    for (read, e, attr) in errors {
        snapshot.errors.push(crate::error::AzureErrors.failure_of(
            Scope::attrs(NETWORK, Some("global"), &id, &[attr]),
            &read,
            &e,
        ));
    }
    let attrs = json!({ "bastion_hosts": bastions, "regions_without_network_watcher": missing });
    snapshot
        .resources
        .push(crate::ctx::global(NETWORK, id, "network", attrs));
    snapshot.sort();
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "Tcp",
            Proto::Udp => "Udp",
        }
    }
}

/// An inbound rule, reduced to what Internet exposure depends on.
#[derive(Debug, Clone)]
struct Inbound {
    name: String,
    priority: i64,
    allow: bool,
    /// Whether the source is the whole Internet.
    internet: bool,
    protocols: Vec<Proto>,
    ports: Vec<(u32, u32)>,
}

/// The inbound rules, or why they cannot be read.
fn inbound<'a>(rules: impl Iterator<Item = &'a SecurityRule>) -> Result<Vec<Inbound>, String> {
    let mut out = Vec::new();
    for r in rules {
        let name = r.name.clone().unwrap_or_default();
        let p = r
            .properties
            .as_ref()
            .ok_or_else(|| format!("rule {name} has no properties"))?;
        let need = |what: &str| format!("rule {name} has no {what}");
        let direction = p.direction.as_deref().ok_or_else(|| need("direction"))?;
        if !direction.eq_ignore_ascii_case("Inbound") {
            continue;
        }
        let access = p.access.as_deref().ok_or_else(|| need("access"))?;
        let priority = p.priority.ok_or_else(|| need("priority"))?;
        let protocol = p.protocol.as_deref().ok_or_else(|| need("protocol"))?;
        let protocols = match protocol.to_ascii_lowercase().as_str() {
            "*" => vec![Proto::Tcp, Proto::Udp],
            "tcp" => vec![Proto::Tcp],
            "udp" => vec![Proto::Udp],
            // ICMP, ESP, AH carry no ports.
            _ => vec![],
        };
        let mut port_specs: Vec<&str> = p
            .destination_port_ranges
            .iter()
            .map(String::as_str)
            .collect();
        if let Some(single) = p.destination_port_range.as_deref() {
            port_specs.push(single);
        }
        if port_specs.is_empty() {
            return Err(need("destination port range"));
        }
        let ports = port_specs
            .iter()
            .map(|s| parse_ports(s).ok_or_else(|| format!("rule {name}: port range `{s}`")))
            .collect::<Result<Vec<_>, _>>()?;
        let mut sources: Vec<&str> = p
            .source_address_prefixes
            .iter()
            .map(String::as_str)
            .collect();
        if let Some(single) = p.source_address_prefix.as_deref() {
            sources.push(single);
        }
        out.push(Inbound {
            name,
            priority,
            allow: access.eq_ignore_ascii_case("Allow"),
            internet: sources.iter().any(|s| whole_internet(s)),
            protocols,
            ports,
        });
    }
    out.sort_by_key(|r| r.priority);
    Ok(out)
}

/// `*`, `22`, `1000-2000`.
fn parse_ports(s: &str) -> Option<(u32, u32)> {
    let s = s.trim();
    if s == "*" {
        return Some((0, 65535));
    }
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let p = s.parse().ok()?;
            (p, p)
        }
    };
    (a <= b && b <= 65535).then_some((a, b))
}

fn whole_internet(prefix: &str) -> bool {
    matches!(
        prefix.trim().to_ascii_lowercase().as_str(),
        "*" | "internet" | "any" | "0.0.0.0/0" | "0.0.0.0" | "::/0"
    )
}

/// What the rules let in from the whole Internet, per protocol and port
/// range, each with the rule that allows it.
fn exposure(rules: &[Inbound]) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for proto in [Proto::Tcp, Proto::Udp] {
        // Ports no rule has decided yet for Internet traffic.
        let mut open: Vec<(u32, u32)> = vec![(0, 65535)];
        let mut allowed: Vec<(u32, u32, String)> = Vec::new();
        for r in rules
            .iter()
            .filter(|r| r.internet && r.protocols.contains(&proto))
        {
            for &(a, b) in &r.ports {
                let mut rest = Vec::new();
                for &(x, y) in &open {
                    let (lo, hi) = (x.max(a), y.min(b));
                    if lo > hi {
                        rest.push((x, y));
                        continue;
                    }
                    if r.allow {
                        allowed.push((lo, hi, r.name.clone()));
                    }
                    if x < lo {
                        rest.push((x, lo - 1));
                    }
                    if hi < y {
                        rest.push((hi + 1, y));
                    }
                }
                open = rest;
            }
        }
        allowed.sort();
        for (from, to, rule) in allowed {
            out.push(
                json!({"protocol": proto.as_str(), "from_port": from, "to_port": to, "rule": rule}),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        name: &str,
        priority: i64,
        access: &str,
        proto: &str,
        ports: &str,
        src: &str,
    ) -> SecurityRule {
        SecurityRule {
            name: Some(name.into()),
            properties: Some(RuleProps {
                protocol: Some(proto.into()),
                destination_port_range: Some(ports.into()),
                destination_port_ranges: vec![],
                source_address_prefix: Some(src.into()),
                source_address_prefixes: vec![],
                access: Some(access.into()),
                priority: Some(priority),
                direction: Some("Inbound".into()),
            }),
        }
    }

    fn exposed(rules: &[SecurityRule]) -> Vec<(String, u64, u64, String)> {
        exposure(&inbound(rules.iter()).unwrap())
            .into_iter()
            .map(|v| {
                (
                    v["protocol"].as_str().unwrap().to_string(),
                    v["from_port"].as_u64().unwrap(),
                    v["to_port"].as_u64().unwrap(),
                    v["rule"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    fn defaults() -> Vec<SecurityRule> {
        vec![
            rule(
                "AllowVnetInBound",
                65000,
                "Allow",
                "*",
                "*",
                "VirtualNetwork",
            ),
            rule(
                "AllowAzureLoadBalancerInBound",
                65001,
                "Allow",
                "*",
                "*",
                "AzureLoadBalancer",
            ),
            rule("DenyAllInBound", 65500, "Deny", "*", "*", "*"),
        ]
    }

    #[test]
    fn a_flow_log_that_does_not_say_its_retention_is_unknown_not_forever() {
        let r = |enabled, days| Retention { enabled, days };
        assert_eq!(retention_days(Some(&r(Some(true), Some(30)))), Some(30));
        assert_eq!(retention_days(Some(&r(Some(true), Some(0)))), Some(0));
        assert_eq!(retention_days(Some(&r(Some(false), None))), Some(0));
        assert_eq!(retention_days(Some(&r(Some(true), None))), None);
        assert_eq!(retention_days(Some(&r(None, Some(90)))), None);
        assert_eq!(retention_days(None), None);
    }

    #[test]
    fn the_default_rules_expose_nothing() {
        assert!(exposed(&defaults()).is_empty());
    }

    #[test]
    fn an_allow_from_the_internet_is_exposure() {
        let mut rules = vec![rule("rdp", 300, "Allow", "Tcp", "3389", "*")];
        rules.extend(defaults());
        assert_eq!(exposed(&rules), [("Tcp".into(), 3389, 3389, "rdp".into())]);
    }

    #[test]
    fn a_higher_priority_deny_shadows_an_allow() {
        let mut rules = vec![
            rule("allow-rdp", 300, "Allow", "Tcp", "3389", "Internet"),
            rule("deny-rdp", 100, "Deny", "Tcp", "3389", "Internet"),
            rule("allow-range", 400, "Allow", "*", "3380-3390", "0.0.0.0/0"),
        ];
        rules.extend(defaults());
        assert_eq!(
            exposed(&rules),
            [
                ("Tcp".into(), 3380, 3388, "allow-range".into()),
                ("Tcp".into(), 3390, 3390, "allow-range".into()),
                ("Udp".into(), 3380, 3390, "allow-range".into()),
            ]
        );
    }

    #[test]
    fn a_narrow_source_is_neither_exposure_nor_a_shadow() {
        let mut rules = vec![
            rule("ssh-office", 100, "Allow", "Tcp", "22", "203.0.113.0/24"),
            rule("deny-ssh-one", 110, "Deny", "Tcp", "22", "198.51.100.7/32"),
            rule("ssh-any", 200, "Allow", "Tcp", "22", "Any"),
        ];
        rules.extend(defaults());
        assert_eq!(exposed(&rules), [("Tcp".into(), 22, 22, "ssh-any".into())]);
    }

    #[test]
    fn plural_fields_count() {
        let mut r = rule("web", 100, "Allow", "Tcp", "x", "10.0.0.0/8");
        let p = r.properties.as_mut().unwrap();
        p.destination_port_range = None;
        p.destination_port_ranges = vec!["80".into(), "443".into()];
        p.source_address_prefix = None;
        p.source_address_prefixes = vec!["10.0.0.0/8".into(), "0.0.0.0/0".into()];
        assert_eq!(
            exposed(&[r]),
            [
                ("Tcp".into(), 80, 80, "web".into()),
                ("Tcp".into(), 443, 443, "web".into())
            ]
        );
    }

    #[test]
    fn a_rule_missing_what_exposure_needs_is_an_error() {
        let mut r = rule("x", 100, "Allow", "Tcp", "22", "*");
        r.properties.as_mut().unwrap().priority = None;
        assert!(inbound([r].iter()).unwrap_err().contains("priority"));
        assert_eq!(parse_ports("70000"), None);
        assert_eq!(parse_ports("22-21"), None);
        assert_eq!(parse_ports("*"), Some((0, 65535)));
    }
}
