//! IAM Access Analyzer (category 1): external-access analyzers and their
//! active findings, per region.

use serde_json::json;

use crate::error::Scope;
use crate::regional::region_id;
use crate::Ctx;

pub const ANALYZER: &str = "aws.accessanalyzer.region";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    use aws_sdk_accessanalyzer::types::{AnalyzerStatus, Criterion, Type};
    ctx.sink.attempted(ANALYZER);
    let aa = regional_client!(aws_sdk_accessanalyzer, ctx, region);
    let analyzers = match aa
        .list_analyzers()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(a) => a,
        Err(e) => {
            return ctx.failed(
                Scope::kind(ANALYZER, Some(region)),
                "access-analyzer",
                "ListAnalyzers",
                &e,
            )
        }
    };
    // External-access analyzers only: unused-access analyzers (CIS does not
    // ask for them) do not report resources shared outside the zone of trust.
    let active: Vec<_> = analyzers
        .iter()
        .filter(|a| a.status() == &AnalyzerStatus::Active)
        .filter(|a| matches!(a.r#type(), Type::Account | Type::Organization))
        .collect();
    let mut findings = 0usize;
    for a in &active {
        let active_only = Criterion::builder().eq("ACTIVE").build();
        match aa
            .list_findings()
            .analyzer_arn(a.arn())
            .filter("status", active_only)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(f) => findings += f.len(),
            Err(e) => {
                return ctx.failed(
                    Scope::kind(ANALYZER, Some(region)),
                    "access-analyzer",
                    "ListFindings",
                    &e,
                )
            }
        }
    }
    let attrs = json!({ "active_analyzers": active.len(), "active_findings": findings });
    ctx.resource(
        ANALYZER,
        region_id(ctx, "access-analyzer", region),
        region,
        format!("access-analyzer-{region}"),
        attrs,
    );
}
