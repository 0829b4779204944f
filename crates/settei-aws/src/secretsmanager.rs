//! Secrets Manager: rotation of each secret (ListSecrets carries it all).

use serde_json::json;

use crate::error::{unknown_shape, Scope};
use crate::Ctx;

pub const SECRET: &str = "aws.secretsmanager.secret";

pub async fn collect(ctx: &Ctx, region: &str) {
    ctx.sink.attempted(SECRET);
    let client = regional_client!(aws_sdk_secretsmanager, ctx, region);
    let Some(pages) = ctx
        .listed(
            SECRET,
            region,
            "secretsmanager",
            "ListSecrets",
            client.list_secrets().into_paginator().send().try_collect(),
        )
        .await
    else {
        return;
    };
    let secrets = pages
        .into_iter()
        .flat_map(|p| p.secret_list.unwrap_or_default())
        .collect::<Vec<_>>();
    for s in secrets.iter().filter(|s| s.deleted_date().is_none()) {
        let Some(arn) = s.arn() else {
            ctx.sink.error(unknown_shape(
                Scope::kind(SECRET, Some(region)),
                "secretsmanager:ListSecrets",
                "a secret without an ARN",
            ));
            continue;
        };
        let rules = s.rotation_rules();
        let rotation_days = rules
            .and_then(|r| r.automatically_after_days())
            .or_else(|| {
                rules
                    .and_then(|r| r.schedule_expression())
                    .and_then(rate_days)
            })
            .unwrap_or(0);
        let last = s.last_rotated_date().or(s.created_date());
        let days = ctx.days_since(last);
        if days.is_none() {
            ctx.sink.error(unknown_shape(
                Scope::attrs(SECRET, Some(region), arn, &["days_since_rotation"]),
                "secretsmanager:ListSecrets",
                "neither LastRotatedDate nor CreatedDate is present",
            ));
        }
        let tags = crate::tag_map(s.tags().iter().map(|t| (t.key(), t.value())));
        ctx.tagged_resource(
            SECRET,
            arn.to_string(),
            region,
            s.name().unwrap_or(arn).to_string(),
            tags,
            json!({
                "rotation_enabled": s.rotation_enabled().unwrap_or(false),
                "rotation_days": rotation_days,
                "days_since_rotation": days,
                "kms_key_id": s.kms_key_id().unwrap_or(""),
            }),
        );
    }
}

/// `rate(30 days)` → 30; cron schedules are left to the console's reading.
fn rate_days(expr: &str) -> Option<i64> {
    let inner = expr.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: i64 = n.parse().ok()?;
    match unit.trim() {
        "day" | "days" => Some(n),
        "hour" | "hours" => Some((n / 24).max(1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rate_expressions() {
        assert_eq!(super::rate_days("rate(30 days)"), Some(30));
        assert_eq!(super::rate_days("rate(4 hours)"), Some(1));
        assert_eq!(super::rate_days("cron(0 16 1,15 * ? *)"), None);
    }
}
