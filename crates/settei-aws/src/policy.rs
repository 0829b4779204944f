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

/// Whether some Allow statement grants anyone (`"*"`) access without a condition.
pub fn allows_public_principal(doc: &Value) -> bool {
    statements(doc).into_iter().any(|st| {
        effect_is(st, "Allow") && st.get("Condition").is_none() && principals(st).contains(&"*")
    })
}

/// Whether some Deny statement refuses requests not sent over TLS
/// (`"Bool": {"aws:SecureTransport": "false"}`).
pub fn denies_insecure_transport(doc: &Value) -> bool {
    statements(doc).into_iter().any(|st| {
        effect_is(st, "Deny")
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
        let has_external_id = st
            .get("Condition")
            .and_then(Value::as_object)
            .is_some_and(|c| c.values().any(|ops| ops.get("sts:ExternalId").is_some()));
        for p in aws {
            if p == "*" {
                if st.get("Condition").is_none() {
                    t.wildcard_principal = true;
                }
                continue;
            }
            if let Some(acct) = account_of(p) {
                if acct != own_account {
                    any_external = true;
                    if !has_external_id {
                        t.external_id_required = false;
                    }
                    if !t.external_accounts.contains(&acct) {
                        t.external_accounts.push(acct);
                    }
                }
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
