//! S3 (category 3): account-level Block Public Access and every bucket's
//! access settings, encryption, versioning, logging, lock, lifecycle and
//! replication.

use std::collections::HashMap;

use aws_config::Region;
use aws_sdk_s3::types::{
    BucketVersioningStatus, ExpirationStatus, MfaDeleteStatus, ObjectLockEnabled,
};
use serde_json::{json, Value};

use crate::error::{code, failure, Scope};
use crate::{policy, Ctx, ReadOnlyGuard};

pub const BUCKET: &str = "aws.s3.bucket";
pub const ACCOUNT: &str = "aws.s3.account";

/// What the CloudTrail normalizer needs to know about a bucket: `None`
/// where the setting could not be read.
#[derive(Debug, Clone, Default)]
pub struct BucketFacts {
    pub public: Option<bool>,
    pub access_logging: Option<bool>,
}

fn client(ctx: &Ctx, region: &str) -> aws_sdk_s3::Client {
    let mut b = aws_sdk_s3::config::Builder::from(&ctx.sdk)
        .region(Region::new(region.to_string()))
        .interceptor(ReadOnlyGuard);
    if ctx.opts.endpoint_url.is_some() {
        b = b.force_path_style(true);
    }
    aws_sdk_s3::Client::from_conf(b.build())
}

#[derive(Default, Clone, Copy)]
struct Pab {
    block_public_acls: bool,
    ignore_public_acls: bool,
    block_public_policy: bool,
    restrict_public_buckets: bool,
}

impl Pab {
    fn or(self, o: Pab) -> Pab {
        Pab {
            block_public_acls: self.block_public_acls || o.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || o.ignore_public_acls,
            block_public_policy: self.block_public_policy || o.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || o.restrict_public_buckets,
        }
    }
    fn json(self) -> Value {
        json!({
            "block_public_acls": self.block_public_acls,
            "ignore_public_acls": self.ignore_public_acls,
            "block_public_policy": self.block_public_policy,
            "restrict_public_buckets": self.restrict_public_buckets,
        })
    }
}

/// The account-level setting, read through S3 Control.
async fn account_pab(ctx: &Ctx) -> Option<Pab> {
    ctx.sink.attempted(ACCOUNT);
    let mut b = aws_sdk_s3control::config::Builder::from(&ctx.sdk).interceptor(ReadOnlyGuard);
    if let Some(url) = &ctx.opts.endpoint_url {
        // S3 Control puts the account id in the host name; an emulator on
        // 127.0.0.1 is reached at the endpoint as given.
        b = b.endpoint_resolver(FixedEndpoint(url.clone()));
    }
    let s3c = aws_sdk_s3control::Client::from_conf(b.build());
    let id = format!("arn:{}:s3:::account/{}", ctx.partition, ctx.account);
    let pab = match s3c
        .get_public_access_block()
        .account_id(&ctx.account)
        .send()
        .await
    {
        Ok(out) => {
            let c = out.public_access_block_configuration();
            Pab {
                block_public_acls: c.and_then(|c| c.block_public_acls()).unwrap_or(false),
                ignore_public_acls: c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
                block_public_policy: c.and_then(|c| c.block_public_policy()).unwrap_or(false),
                restrict_public_buckets: c
                    .and_then(|c| c.restrict_public_buckets())
                    .unwrap_or(false),
            }
        }
        Err(e) if code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => Pab::default(),
        Err(e) => {
            ctx.failed(
                Scope::kind(ACCOUNT, Some("global")),
                "s3control",
                "GetPublicAccessBlock",
                &e,
            );
            return None;
        }
    };
    ctx.resource(ACCOUNT, id, "global", ctx.account.clone(), pab.json());
    Some(pab)
}

#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_smithy_types::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

fn location(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".into(),
        Some("EU") => "eu-west-1".into(),
        Some(r) => r.to_string(),
    }
}

/// Collects S3 and returns what the CloudTrail normalizer needs per bucket.
pub async fn collect(ctx: &Ctx, _regions: &[String]) -> HashMap<String, BucketFacts> {
    let account = account_pab(ctx).await;
    ctx.sink.attempted(BUCKET);
    let home = ctx.home_region();
    let s3 = client(ctx, &home);
    let buckets: Vec<_> = match s3
        .list_buckets()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(buckets) => buckets,
        Err(e) => {
            ctx.failed(Scope::kind(BUCKET, None), "s3", "ListBuckets", &e);
            ctx.progress.advance("s3");
            return HashMap::new();
        }
    };
    // Where each bucket lives, for the per-bucket calls and replication.
    let locations: HashMap<String, Result<String, ()>> =
        settei_provider::bounded(buckets.clone(), ctx.opts.call_concurrency, |b| {
            let s3 = &s3;
            async move {
                let name = b.name().unwrap_or_default().to_string();
                let loc = match s3.get_bucket_location().bucket(&name).send().await {
                    Ok(out) => Ok(location(out.location_constraint().map(|c| c.as_str()))),
                    Err(e) => {
                        let arn = format!("arn:{}:s3:::{name}", ctx.partition);
                        ctx.failed(
                            Scope {
                                kind: BUCKET,
                                region: None,
                                resource_id: Some(&arn),
                                attributes: &[],
                            },
                            "s3",
                            "GetBucketLocation",
                            &e,
                        );
                        Err(())
                    }
                };
                (name, loc)
            }
        })
        .await
        .into_iter()
        .collect();
    let facts = settei_provider::bounded(
        locations.clone(),
        ctx.opts.call_concurrency,
        |(name, loc)| {
            let locations = &locations;
            async move {
                let Ok(region) = loc else {
                    return (name, BucketFacts::default());
                };
                let facts = bucket(ctx, &name, &region, account, locations).await;
                (name, facts)
            }
        },
    )
    .await
    .into_iter()
    .collect();
    ctx.progress.advance("s3");
    facts
}

async fn bucket(
    ctx: &Ctx,
    name: &str,
    region: &str,
    account: Option<Pab>,
    locations: &HashMap<String, Result<String, ()>>,
) -> BucketFacts {
    let s3 = client(ctx, region);
    let arn = format!("arn:{}:s3:::{name}", ctx.partition);
    let mut a = serde_json::Map::new();
    let lost =
        |attrs: &[&str], op: &str, err: &dyn Fn(Scope<'_>) -> settei_model::CollectionError| {
            ctx.sink
                .error(err(Scope::attrs(BUCKET, Some(region), &arn, attrs)));
            let _ = op;
        };

    // Block Public Access, combined with the account's setting.
    let bucket_pab = match s3.get_public_access_block().bucket(name).send().await {
        Ok(out) => {
            let c = out.public_access_block_configuration();
            Some(Pab {
                block_public_acls: c.and_then(|c| c.block_public_acls()).unwrap_or(false),
                ignore_public_acls: c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
                block_public_policy: c.and_then(|c| c.block_public_policy()).unwrap_or(false),
                restrict_public_buckets: c
                    .and_then(|c| c.restrict_public_buckets())
                    .unwrap_or(false),
            })
        }
        Err(e) if code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => Some(Pab::default()),
        Err(e) => {
            lost(&["public_access_block"], "GetPublicAccessBlock", &|s| {
                failure(s, "s3", "GetPublicAccessBlock", &e)
            });
            None
        }
    };
    let effective = match (bucket_pab, account) {
        (Some(b), Some(acc)) => Some(b.or(acc)),
        (Some(_), None) => {
            // The account-level setting is unknown, so the effective one is too.
            ctx.sink.error(settei_model::CollectionError {
                kind: BUCKET.into(),
                region: Some(region.into()),
                resource_id: Some(arn.clone()),
                attributes: vec!["public_access_block".into()],
                cause: settei_model::ErrorCause::Other,
                operation: Some("s3control:GetPublicAccessBlock".into()),
                message: "the account-level Block Public Access setting could not be read".into(),
            });
            None
        }
        (None, _) => None,
    };
    if let Some(p) = effective {
        a.insert("public_access_block".into(), p.json());
    }

    // Bucket policy.
    let mut policy_public = None;
    match s3.get_bucket_policy().bucket(name).send().await {
        Ok(out) => match out.policy().and_then(policy::parse_document) {
            Some(doc) => {
                policy_public = Some(policy::allows_public_principal(&doc));
                a.insert("policy_public".into(), json!(policy_public));
                a.insert(
                    "policy_denies_insecure_transport".into(),
                    json!(policy::denies_insecure_transport(&doc, &arn)),
                );
            }
            None => ctx.sink.error(crate::error::unknown_shape(
                Scope::attrs(
                    BUCKET,
                    Some(region),
                    &arn,
                    &["policy_public", "policy_denies_insecure_transport"],
                ),
                "s3:GetBucketPolicy",
                "the bucket policy is not JSON",
            )),
        },
        Err(e) if code(&e) == Some("NoSuchBucketPolicy") => {
            policy_public = Some(false);
            a.insert("policy_public".into(), json!(false));
            a.insert("policy_denies_insecure_transport".into(), json!(false));
        }
        Err(e) => lost(
            &["policy_public", "policy_denies_insecure_transport"],
            "GetBucketPolicy",
            &|s| failure(s, "s3", "GetBucketPolicy", &e),
        ),
    }

    // ACL grants to everyone.
    let mut acl_public = None;
    match s3.get_bucket_acl().bucket(name).send().await {
        Ok(out) => {
            let grants: Vec<String> = out
                .grants()
                .iter()
                .filter(|g| {
                    g.grantee().and_then(|g| g.uri()).is_some_and(|u| {
                        u.ends_with("/global/AllUsers") || u.ends_with("/global/AuthenticatedUsers")
                    })
                })
                .filter_map(|g| g.permission().map(|p| p.as_str().to_string()))
                .collect();
            acl_public = Some(!grants.is_empty());
            a.insert("acl_public_grants".into(), json!(grants));
        }
        Err(e) => lost(&["acl_public_grants"], "GetBucketAcl", &|s| {
            failure(s, "s3", "GetBucketAcl", &e)
        }),
    }

    // Default encryption.
    match s3.get_bucket_encryption().bucket(name).send().await {
        Ok(out) => {
            let algo = out
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default())
                .map(|d| d.sse_algorithm().as_str().to_string());
            a.insert(
                "encryption".into(),
                json!({ "enabled": algo.is_some(), "algorithm": algo }),
            );
        }
        Err(e) if code(&e) == Some("ServerSideEncryptionConfigurationNotFoundError") => {
            a.insert(
                "encryption".into(),
                json!({ "enabled": false, "algorithm": null }),
            );
        }
        Err(e) => lost(&["encryption"], "GetBucketEncryption", &|s| {
            failure(s, "s3", "GetBucketEncryption", &e)
        }),
    }

    // Versioning and MFA delete.
    match s3.get_bucket_versioning().bucket(name).send().await {
        Ok(out) => {
            let status = match out.status() {
                Some(BucketVersioningStatus::Enabled) => "Enabled",
                Some(BucketVersioningStatus::Suspended) => "Suspended",
                _ => "Disabled",
            };
            a.insert("versioning".into(), json!(status));
            a.insert(
                "mfa_delete".into(),
                json!(out.mfa_delete() == Some(&MfaDeleteStatus::Enabled)),
            );
        }
        Err(e) => lost(&["versioning", "mfa_delete"], "GetBucketVersioning", &|s| {
            failure(s, "s3", "GetBucketVersioning", &e)
        }),
    }

    // Server access logging.
    let mut logging = None;
    match s3.get_bucket_logging().bucket(name).send().await {
        Ok(out) => {
            logging = Some(out.logging_enabled().is_some());
            a.insert("access_logging".into(), json!(logging));
        }
        Err(e) => lost(&["access_logging"], "GetBucketLogging", &|s| {
            failure(s, "s3", "GetBucketLogging", &e)
        }),
    }

    // Object Lock.
    match s3.get_object_lock_configuration().bucket(name).send().await {
        Ok(out) => {
            let on = out
                .object_lock_configuration()
                .and_then(|c| c.object_lock_enabled())
                == Some(&ObjectLockEnabled::Enabled);
            a.insert("object_lock".into(), json!(on));
        }
        Err(e) if code(&e) == Some("ObjectLockConfigurationNotFoundError") => {
            a.insert("object_lock".into(), json!(false));
        }
        Err(e) => lost(&["object_lock"], "GetObjectLockConfiguration", &|s| {
            failure(s, "s3", "GetObjectLockConfiguration", &e)
        }),
    }

    // Object Ownership.
    match s3.get_bucket_ownership_controls().bucket(name).send().await {
        Ok(out) => {
            let own = out
                .ownership_controls()
                .and_then(|c| c.rules().first())
                .map(|r| r.object_ownership().as_str().to_string());
            a.insert("object_ownership".into(), json!(own));
        }
        Err(e) if code(&e) == Some("OwnershipControlsNotFoundError") => {
            a.insert("object_ownership".into(), json!(null));
        }
        Err(e) => lost(&["object_ownership"], "GetBucketOwnershipControls", &|s| {
            failure(s, "s3", "GetBucketOwnershipControls", &e)
        }),
    }

    // Lifecycle.
    match s3
        .get_bucket_lifecycle_configuration()
        .bucket(name)
        .send()
        .await
    {
        Ok(out) => {
            let n = out
                .rules()
                .iter()
                .filter(|r| r.status() == &ExpirationStatus::Enabled)
                .count();
            a.insert("lifecycle_rules".into(), json!(n));
        }
        Err(e) if code(&e) == Some("NoSuchLifecycleConfiguration") => {
            a.insert("lifecycle_rules".into(), json!(0));
        }
        Err(e) => lost(
            &["lifecycle_rules"],
            "GetBucketLifecycleConfiguration",
            &|s| failure(s, "s3", "GetBucketLifecycleConfiguration", &e),
        ),
    }

    // Replication destinations.
    match s3.get_bucket_replication().bucket(name).send().await {
        Ok(out) => {
            let regions: Vec<String> = out
                .replication_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .filter_map(|r| r.destination())
                .map(|d| {
                    let dest = d.bucket().rsplit(':').next().unwrap_or_default();
                    match locations.get(dest) {
                        Some(Ok(r)) => r.clone(),
                        _ => "unknown".to_string(),
                    }
                })
                .collect();
            a.insert("replication_regions".into(), json!(regions));
        }
        Err(e) if code(&e) == Some("ReplicationConfigurationNotFoundError") => {
            a.insert("replication_regions".into(), json!([]));
        }
        Err(e) => lost(&["replication_regions"], "GetBucketReplication", &|s| {
            failure(s, "s3", "GetBucketReplication", &e)
        }),
    }

    let public = match (effective, policy_public, acl_public) {
        (Some(p), Some(pol), Some(acl)) => {
            // BlockPublicPolicy only refuses *new* public policies; an
            // existing one stays in force unless RestrictPublicBuckets is set.
            let via_policy = pol && !p.restrict_public_buckets;
            let via_acl = acl && !p.ignore_public_acls;
            Some(via_policy || via_acl)
        }
        _ => None,
    };
    ctx.resource(BUCKET, arn, region, name.to_string(), Value::Object(a));
    BucketFacts {
        public,
        access_logging: logging,
    }
}
