//! IAM (category 1): account summary, root MFA, credential report, password
//! policy, users, customer-managed policies, roles, support role, server
//! certificates; and the account's alternate security contact.

use std::time::Duration;

use aws_sdk_iam::types::{PolicyScopeType, ReportStateType, StatusType, SummaryKeyType};
use aws_sdk_iam::Client;
use serde_json::json;

use crate::error::{code, failure, unknown_shape, Scope};
use crate::{credential_report, policy, Ctx, ReadOnlyGuard};

pub const ACCOUNT: &str = "aws.iam.account";
pub const PASSWORD_POLICY: &str = "aws.iam.password_policy";
pub const USER: &str = "aws.iam.user";
pub const POLICY: &str = "aws.iam.policy";
pub const ROLE: &str = "aws.iam.role";
pub const CONTACT: &str = "aws.account.contact";

const G: Option<&str> = Some("global");

fn client(ctx: &Ctx) -> Client {
    Client::from_conf(
        aws_sdk_iam::config::Builder::from(&ctx.sdk)
            .interceptor(ReadOnlyGuard)
            .build(),
    )
}

pub async fn collect(ctx: &Ctx) {
    let iam = client(ctx);
    tokio::join!(
        account(ctx, &iam),
        password_policy(ctx, &iam),
        users(ctx, &iam),
        policies(ctx, &iam),
        roles(ctx, &iam)
    );
    ctx.progress.advance("iam");
}

async fn account(ctx: &Ctx, iam: &Client) {
    ctx.sink.attempted(ACCOUNT);
    let id = format!("arn:{}:iam::{}:root", ctx.partition, ctx.account);
    let mut attrs = serde_json::Map::new();
    // Root MFA and keys.
    match iam.get_account_summary().send().await {
        Ok(out) => {
            let map = out.summary_map();
            let get = |k: SummaryKeyType| map.and_then(|m| m.get(&k)).copied();
            match (
                get(SummaryKeyType::AccountMfaEnabled),
                get(SummaryKeyType::AccountAccessKeysPresent),
            ) {
                (Some(mfa), Some(keys)) => {
                    attrs.insert("root_mfa_enabled".into(), json!(mfa == 1));
                    attrs.insert("root_access_keys_present".into(), json!(keys == 1));
                }
                _ => ctx.sink.error(unknown_shape(
                    Scope::attrs(
                        ACCOUNT,
                        G,
                        &id,
                        &["root_mfa_enabled", "root_access_keys_present"],
                    ),
                    "iam:GetAccountSummary",
                    "the summary map lacks AccountMFAEnabled or AccountAccessKeysPresent",
                )),
            }
        }
        Err(e) => ctx.failed(
            Scope::attrs(
                ACCOUNT,
                G,
                &id,
                &[
                    "root_mfa_enabled",
                    "root_access_keys_present",
                    "root_hardware_mfa",
                ],
            ),
            "iam",
            "GetAccountSummary",
            &e,
        ),
    }
    // Hardware MFA: the root user's MFA is virtual when a virtual device is assigned to it.
    if attrs.get("root_mfa_enabled").is_some() {
        match iam
            .list_virtual_mfa_devices()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(devices) => {
                let root_virtual = devices.iter().any(|d| {
                    d.serial_number().ends_with(":mfa/root-account-mfa-device")
                        || d.user().is_some_and(|u| u.arn().ends_with(":root"))
                });
                let mfa = attrs["root_mfa_enabled"].as_bool().unwrap_or(false);
                attrs.insert("root_hardware_mfa".into(), json!(mfa && !root_virtual));
            }
            Err(e) => ctx.failed(
                Scope::attrs(ACCOUNT, G, &id, &["root_hardware_mfa"]),
                "iam",
                "ListVirtualMFADevices",
                &e,
            ),
        }
    }
    // Root usage, from the credential report.
    match credential_report_rows(iam).await {
        Ok(rows) => match credential_report::root(&rows) {
            Some(root) => {
                attrs.insert(
                    "root_last_used_days".into(),
                    json!(credential_report::root_last_used_days(root, ctx.now)),
                );
            }
            None => ctx.sink.error(unknown_shape(
                Scope::attrs(ACCOUNT, G, &id, &["root_last_used_days"]),
                "iam:GetCredentialReport",
                "the credential report has no <root_account> row",
            )),
        },
        Err(e) => ctx
            .sink
            .error(e(Scope::attrs(ACCOUNT, G, &id, &["root_last_used_days"]))),
    }
    // Support role (CIS 1.17).
    let support = format!("arn:{}:iam::aws:policy/AWSSupportAccess", ctx.partition);
    match iam
        .list_entities_for_policy()
        .policy_arn(&support)
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(pages) => {
            attrs.insert(
                "support_role_attached".into(),
                json!(pages.iter().any(|p| !p.policy_roles().is_empty())),
            );
        }
        Err(e) => ctx.failed(
            Scope::attrs(ACCOUNT, G, &id, &["support_role_attached"]),
            "iam",
            "ListEntitiesForPolicy",
            &e,
        ),
    }
    // Expired server certificates (CIS 1.19).
    match iam
        .list_server_certificates()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(certs) => {
            let now = ctx.now.timestamp();
            let expired: Vec<&str> = certs
                .iter()
                .filter(|c| c.expiration().is_some_and(|t| t.secs() < now))
                .map(|c| c.server_certificate_name())
                .collect();
            attrs.insert("expired_server_certificates".into(), json!(expired));
        }
        Err(e) => ctx.failed(
            Scope::attrs(ACCOUNT, G, &id, &["expired_server_certificates"]),
            "iam",
            "ListServerCertificates",
            &e,
        ),
    }
    ctx.resource(
        ACCOUNT,
        id,
        "global",
        ctx.account.clone(),
        serde_json::Value::Object(attrs),
    );
}

type ScopedError = Box<dyn FnOnce(Scope<'_>) -> settei_model::CollectionError + Send>;

/// Requests for a fresh credential report before giving up (about 24 s).
const REPORT_ATTEMPTS: u64 = 15;

/// Asks IAM for a fresh credential report and reads it.
async fn credential_report_rows(iam: &Client) -> Result<Vec<credential_report::Row>, ScopedError> {
    // IAM builds the report asynchronously; a report that is not COMPLETE
    // within the bound is an error, never an older report read silently.
    let mut complete = false;
    for attempt in 0..REPORT_ATTEMPTS {
        match iam.generate_credential_report().send().await {
            Ok(out) if out.state() == Some(&ReportStateType::Complete) => {
                complete = true;
                break;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await,
            Err(e) => {
                return Err(Box::new(move |s| {
                    failure(s, "iam", "GenerateCredentialReport", &e)
                }))
            }
        }
    }
    if !complete {
        return Err(Box::new(|s| {
            s.error(
                settei_model::ErrorCause::Timeout,
                "iam:GenerateCredentialReport",
                format!("the credential report was not COMPLETE after {REPORT_ATTEMPTS} requests"),
            )
        }));
    }
    let out = match iam.get_credential_report().send().await {
        Ok(o) => o,
        Err(e) => {
            return Err(Box::new(move |s| {
                failure(s, "iam", "GetCredentialReport", &e)
            }))
        }
    };
    let bytes = out
        .content()
        .map(|b| b.as_ref().to_vec())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    credential_report::parse(&text).map_err(|m| -> ScopedError {
        Box::new(move |s| unknown_shape(s, "iam:GetCredentialReport", m))
    })
}

async fn password_policy(ctx: &Ctx, iam: &Client) {
    ctx.sink.attempted(PASSWORD_POLICY);
    let id = format!("arn:{}:iam::{}:password-policy", ctx.partition, ctx.account);
    let attrs = match iam.get_account_password_policy().send().await {
        Ok(out) => match out.password_policy() {
            Some(p) => json!({
                "exists": true,
                "minimum_length": p.minimum_password_length(),
                "reuse_prevention": p.password_reuse_prevention(),
                "max_age_days": p.max_password_age(),
                "require_symbols": p.require_symbols(),
                "require_numbers": p.require_numbers(),
                "require_uppercase": p.require_uppercase_characters(),
                "require_lowercase": p.require_lowercase_characters(),
            }),
            None => {
                json!({ "exists": false, "minimum_length": null, "reuse_prevention": null, "max_age_days": null,
                            "require_symbols": false, "require_numbers": false, "require_uppercase": false, "require_lowercase": false })
            }
        },
        Err(e) if code(&e) == Some("NoSuchEntity") => json!({
            "exists": false, "minimum_length": null, "reuse_prevention": null, "max_age_days": null,
            "require_symbols": false, "require_numbers": false, "require_uppercase": false, "require_lowercase": false
        }),
        Err(e) => {
            ctx.failed(
                Scope::kind(PASSWORD_POLICY, G),
                "iam",
                "GetAccountPasswordPolicy",
                &e,
            );
            return;
        }
    };
    ctx.resource(
        PASSWORD_POLICY,
        id,
        "global",
        "password-policy".into(),
        attrs,
    );
}

async fn users(ctx: &Ctx, iam: &Client) {
    ctx.sink.attempted(USER);
    let users = match iam
        .list_users()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(u) => u,
        Err(e) => return ctx.failed(Scope::kind(USER, G), "iam", "ListUsers", &e),
    };
    settei_provider::bounded(users, ctx.opts.call_concurrency, |u| async move {
        let name = u.user_name().to_string();
        let arn = u.arn().to_string();
        let mut attrs = serde_json::Map::new();
        // A user-level read failed: the same error, on this user's attributes.
        let lost = |attrs_lost: &[&str], err: settei_model::CollectionError| {
            ctx.sink.error(err.for_attributes(&arn, attrs_lost));
        };
        match iam.get_login_profile().user_name(&name).send().await {
            Ok(out) => {
                attrs.insert("console_access".into(), json!(true));
                attrs.insert(
                    "password_age_days".into(),
                    json!(out
                        .login_profile()
                        .and_then(|p| ctx.days_since(Some(p.create_date())))),
                );
            }
            Err(e) if code(&e) == Some("NoSuchEntity") => {
                attrs.insert("console_access".into(), json!(false));
                attrs.insert("password_age_days".into(), json!(null));
            }
            Err(e) => lost(
                &["console_access", "password_age_days"],
                failure(Scope::kind(USER, G), "iam", "GetLoginProfile", &e),
            ),
        }
        attrs.insert(
            "password_last_used_days".into(),
            json!(ctx.days_since(u.password_last_used())),
        );
        match iam
            .list_mfa_devices()
            .user_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(devices) => {
                attrs.insert("mfa_active".into(), json!(!devices.is_empty()));
            }
            Err(e) => lost(
                &["mfa_active"],
                failure(Scope::kind(USER, G), "iam", "ListMFADevices", &e),
            ),
        }
        match iam
            .list_access_keys()
            .user_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(metadata) => {
                let mut keys = Vec::new();
                let mut failed = None;
                for k in &metadata {
                    // A key without a status is unknown, not inactive.
                    let Some(status) = k.status() else {
                        failed = Some(unknown_shape(
                            Scope::kind(USER, G),
                            "iam:ListAccessKeys",
                            "an access key without Status",
                        ));
                        break;
                    };
                    let key_id = k.access_key_id().unwrap_or_default().to_string();
                    let last_used = match iam
                        .get_access_key_last_used()
                        .access_key_id(&key_id)
                        .send()
                        .await
                    {
                        Ok(o) => o
                            .access_key_last_used()
                            .and_then(|l| ctx.days_since(l.last_used_date())),
                        Err(e) => {
                            failed = Some(failure(
                                Scope::kind(USER, G),
                                "iam",
                                "GetAccessKeyLastUsed",
                                &e,
                            ));
                            None
                        }
                    };
                    keys.push(json!({
                        "id": key_id,
                        "active": *status == StatusType::Active,
                        "age_days": ctx.days_since(k.create_date()),
                        "last_used_days": last_used,
                    }));
                }
                match failed {
                    Some(err) => lost(&["access_keys"], err),
                    None => {
                        attrs.insert("access_keys".into(), json!(keys));
                    }
                }
            }
            Err(e) => lost(
                &["access_keys"],
                failure(Scope::kind(USER, G), "iam", "ListAccessKeys", &e),
            ),
        }
        match iam
            .list_attached_user_policies()
            .user_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(attached) => {
                let arns: Vec<&str> = attached.iter().filter_map(|p| p.policy_arn()).collect();
                attrs.insert("attached_policies".into(), json!(arns));
            }
            Err(e) => lost(
                &["attached_policies"],
                failure(Scope::kind(USER, G), "iam", "ListAttachedUserPolicies", &e),
            ),
        }
        match iam
            .list_user_policies()
            .user_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(names) => {
                attrs.insert("inline_policies".into(), json!(names));
            }
            Err(e) => lost(
                &["inline_policies"],
                failure(Scope::kind(USER, G), "iam", "ListUserPolicies", &e),
            ),
        }
        match iam
            .list_groups_for_user()
            .user_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(groups) => {
                let groups: Vec<&str> = groups.iter().map(|g| g.group_name()).collect();
                attrs.insert("groups".into(), json!(groups));
            }
            Err(e) => lost(
                &["groups"],
                failure(Scope::kind(USER, G), "iam", "ListGroupsForUser", &e),
            ),
        }
        ctx.resource(
            USER,
            arn.clone(),
            "global",
            name,
            serde_json::Value::Object(attrs),
        );
    })
    .await;
}

async fn policies(ctx: &Ctx, iam: &Client) {
    ctx.sink.attempted(POLICY);
    // Every customer-managed policy, and the AWS-managed ones that are
    // attached (CIS 1.16 audits every attached policy, AdministratorAccess
    // included; unattached AWS-managed policies grant nothing).
    let mut list = Vec::new();
    for (scope, only_attached) in [
        (PolicyScopeType::Local, false),
        (PolicyScopeType::Aws, true),
    ] {
        match iam
            .list_policies()
            .scope(scope)
            .only_attached(only_attached)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(p) => list.extend(p),
            Err(e) => return ctx.failed(Scope::kind(POLICY, G), "iam", "ListPolicies", &e),
        }
    }
    settei_provider::bounded(list, ctx.opts.call_concurrency, |p| async move {
        let arn = p.arn().unwrap_or_default().to_string();
        let name = p.policy_name().unwrap_or_default().to_string();
        let mut attrs = json!({
            "aws_managed": arn.starts_with(&format!("arn:{}:iam::aws:policy/", ctx.partition)),
        });
        match p.attachment_count() {
            Some(count) => {
                attrs["attached"] = json!(count > 0);
                attrs["attachment_count"] = json!(count);
            }
            None => ctx.sink.error(unknown_shape(
                Scope::attrs(POLICY, G, &arn, &["attached", "attachment_count"]),
                "iam:ListPolicies",
                "the policy has no AttachmentCount",
            )),
        }
        let doc_attrs: &[&str] = &["allows_full_admin", "privilege_escalation_actions"];
        let Some(version) = p.default_version_id() else {
            ctx.sink.error(unknown_shape(
                Scope::attrs(POLICY, G, &arn, doc_attrs),
                "iam:ListPolicies",
                "the policy has no DefaultVersionId",
            ));
            return ctx.resource(POLICY, arn, "global", name, attrs);
        };
        match iam
            .get_policy_version()
            .policy_arn(&arn)
            .version_id(version)
            .send()
            .await
        {
            Ok(out) => match out
                .policy_version()
                .and_then(|v| v.document())
                .and_then(policy::parse_document)
            {
                Some(doc) => {
                    attrs["allows_full_admin"] = json!(policy::allows_full_admin(&doc));
                    attrs["privilege_escalation_actions"] =
                        json!(policy::privilege_escalation_actions(&doc));
                }
                None => ctx.sink.error(unknown_shape(
                    Scope::attrs(POLICY, G, &arn, doc_attrs),
                    "iam:GetPolicyVersion",
                    "the policy document is missing or not JSON",
                )),
            },
            Err(e) => ctx.failed(
                Scope::attrs(POLICY, G, &arn, doc_attrs),
                "iam",
                "GetPolicyVersion",
                &e,
            ),
        }
        ctx.resource(POLICY, arn, "global", name, attrs);
    })
    .await;
}

async fn roles(ctx: &Ctx, iam: &Client) {
    ctx.sink.attempted(ROLE);
    let list = match iam
        .list_roles()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(r) => r,
        Err(e) => return ctx.failed(Scope::kind(ROLE, G), "iam", "ListRoles", &e),
    };
    settei_provider::bounded(list, ctx.opts.call_concurrency, |r| async move {
        let arn = r.arn().to_string();
        let mut attrs = json!({ "path": r.path() });
        let trust_attrs: &[&str] = &[
            "trust_wildcard_principal",
            "trusted_external_accounts",
            "external_id_required",
        ];
        match r
            .assume_role_policy_document()
            .and_then(policy::parse_document)
        {
            Some(doc) => {
                let t = policy::trust(&doc, &ctx.account);
                attrs["trust_wildcard_principal"] = json!(t.wildcard_principal);
                attrs["trusted_external_accounts"] = json!(t.external_accounts);
                attrs["external_id_required"] = json!(t.external_id_required);
            }
            None => ctx.sink.error(unknown_shape(
                Scope::attrs(ROLE, G, &arn, trust_attrs),
                "iam:ListRoles",
                "the trust policy is missing or not JSON",
            )),
        }
        match iam
            .list_attached_role_policies()
            .role_name(r.role_name())
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
        {
            Ok(attached) => {
                let arns: Vec<&str> = attached.iter().filter_map(|p| p.policy_arn()).collect();
                attrs["attached_policies"] = json!(arns);
            }
            Err(e) => ctx.failed(
                Scope::attrs(ROLE, G, &arn, &["attached_policies"]),
                "iam",
                "ListAttachedRolePolicies",
                &e,
            ),
        }
        ctx.resource(ROLE, arn, "global", r.role_name().to_string(), attrs);
    })
    .await;
}

/// The account's alternate security contact (CIS 1.2).
pub async fn collect_account_contact(ctx: &Ctx) {
    use aws_sdk_account::types::AlternateContactType;
    ctx.sink.attempted(CONTACT);
    let client = aws_sdk_account::Client::from_conf(
        aws_sdk_account::config::Builder::from(&ctx.sdk)
            .interceptor(ReadOnlyGuard)
            .build(),
    );
    let id = format!(
        "arn:{}:account::{}:alternate-contact/security",
        ctx.partition, ctx.account
    );
    let registered = match client
        .get_alternate_contact()
        .alternate_contact_type(AlternateContactType::Security)
        .send()
        .await
    {
        Ok(out) => out.alternate_contact().is_some(),
        Err(e) if code(&e) == Some("ResourceNotFoundException") => false,
        Err(e) => {
            return ctx.failed(
                Scope::kind(CONTACT, G),
                "account",
                "GetAlternateContact",
                &e,
            )
        }
    };
    ctx.resource(
        CONTACT,
        id,
        "global",
        "security-contact".into(),
        json!({ "security_contact_registered": registered }),
    );
    ctx.progress.advance("account");
}
