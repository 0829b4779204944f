//! Reading IAM-style policy documents (identity, bucket, key and trust
//! policies). Pure functions over JSON, tested on their own.

use serde_json::Value;

/// Parses a policy document; IAM returns them URL-encoded.
pub fn parse_document(raw: &str) -> Option<Value> {
    let text = if raw.trim_start().starts_with('%') {
        percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .ok()?
            .into_owned()
    } else {
        raw.to_string()
    };
    serde_json::from_str(&text).ok()
}

fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
        None => vec![],
    }
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    as_list(v).into_iter().filter_map(Value::as_str).collect()
}

fn statements(doc: &Value) -> Vec<&Value> {
    as_list(doc.get("Statement"))
}

fn effect_is(st: &Value, effect: &str) -> bool {
    st.get("Effect").and_then(Value::as_str) == Some(effect)
}

/// Case-insensitive IAM wildcard match (`*` and `?`).
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// Whether some Allow statement grants every action on every resource.
pub fn allows_full_admin(doc: &Value) -> bool {
    statements(doc).into_iter().any(|st| {
        effect_is(st, "Allow")
            && st.get("NotAction").is_none()
            && strings(st.get("Action")).contains(&"*")
            && strings(st.get("Resource")).contains(&"*")
    })
}

/// Actions that let a principal raise its own privileges.
pub const ESCALATION_ACTIONS: &[&str] = &[
    "iam:AddUserToGroup",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreatePolicyVersion",
    "iam:PassRole",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateLoginProfile",
    "lambda:UpdateFunctionCode",
];

/// The privilege-escalation actions some Allow statement grants.
pub fn privilege_escalation_actions(doc: &Value) -> Vec<String> {
    let allowed: Vec<&str> = statements(doc)
        .into_iter()
        .filter(|st| effect_is(st, "Allow") && st.get("NotAction").is_none())
        .flat_map(|st| strings(st.get("Action")))
        .collect();
    ESCALATION_ACTIONS
        .iter()
        .filter(|a| allowed.iter().any(|p| wildcard_match(p, a)))
        .map(|a| a.to_string())
        .collect()
}

fn principals(st: &Value) -> Vec<&str> {
    match st.get("Principal") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Object(m)) => m.values().flat_map(|v| strings(Some(v))).collect(),
        _ => vec![],
    }
}

/// Condition keys that pin down who can make the request (or from where).
const CALLER_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:userid",
    "aws:username",
    "kms:calleraccount",
];

/// Operators that narrow a caller key to the listed values. Negated
/// operators ("everyone except"), `...IfExists` (true when the key is absent)
/// and `ForAllValues:` (true for an empty set) do not.
fn narrowing_operator(op: &str) -> bool {
    let op = op.strip_prefix("ForAnyValue:").unwrap_or(op);
    matches!(
        op,
        "StringEquals"
            | "StringEqualsIgnoreCase"
            | "StringLike"
            | "ArnEquals"
            | "ArnLike"
            | "IpAddress"
    )
}

/// Whether a statement's Condition restricts the caller to something narrower
/// than "anyone": a caller key, under a narrowing operator, with no value that
/// is itself a bare wildcard.
fn restricts_caller(st: &Value) -> bool {
    let Some(cond) = st.get("Condition").and_then(Value::as_object) else {
        return false;
    };
    cond.iter()
        .filter(|(op, _)| narrowing_operator(op))
        .filter_map(|(_, keys)| keys.as_object())
        .flat_map(|keys| keys.iter())
        .any(|(key, values)| {
            let values = strings(Some(values));
            CALLER_KEYS.contains(&key.to_ascii_lowercase().as_str())
                && !values.is_empty()
                && values
                    .iter()
                    .all(|v| !v.chars().all(|c| c == '*' || c == '?') && *v != "0.0.0.0/0")
        })
}

/// Whether some Allow statement grants anyone (`"*"`) access without a
/// condition that narrows the caller.
pub fn allows_public_principal(doc: &Value) -> bool {
    statements(doc)
        .into_iter()
        .any(|st| effect_is(st, "Allow") && principals(st).contains(&"*") && !restricts_caller(st))
}

/// Whether some Deny statement refuses requests not sent over TLS
/// (`"Bool": {"aws:SecureTransport": "false"}`).
///
/// The statement must apply to everyone and to object reads at least;
/// a Deny scoped to one principal or action does not enforce TLS.
pub fn denies_insecure_transport(doc: &Value) -> bool {
    statements(doc).into_iter().any(|st| {
        effect_is(st, "Deny")
            && principals(st).contains(&"*")
            && st.get("NotAction").is_none()
            && st.get("NotPrincipal").is_none()
            && strings(st.get("Action"))
                .iter()
                .any(|a| wildcard_match(a, "s3:GetObject") && wildcard_match(a, "s3:PutObject"))
            && st
                .get("Condition")
                .and_then(|c| c.get("Bool"))
                .and_then(|b| b.as_object())
                .and_then(|b| {
                    b.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("aws:SecureTransport"))
                        .map(|(_, v)| v)
                })
                .is_some_and(|v| {
                    as_list(Some(v))
                        .iter()
                        .any(|x| x.as_str() == Some("false") || x.as_bool() == Some(false))
                })
    })
}

/// What a role's trust policy lets outsiders do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Trust {
    pub wildcard_principal: bool,
    pub external_accounts: Vec<String>,
    pub external_id_required: bool,
}

fn account_of(principal: &str) -> Option<String> {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return Some(principal.to_string());
    }
    let rest = principal.strip_prefix("arn:")?;
    let account = rest.split(':').nth(3)?;
    (!account.is_empty()).then(|| account.to_string())
}

/// Accounts a statement's Condition narrows the caller to
/// (`aws:PrincipalAccount`, `aws:SourceAccount`, `kms:CallerAccount`, and
/// the account in `aws:PrincipalArn`/`aws:SourceArn`) under a narrowing
/// operator.
fn condition_accounts(st: &Value) -> Vec<String> {
    let Some(cond) = st.get("Condition").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, keys) in cond.iter().filter(|(op, _)| narrowing_operator(op)) {
        for (key, values) in keys.as_object().into_iter().flatten() {
            let key = key.to_ascii_lowercase();
            for v in strings(Some(values)) {
                let acct = match key.as_str() {
                    "aws:principalaccount"
                    | "aws:sourceaccount"
                    | "aws:sourceowner"
                    | "kms:calleraccount" => Some(v.to_string()),
                    "aws:principalarn" | "aws:sourcearn" => account_of(v),
                    _ => None,
                };
                if let Some(a) = acct.filter(|a| !a.is_empty() && !a.contains(['*', '?'])) {
                    out.push(a);
                }
            }
        }
    }
    out
}

/// What the policy grants to principals outside `own_account`: a wildcard
/// principal without a narrowing condition, the other accounts named as
/// principals or pinned by a condition, and whether every grant to another
/// account requires an exact external id.
pub fn trust(doc: &Value, own_account: &str) -> Trust {
    let mut t = Trust {
        external_id_required: true,
        ..Default::default()
    };
    let mut any_external = false;
    for st in statements(doc)
        .into_iter()
        .filter(|st| effect_is(st, "Allow"))
    {
        let aws: Vec<&str> = match st.get("Principal") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Object(m)) => strings(m.get("AWS")),
            _ => vec![],
        };
        // Only an exact match pins the external id; StringLike "*" does not.
        let has_external_id = st
            .get("Condition")
            .and_then(Value::as_object)
            .is_some_and(|c| {
                c.iter()
                    .filter(|(op, _)| {
                        matches!(op.as_str(), "StringEquals" | "StringEqualsIgnoreCase")
                    })
                    .filter_map(|(_, keys)| keys.as_object())
                    .flat_map(|keys| keys.iter())
                    .any(|(k, v)| {
                        k.eq_ignore_ascii_case("sts:ExternalId") && !strings(Some(v)).is_empty()
                    })
            });
        // The accounts this statement grants: named principals, and those a
        // condition narrows `*` to.
        let mut granted: Vec<String> = Vec::new();
        for p in aws {
            if p == "*" {
                if !restricts_caller(st) {
                    t.wildcard_principal = true;
                }
                granted.extend(condition_accounts(st));
            } else if let Some(acct) = account_of(p) {
                granted.push(acct);
            }
        }
        for acct in granted.into_iter().filter(|a| a != own_account) {
            any_external = true;
            if !has_external_id {
                t.external_id_required = false;
            }
            if !t.external_accounts.contains(&acct) {
                t.external_accounts.push(acct);
            }
        }
    }
    if !any_external {
        t.external_id_required = false;
    }
    t.external_accounts.sort();
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wildcard_principals_narrowed_to_other_accounts_count_as_external() {
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:CallerAccount": ["444455556666", "111122223333"]}}},
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Encrypt", "Resource": "*",
             "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::777788889999:role/*"}}}
        ]});
        let t = trust(&doc, "111122223333");
        assert!(!t.wildcard_principal);
        assert_eq!(t.external_accounts, ["444455556666", "777788889999"]);
    }

    #[test]
    fn decodes_url_encoded_documents() {
        let doc = parse_document("%7B%22Version%22%3A%222012-10-17%22%7D").unwrap();
        assert_eq!(doc["Version"], "2012-10-17");
        assert!(parse_document("not json").is_none());
    }

    #[test]
    fn full_admin_and_escalation() {
        let admin = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
        assert!(allows_full_admin(&admin));
        let scoped =
            json!({"Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]});
        assert!(!allows_full_admin(&scoped));
        let deny = json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]});
        assert!(!allows_full_admin(&deny));
        let esc = json!({"Statement": [{"Effect": "Allow", "Action": ["iam:Put*Policy", "iam:passrole"], "Resource": "*"}]});
        assert_eq!(
            privilege_escalation_actions(&esc),
            vec![
                "iam:PassRole",
                "iam:PutGroupPolicy",
                "iam:PutRolePolicy",
                "iam:PutUserPolicy"
            ]
        );
        assert_eq!(
            privilege_escalation_actions(&admin).len(),
            ESCALATION_ACTIONS.len()
        );
    }

    #[test]
    fn public_principals_and_tls() {
        let public = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]});
        assert!(allows_public_principal(&public));
        let conditioned = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]});
        assert!(!allows_public_principal(&conditioned));
        let tls = json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        assert!(denies_insecure_transport(&tls));
        assert!(!denies_insecure_transport(&public));
    }

    #[test]
    fn conditions_that_do_not_narrow_the_caller_stay_public() {
        let with = |cond: serde_json::Value| {
            json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                  "Resource": "*", "Condition": cond}]})
        };
        // Conditions unrelated to the caller.
        assert!(allows_public_principal(&with(
            json!({"Bool": {"aws:SecureTransport": "true"}})
        )));
        // Negated, IfExists and ForAllValues operators, and bare wildcards.
        assert!(allows_public_principal(&with(
            json!({"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}})
        )));
        assert!(allows_public_principal(&with(
            json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}})
        )));
        assert!(allows_public_principal(&with(
            json!({"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": "o-a/r-b/"}})
        )));
        assert!(allows_public_principal(&with(
            json!({"StringLike": {"aws:PrincipalArn": "*"}})
        )));
        assert!(allows_public_principal(&with(
            json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})
        )));
        // Real narrowing.
        assert!(!allows_public_principal(&with(
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})
        )));
        assert!(!allows_public_principal(&with(
            json!({"StringEquals": {"kms:CallerAccount": ["111122223333"]}})
        )));
    }

    #[test]
    fn tls_deny_must_cover_everyone_and_object_access() {
        let deny = |principal: serde_json::Value, action: &str| {
            json!({"Statement": [{"Effect": "Deny", "Principal": principal, "Action": action,
                "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": false}}}]})
        };
        assert!(denies_insecure_transport(&deny(json!("*"), "s3:*")));
        assert!(denies_insecure_transport(&deny(json!({"AWS": "*"}), "*")));
        assert!(!denies_insecure_transport(&deny(
            json!("*"),
            "s3:DeleteBucket"
        )));
        assert!(!denies_insecure_transport(&deny(
            json!({"AWS": "arn:aws:iam::111122223333:user/a"}),
            "s3:*"
        )));
    }

    #[test]
    fn external_id_must_be_an_exact_match() {
        let doc = |cond: serde_json::Value| {
            json!({"Statement": [{"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                "Action": "sts:AssumeRole", "Condition": cond}]})
        };
        assert!(
            trust(
                &doc(json!({"StringEquals": {"sts:ExternalId": "x"}})),
                "111122223333"
            )
            .external_id_required
        );
        assert!(
            !trust(
                &doc(json!({"StringLike": {"sts:ExternalId": "*"}})),
                "111122223333"
            )
            .external_id_required
        );
    }

    #[test]
    fn trust_policies() {
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "x"}}},
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}
        ]});
        let t = trust(&doc, "111122223333");
        assert_eq!(
            t,
            Trust {
                wildcard_principal: false,
                external_accounts: vec!["999988887777".into()],
                external_id_required: true
            }
        );
        let open = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]});
        assert!(trust(&open, "111122223333").wildcard_principal);
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("iam:*", "iam:PassRole"));
        assert!(wildcard_match("IAM:pass?ole", "iam:PassRole"));
        assert!(!wildcard_match("iam:Get*", "iam:PassRole"));
    }
}
