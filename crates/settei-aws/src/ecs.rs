//! ECS (category 6.4): the latest active revision of each task-definition
//! family (privileged, host namespaces, plain-text secrets by name only).

use std::collections::BTreeMap;

use serde_json::json;

use crate::error::{unknown_shape, Scope};
use crate::{secrets, Ctx};

pub const ECS_TASK_DEFINITION: &str = "aws.ecs.task_definition";

/// `arn:…:task-definition/web:7` → ("web", 7).
fn family_revision(arn: &str) -> Option<(&str, i64)> {
    let tail = arn.rsplit_once('/')?.1;
    let (family, rev) = tail.rsplit_once(':')?;
    Some((family, rev.parse().ok()?))
}

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    use aws_sdk_ecs::types::{NetworkMode, PidMode, TaskDefinitionStatus};
    ctx.sink.attempted(ECS_TASK_DEFINITION);
    let ecs = regional_client!(aws_sdk_ecs, ctx, region);
    let ecs = &ecs;
    let Some(arns) = ctx
        .listed(
            ECS_TASK_DEFINITION,
            region,
            "ecs",
            "ListTaskDefinitions",
            ecs.list_task_definitions()
                .status(TaskDefinitionStatus::Active)
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    // The latest active revision of each family is what new tasks run.
    let mut latest: BTreeMap<String, (i64, String)> = BTreeMap::new();
    for arn in &arns {
        match family_revision(arn) {
            Some((family, rev)) => {
                let e = latest
                    .entry(family.to_string())
                    .or_insert((rev, arn.clone()));
                if rev > e.0 {
                    *e = (rev, arn.clone());
                }
            }
            None => ctx.sink.error(unknown_shape(
                Scope::kind(ECS_TASK_DEFINITION, Some(region)),
                "ecs:ListTaskDefinitions",
                format!("`{arn}` is not a task definition ARN"),
            )),
        }
    }
    let latest: Vec<(String, String)> = latest.into_iter().map(|(f, (_, arn))| (f, arn)).collect();
    settei_provider::bounded(latest, ctx.opts.call_concurrency, |(family, arn)| async move {
        let Some(td) = ctx
            .described(
                (ECS_TASK_DEFINITION, region, &arn),
                "ecs",
                "DescribeTaskDefinition",
                "taskDefinition",
                ecs.describe_task_definition().task_definition(&arn).send(),
                |o| o.task_definition,
            )
            .await
        else {
            return;
        };
        let containers: Vec<_> = td
            .container_definitions()
            .iter()
            .map(|c| {
                json!({
                    "name": c.name().unwrap_or_default(),
                    "privileged": c.privileged().unwrap_or(false),
                    "readonly_root": c.readonly_root_filesystem().unwrap_or(false),
                    "plain_secrets": secrets::plain_secret_variables(
                        c.environment().iter().map(|kv| (kv.name().unwrap_or(""), kv.value().unwrap_or("")))
                    ),
                })
            })
            .collect();
        let mut attrs = json!({ "containers": containers });
        match td.network_mode() {
            Some(NetworkMode::Host) => attrs["network_mode"] = json!("host"),
            Some(NetworkMode::Awsvpc) => attrs["network_mode"] = json!("awsvpc"),
            Some(NetworkMode::None) => attrs["network_mode"] = json!("none"),
            // Unset means bridge on EC2 (Fargate requires awsvpc, set explicitly).
            Some(NetworkMode::Bridge) | None => attrs["network_mode"] = json!("bridge"),
            Some(other) => ctx.sink.error(unknown_shape(
                Scope::attrs(ECS_TASK_DEFINITION, Some(region), &arn, &["network_mode"]),
                "ecs:DescribeTaskDefinition",
                format!("unknown network mode `{}`", other.as_str()),
            )),
        }
        match td.pid_mode() {
            Some(PidMode::Host) => attrs["pid_mode"] = json!("host"),
            Some(PidMode::Task) => attrs["pid_mode"] = json!("task"),
            None => attrs["pid_mode"] = json!(""),
            Some(other) => ctx.sink.error(unknown_shape(
                Scope::attrs(ECS_TASK_DEFINITION, Some(region), &arn, &["pid_mode"]),
                "ecs:DescribeTaskDefinition",
                format!("unknown PID mode `{}`", other.as_str()),
            )),
        }
        ctx.resource(ECS_TASK_DEFINITION, arn.clone(), region, family, attrs);
    })
    .await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn family_and_revision_of_a_task_definition() {
        assert_eq!(
            super::family_revision("arn:aws:ecs:ap-northeast-1:1:task-definition/web:12"),
            Some(("web", 12))
        );
        assert_eq!(super::family_revision("nonsense"), None);
    }
}
