//! Elastic Load Balancing v2 (category 4.2): listeners and their TLS
//! policies, access logs, header handling and deletion protection.

use serde_json::json;

use crate::error::Scope;
use crate::Ctx;

pub const LOAD_BALANCER: &str = "aws.elbv2.load_balancer";

pub async fn collect(ctx: &Ctx, region: &str) {
    use aws_sdk_elasticloadbalancingv2::types::ActionTypeEnum;
    ctx.sink.attempted(LOAD_BALANCER);
    let elb = regional_client!(aws_sdk_elasticloadbalancingv2, ctx, region);
    let elb = &elb;
    let Some(lbs) = ctx
        .listed(
            LOAD_BALANCER,
            region,
            "elasticloadbalancing",
            "DescribeLoadBalancers",
            elb.describe_load_balancers()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    settei_provider::bounded(lbs, ctx.opts.call_concurrency, |lb| async move {
        let Some(arn) = lb.load_balancer_arn().map(str::to_string) else {
            return ctx.sink.error(crate::error::unknown_shape(
                Scope::kind(LOAD_BALANCER, Some(region)),
                "elasticloadbalancing:DescribeLoadBalancers",
                "a load balancer without an ARN",
            ));
        };
        let name = lb.load_balancer_name().unwrap_or_default().to_string();
        let mut attrs = json!({
            "scheme": lb.scheme().map(|s| s.as_str()).unwrap_or(""),
        });
        // The type decides which rules apply; unknown is not "not an ALB".
        match lb.r#type() {
            Some(t) => attrs["lb_type"] = json!(t.as_str()),
            None => ctx.sink.error(crate::error::unknown_shape(
                Scope::attrs(LOAD_BALANCER, Some(region), &arn, &["lb_type"]),
                "elasticloadbalancing:DescribeLoadBalancers",
                "the load balancer has no Type",
            )),
        }
        match elb
            .describe_listeners()
            .load_balancer_arn(&arn)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(listeners) => {
                // Protocol, port and (on TLS listeners) the policy decide the
                // listener rules: an answer without them is unknown, never "".
                let f = ctx.fields(
                    LOAD_BALANCER,
                    region,
                    &arn,
                    "elasticloadbalancing:DescribeListeners",
                );
                let list: Option<Vec<_>> = listeners
                    .iter()
                    .map(|l| {
                        let redirects = l.default_actions().iter().any(|a| {
                            a.r#type() == Some(&ActionTypeEnum::Redirect)
                                && a.redirect_config().and_then(|r| r.protocol()) == Some("HTTPS")
                        });
                        let protocol = f.required("listeners", l.protocol().map(|p| p.as_str()))?;
                        let port = f.required("listeners", l.port())?;
                        // A TLS policy only means something on a TLS listener.
                        let tls = matches!(protocol, "HTTPS" | "TLS");
                        let ssl_policy = if tls {
                            f.required("listeners", l.ssl_policy())?
                        } else {
                            ""
                        };
                        Some(json!({
                            "port": port,
                            "protocol": protocol,
                            "ssl_policy": ssl_policy,
                            "redirects_to_https": redirects,
                        }))
                    })
                    .collect();
                if let Some(list) = list {
                    attrs["listeners"] = json!(list);
                }
            }
            Err(e) => ctx.failed(
                Scope::attrs(LOAD_BALANCER, Some(region), &arn, &["listeners"]),
                "elasticloadbalancing",
                "DescribeListeners",
                &e,
            ),
        }
        const ATTRS: &[&str] = &["access_logs", "deletion_protection", "drop_invalid_headers"];
        match elb
            .describe_load_balancer_attributes()
            .load_balancer_arn(&arn)
            .send()
            .await
        {
            Ok(o) => {
                let get = |key: &str| {
                    o.attributes()
                        .iter()
                        .any(|a| a.key() == Some(key) && a.value() == Some("true"))
                };
                attrs["access_logs"] = json!(get("access_logs.s3.enabled"));
                attrs["deletion_protection"] = json!(get("deletion_protection.enabled"));
                attrs["drop_invalid_headers"] =
                    json!(get("routing.http.drop_invalid_header_fields.enabled"));
            }
            Err(e) => ctx.failed(
                Scope::attrs(LOAD_BALANCER, Some(region), &arn, ATTRS),
                "elasticloadbalancing",
                "DescribeLoadBalancerAttributes",
                &e,
            ),
        }
        ctx.resource(LOAD_BALANCER, arn, region, name, attrs);
    })
    .await;
}
