//! Lambda (category 6.2): functions' resource policy, runtime, function
//! URL and plain-text secrets in the environment (by name only, see
//! [`crate::secrets`]).

use serde_json::json;

use crate::error::{code, unknown_shape, Scope};
use crate::{policy, secrets, Ctx};

pub const LAMBDA_FUNCTION: &str = "aws.lambda.function";

pub(crate) async fn collect(ctx: &Ctx, region: &str) {
    use aws_sdk_lambda::types::PackageType;
    ctx.sink.attempted(LAMBDA_FUNCTION);
    let lambda = regional_client!(aws_sdk_lambda, ctx, region);
    let lambda = &lambda;
    let Some(functions) = ctx
        .listed(
            LAMBDA_FUNCTION,
            region,
            "lambda",
            "ListFunctions",
            lambda
                .list_functions()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    else {
        return;
    };
    settei_provider::bounded(functions, ctx.opts.call_concurrency, |f| async move {
        let name = f.function_name().unwrap_or_default().to_string();
        let arn = f
            .function_arn()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.arn("lambda", region, &format!("function:{name}")));
        let mut attrs = json!({});
        // Variables encrypted under a key the scanner may not use come back
        // as an Error instead: what they hold is unknown, not clean.
        match f.environment() {
            Some(env) if env.error().is_some() || env.variables().is_none() => {
                ctx.sink.error(unknown_shape(
                    Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["plain_secrets"]),
                    "lambda:ListFunctions",
                    format!(
                        "the environment variables could not be read: {}",
                        env.error()
                            .and_then(|e| e.error_code())
                            .unwrap_or("no Variables")
                    ),
                ))
            }
            env => {
                attrs["plain_secrets"] = json!(secrets::plain_secret_variables(
                    env.and_then(|e| e.variables())
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.as_str(), v.as_str())),
                ))
            }
        }
        // Only container images run without a managed runtime.
        match (f.runtime(), f.package_type()) {
            (Some(r), _) => attrs["runtime"] = json!(r.as_str()),
            (None, Some(PackageType::Image)) => attrs["runtime"] = json!(""),
            (None, _) => ctx.sink.error(unknown_shape(
                Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["runtime"]),
                "lambda:ListFunctions",
                "a zip-packaged function without a Runtime",
            )),
        }
        match lambda.get_policy().function_name(&name).send().await {
            Ok(o) => match o.policy().and_then(policy::parse_document) {
                Some(doc) => attrs["policy_public"] = json!(policy::allows_public_principal(&doc)),
                None => ctx.sink.error(unknown_shape(
                    Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["policy_public"]),
                    "lambda:GetPolicy",
                    "the resource policy is missing or not JSON",
                )),
            },
            Err(e) if code(&e) == Some("ResourceNotFoundException") => {
                attrs["policy_public"] = json!(false)
            }
            Err(e) => ctx.failed(
                Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["policy_public"]),
                "lambda",
                "GetPolicy",
                &e,
            ),
        }
        match lambda
            .get_function_url_config()
            .function_name(&name)
            .send()
            .await
        {
            Ok(o) => attrs["url_auth_type"] = json!(o.auth_type().as_str()),
            Err(e) if code(&e) == Some("ResourceNotFoundException") => {
                attrs["url_auth_type"] = json!("")
            }
            Err(e) => ctx.failed(
                Scope::attrs(LAMBDA_FUNCTION, Some(region), &arn, &["url_auth_type"]),
                "lambda",
                "GetFunctionUrlConfig",
                &e,
            ),
        }
        ctx.resource(LAMBDA_FUNCTION, arn, region, name, attrs);
    })
    .await;
}
