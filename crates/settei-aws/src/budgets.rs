//! AWS Budgets: whether cost is planned and someone hears when it runs over
//! (guideline III.3.3.1 (iv)). Budgets is a global service in us-east-1.

use aws_sdk_budgets::types::BudgetType;
use serde_json::json;

use crate::error::Scope;
use crate::Ctx;

pub const BUDGETS: &str = "aws.budgets.account";

pub async fn collect(ctx: &Ctx) {
    ctx.sink.attempted(BUDGETS);
    // The API's only endpoint region in the aws partition.
    let region = match ctx.partition.as_str() {
        "aws-cn" => "cn-northwest-1",
        _ => "us-east-1",
    };
    let client = regional_client!(aws_sdk_budgets, ctx, region);
    let budgets = match client
        .describe_budgets()
        .account_id(&ctx.account)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(b) => b,
        // No budget at all is answered with NotFoundException.
        Err(e) if crate::error::code(&e) == Some("NotFoundException") => Vec::new(),
        Err(e) => {
            return ctx.failed(
                Scope::kind(BUDGETS, Some("global")),
                "budgets",
                "DescribeBudgets",
                &e,
            )
        }
    };
    let id = format!("arn:{}:budgets::{}:settings", ctx.partition, ctx.account);
    let mut with_alerts = 0;
    for b in budgets
        .iter()
        .filter(|b| b.budget_type() == &BudgetType::Cost)
    {
        // A notification always has at least one subscriber: the API
        // requires one on creation and deletes the notification with its
        // last subscriber. So a notification is an alert someone receives.
        match client
            .describe_notifications_for_budget()
            .account_id(&ctx.account)
            .budget_name(b.budget_name())
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(n) if !n.is_empty() => with_alerts += 1,
            Ok(_) => {}
            Err(e) if crate::error::code(&e) == Some("NotFoundException") => {}
            Err(e) => {
                // The count is unknown; the rule reading it reports ERROR.
                ctx.failed(
                    Scope::attrs(BUDGETS, None, &id, &["cost_budgets_with_alerts"]),
                    "budgets",
                    "DescribeNotificationsForBudget",
                    &e,
                );
                break;
            }
        }
    }
    ctx.resource(
        BUDGETS,
        id,
        "global",
        "budgets".into(),
        json!({ "budgets": budgets.len(), "cost_budgets_with_alerts": with_alerts }),
    );
}
