//! Category 4.2: security groups, network ACLs, VPCs (with their flow logs,
//! internet gateways, S3 endpoints and network interfaces), route tables.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::{IpPermission, NetworkAclEntry, RuleAction, VpcEndpointType};
use serde_json::{json, Value};
use settei_aws::sibling::{failure, unknown_shape, Ctx, Scope};
use settei_model::CollectionError;

use crate::{missing_id, name_of, tags};

pub const SECURITY_GROUP: &str = "aws.ec2.security_group";
pub const NETWORK_ACL: &str = "aws.ec2.network_acl";
pub const VPC: &str = "aws.ec2.vpc";
pub const ROUTE_TABLE: &str = "aws.ec2.route_table";

pub async fn collect(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    tokio::join!(
        security_groups(ctx, ec2, region),
        network_acls(ctx, ec2, region),
        vpcs(ctx, ec2, region),
        route_tables(ctx, ec2, region),
    );
}

const ICMP: &[&str] = &["icmp", "icmpv6", "1", "58"];

/// One security group rule, normalized: `-1` (all traffic) spans every
/// port; ICMP has no ports (-1..-1), so port checks never match it.
fn permission(p: &IpPermission) -> Value {
    let protocol = p.ip_protocol().unwrap_or("-1");
    let (from, to) = if protocol == "-1" {
        (0, 65535)
    } else if ICMP.contains(&protocol) {
        (-1, -1)
    } else {
        (p.from_port().unwrap_or(0), p.to_port().unwrap_or(65535))
    };
    json!({
        "protocol": protocol,
        "from_port": from,
        "to_port": to,
        "ipv4_ranges": p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect::<Vec<_>>(),
        "ipv6_ranges": p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6()).collect::<Vec<_>>(),
        "source_groups": p.user_id_group_pairs().iter().filter_map(|g| g.group_id()).collect::<Vec<_>>(),
    })
}

async fn security_groups(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    ctx.sink.attempted(SECURITY_GROUP);
    let Some(list) = ctx
        .listed(
            SECURITY_GROUP,
            region,
            "ec2",
            "DescribeSecurityGroups",
            ec2.describe_security_groups()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    for g in list {
        let (Some(id), Some(group_name)) = (g.group_id(), g.group_name()) else {
            // Without the name the default group cannot be told apart.
            ctx.sink.error(missing_id(
                SECURITY_GROUP,
                region,
                "ec2:DescribeSecurityGroups",
            ));
            continue;
        };
        let tags = tags(g.tags());
        ctx.tagged_resource(
            SECURITY_GROUP,
            ctx.arn("ec2", region, &format!("security-group/{id}")),
            region,
            group_name.to_string(),
            tags,
            json!({
                "vpc_id": g.vpc_id().unwrap_or_default(),
                "is_default": group_name == "default",
                "ingress": g.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
                "egress": g.ip_permissions_egress().iter().map(permission).collect::<Vec<_>>(),
            }),
        );
    }
}

/// A network ACL entry with the fields the shadowing check compares.
#[derive(Debug, Clone, PartialEq)]
struct AclEntry {
    rule_number: i32,
    protocol: String,
    from: i32,
    to: i32,
    cidr: String,
    allow: bool,
}

/// An entry as the shadowing check needs it; `None` when a field that
/// decides it is missing (a guess could hide an open port).
fn acl_entry(e: &NetworkAclEntry) -> Option<AclEntry> {
    let protocol = e.protocol()?.to_string();
    let (from, to) = if protocol == "-1" {
        (0, 65535)
    } else if ICMP.contains(&protocol.as_str()) {
        (-1, -1)
    } else if protocol == "6" || protocol == "17" {
        let r = e.port_range()?;
        (r.from()?, r.to()?)
    } else {
        // Other IP protocols have no ports.
        (-1, -1)
    };
    let allow = match e.rule_action()? {
        RuleAction::Allow => true,
        RuleAction::Deny => false,
        _ => return None,
    };
    Some(AclEntry {
        rule_number: e.rule_number()?,
        protocol,
        from,
        to,
        cidr: e.cidr_block().or(e.ipv6_cidr_block())?.to_string(),
        allow,
    })
}

/// Whether `deny` (evaluated before `allow`) already refuses everything
/// `allow` would let in: the same or a wider source, protocol and ports.
fn shadows(deny: &AclEntry, allow: &AclEntry) -> bool {
    let v6 = |c: &str| c.contains(':');
    let source = deny.cidr == allow.cidr
        || (deny.cidr == "0.0.0.0/0" && !v6(&allow.cidr))
        || (deny.cidr == "::/0" && v6(&allow.cidr));
    let protocol = deny.protocol == "-1" || deny.protocol == allow.protocol;
    let ports = deny.protocol == "-1" || (deny.from <= allow.from && allow.to <= deny.to);
    !deny.allow && deny.rule_number < allow.rule_number && source && protocol && ports
}

/// The allow entries of one direction in evaluation order, each marked
/// shadowed when an earlier deny entry refuses all of it.
fn allow_entries(mut entries: Vec<AclEntry>) -> Vec<Value> {
    entries.sort_by_key(|e| e.rule_number);
    entries
        .iter()
        .filter(|e| e.allow)
        .map(|a| {
            json!({
                "rule_number": a.rule_number,
                "protocol": a.protocol,
                "from_port": a.from,
                "to_port": a.to,
                "cidr": a.cidr,
                "shadowed": entries.iter().any(|d| shadows(d, a)),
            })
        })
        .collect()
}

async fn network_acls(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    ctx.sink.attempted(NETWORK_ACL);
    let Some(list) = ctx
        .listed(
            NETWORK_ACL,
            region,
            "ec2",
            "DescribeNetworkAcls",
            ec2.describe_network_acls()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    for acl in list {
        let Some(id) = acl.network_acl_id() else {
            ctx.sink
                .error(missing_id(NETWORK_ACL, region, "ec2:DescribeNetworkAcls"));
            continue;
        };
        let arn = ctx.arn("ec2", region, &format!("network-acl/{id}"));
        let mut attrs = json!({
            "vpc_id": acl.vpc_id().unwrap_or_default(),
            "is_default": acl.is_default().unwrap_or(false),
            "subnet_count": acl.associations().len(),
        });
        let ingress: Option<Vec<AclEntry>> = acl
            .entries()
            .iter()
            .filter(|e| e.egress() != Some(true))
            .map(|e| e.egress().and(acl_entry(e)))
            .collect();
        match ingress {
            Some(entries) => attrs["ingress"] = json!(allow_entries(entries)),
            None => ctx.sink.error(unknown_shape(
                Scope::attrs(NETWORK_ACL, Some(region), &arn, &["ingress"]),
                "ec2:DescribeNetworkAcls",
                "an entry lacks its direction, action, rule number, CIDR or ports",
            )),
        }
        let tags = tags(acl.tags());
        let name = name_of(&tags, id);
        ctx.tagged_resource(NETWORK_ACL, arn, region, name, tags, attrs);
    }
}

/// Per-VPC facts read by one call; `Err` carries the failure to copy onto
/// every VPC whose attribute it leaves unknown.
type PerVpc<T> = Result<BTreeMap<String, T>, CollectionError>;

async fn vpcs(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    use aws_sdk_ec2::types::TrafficType;
    ctx.sink.attempted(VPC);
    let Some(list) = ctx
        .listed(
            VPC,
            region,
            "ec2",
            "DescribeVpcs",
            ec2.describe_vpcs()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    let scope = || Scope::kind(VPC, Some(region));
    let flow = async {
        let logs = ec2
            .describe_flow_logs()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        logs.map(|logs| {
            let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            // Credit only logs that are on and delivering: ACTIVE, and not
            // failing delivery. A log without a traffic type gets none.
            let delivering = |l: &&aws_sdk_ec2::types::FlowLog| {
                l.flow_log_status() == Some("ACTIVE") && l.deliver_logs_status() != Some("FAILED")
            };
            for l in logs.iter().filter(delivering) {
                if let (Some(r), Some(t)) = (l.resource_id(), l.traffic_type()) {
                    if matches!(
                        t,
                        TrafficType::All | TrafficType::Accept | TrafficType::Reject
                    ) {
                        m.entry(r.to_string())
                            .or_default()
                            .insert(t.as_str().to_string());
                    }
                }
            }
            m
        })
        .map_err(|e| failure(scope(), "ec2", "DescribeFlowLogs", &e))
    };
    let igws = async {
        let list = ec2
            .describe_internet_gateways()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        list.map(|list| {
            let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for g in &list {
                for a in g.attachments() {
                    if let (Some(v), Some(id)) = (a.vpc_id(), g.internet_gateway_id()) {
                        m.entry(v.to_string()).or_default().insert(id.to_string());
                    }
                }
            }
            m
        })
        .map_err(|e| failure(scope(), "ec2", "DescribeInternetGateways", &e))
    };
    let enis = async {
        let list = ec2
            .describe_network_interfaces()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        list.map(|list| {
            let mut m: BTreeMap<String, usize> = BTreeMap::new();
            for n in &list {
                if let Some(v) = n.vpc_id() {
                    *m.entry(v.to_string()).or_default() += 1;
                }
            }
            m
        })
        .map_err(|e| failure(scope(), "ec2", "DescribeNetworkInterfaces", &e))
    };
    let endpoints = async {
        let list = ec2
            .describe_vpc_endpoints()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        list.map(|list| {
            let mut m: BTreeMap<String, bool> = BTreeMap::new();
            for e in &list {
                let s3 = e.vpc_endpoint_type() == Some(&VpcEndpointType::Gateway)
                    // The API answers `available` in lower case.
                    && e.state().is_some_and(|s| s.as_str().eq_ignore_ascii_case("available"))
                    && e.service_name().is_some_and(|s| s.ends_with(".s3"));
                if let (true, Some(v)) = (s3, e.vpc_id()) {
                    m.insert(v.to_string(), true);
                }
            }
            m
        })
        .map_err(|e| failure(scope(), "ec2", "DescribeVpcEndpoints", &e))
    };
    let (flow, igws, enis, endpoints) = tokio::join!(flow, igws, enis, endpoints);
    let (flow, igws): (PerVpc<BTreeSet<String>>, PerVpc<BTreeSet<String>>) = (flow, igws);
    let (enis, endpoints): (PerVpc<usize>, PerVpc<bool>) = (enis, endpoints);
    for v in list {
        let (Some(id), Some(is_default)) = (v.vpc_id(), v.is_default()) else {
            ctx.sink.error(missing_id(VPC, region, "ec2:DescribeVpcs"));
            continue;
        };
        let arn = ctx.arn("ec2", region, &format!("vpc/{id}"));
        let mut attrs = json!({
            "is_default": is_default,
            "cidr": v.cidr_block().unwrap_or_default(),
        });
        // Each auxiliary answer fills one attribute, or leaves it unknown.
        let mut fill = |attr: &'static str, value: Result<Value, &CollectionError>| match value {
            Ok(v) => attrs[attr] = v,
            Err(err) => ctx.sink.error(CollectionError {
                resource_id: Some(arn.clone()),
                attributes: vec![attr.to_string()],
                ..err.clone()
            }),
        };
        fill(
            "flow_logs",
            flow.as_ref()
                .map(|m| json!(m.get(id).cloned().unwrap_or_default())),
        );
        fill(
            "internet_gateways",
            igws.as_ref()
                .map(|m| json!(m.get(id).cloned().unwrap_or_default())),
        );
        fill(
            "network_interfaces",
            enis.as_ref()
                .map(|m| json!(m.get(id).copied().unwrap_or(0))),
        );
        fill(
            "s3_gateway_endpoint",
            endpoints
                .as_ref()
                .map(|m| json!(m.get(id).copied().unwrap_or(false))),
        );
        let tags = tags(v.tags());
        let name = name_of(&tags, id);
        ctx.tagged_resource(VPC, arn, region, name, tags, attrs);
    }
}

async fn route_tables(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) {
    ctx.sink.attempted(ROUTE_TABLE);
    let Some(list) = ctx
        .listed(
            ROUTE_TABLE,
            region,
            "ec2",
            "DescribeRouteTables",
            ec2.describe_route_tables()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    for t in list {
        let Some(id) = t.route_table_id() else {
            ctx.sink
                .error(missing_id(ROUTE_TABLE, region, "ec2:DescribeRouteTables"));
            continue;
        };
        let internet_routes: Vec<String> = t
            .routes()
            .iter()
            .filter_map(|r| {
                let gw = r.gateway_id().filter(|g| g.starts_with("igw-"))?;
                let dest = r
                    .destination_cidr_block()
                    .or(r.destination_ipv6_cidr_block())
                    .or(r.destination_prefix_list_id())
                    .unwrap_or("?");
                Some(format!("{dest} → {gw}"))
            })
            .collect();
        let tags = tags(t.tags());
        let name = name_of(&tags, id);
        ctx.tagged_resource(
            ROUTE_TABLE,
            ctx.arn("ec2", region, &format!("route-table/{id}")),
            region,
            name,
            tags,
            json!({
                "vpc_id": t.vpc_id().unwrap_or_default(),
                "is_main": t.associations().iter().any(|a| a.main() == Some(true)),
                "subnet_count": t.associations().iter().filter(|a| a.subnet_id().is_some()).count(),
                "internet_routes": internet_routes,
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(n: i32, protocol: &str, from: i32, to: i32, cidr: &str, allow: bool) -> AclEntry {
        AclEntry {
            rule_number: n,
            protocol: protocol.into(),
            from,
            to,
            cidr: cidr.into(),
            allow,
        }
    }

    #[test]
    fn earlier_denies_shadow_later_allows_only_when_they_cover_them() {
        let entries = vec![
            e(200, "6", 22, 22, "0.0.0.0/0", true),
            e(100, "-1", 0, 65535, "0.0.0.0/0", false),
            e(300, "6", 3389, 3389, "::/0", true),
            e(50, "6", 3000, 3388, "::/0", false),
        ];
        let out = allow_entries(entries);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0]["rule_number"], 200);
        assert_eq!(out[0]["shadowed"], true, "deny-all at 100 covers it");
        assert_eq!(out[1]["rule_number"], 300);
        assert_eq!(out[1]["shadowed"], false, "the deny at 50 misses port 3389");
        // A later deny shadows nothing.
        let later = allow_entries(vec![
            e(100, "6", 22, 22, "0.0.0.0/0", true),
            e(200, "-1", 0, 65535, "0.0.0.0/0", false),
        ]);
        assert_eq!(later[0]["shadowed"], false);
    }
}
