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

/// Whether an Allow statement covers `action`: through `Action` patterns,
/// or through `NotAction` (everything the patterns do not name).
fn allows_action(st: &Value, action: &str) -> bool {
    match st.get("NotAction") {
        Some(not) => !strings(Some(not)).iter().any(|p| wildcard_match(p, action)),
        None => strings(st.get("Action"))
            .iter()
            .any(|p| wildcard_match(p, action)),
    }
}

/// Whether a statement applies to every resource: `Resource: "*"`, or a
/// `NotResource` (everything but the resources it names, which for an
/// administrator grant is as good as all).
fn all_resources(st: &Value) -> bool {
    st.get("NotResource").is_some() || strings(st.get("Resource")).contains(&"*")
}

/// Whether some Allow statement grants every action on every resource
/// (CIS 1.16's `"Action": "*", "Resource": "*"`), also written with
/// `NotAction` (all actions but a few) or `NotResource`.
pub fn allows_full_admin(doc: &Value) -> bool {
    statements(doc).into_iter().any(|st| {
        effect_is(st, "Allow")
            && all_resources(st)
            && match st.get("NotAction") {
                Some(_) => true,
                None => strings(st.get("Action")).contains(&"*"),
            }
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

/// The privilege-escalation actions some Allow statement grants (through
/// `Action` patterns or `NotAction`).
pub fn privilege_escalation_actions(doc: &Value) -> Vec<String> {
    let allows: Vec<&Value> = statements(doc)
        .into_iter()
        .filter(|st| effect_is(st, "Allow"))
        .collect();
    ESCALATION_ACTIONS
        .iter()
        .filter(|a| allows.iter().any(|st| allows_action(st, a)))
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

/// Whether `value` pins a condition key to callers narrower than "anyone".
///
/// Only keys that identify the caller (or where its request comes from)
/// count, and only with values that name a specific account, organization,
/// principal, network or address range: `aws:PrincipalArn` =
/// `arn:aws:iam::*:role/x` names a role in every account and does not count,
/// `aws:SourceIp` = `::/0` is every address, `aws:username` is unique only
/// within one account. Unknown keys do not count.
fn pins_caller(key: &str, value: &str) -> bool {
    let exact = !value.is_empty() && !value.contains(['*', '?']);
    match key.to_ascii_lowercase().as_str() {
        "aws:principalaccount"
        | "aws:sourceaccount"
        | "aws:sourceowner"
        | "kms:calleraccount"
        | "aws:resourceaccount" => is_account_id(value),
        "aws:principalorgid" | "aws:sourceorgid" => exact && value.starts_with("o-"),
        "aws:principalorgpaths" | "aws:sourceorgpaths" => value
            .split('/')
            .next()
            .is_some_and(|org| org.starts_with("o-") && !org.contains(['*', '?'])),
        "aws:principalarn" | "aws:sourcearn" => match arn_account(value) {
            // An ARN with an account: that account must be exact.
            Some(account) if !account.is_empty() => is_account_id(account),
            // No account part (an S3 bucket ARN): the whole ARN must be exact.
            Some(_) => exact,
            None => false,
        },
        "aws:sourcevpc" => exact && value.starts_with("vpc-"),
        "aws:sourcevpce" => exact && value.starts_with("vpce-"),
        "aws:userid" => exact,
        "aws:sourceip" => !value.is_empty() && !is_all_addresses(value),
        _ => false,
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account part of an ARN (`arn:partition:service:region:account:...`).
fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    (parts.next()? == "arn").then_some(())?;
    parts.nth(3)
}

/// Whether a CIDR (or address) covers every address of its family: a
/// prefix length of 0, however the address is written.
fn is_all_addresses(cidr: &str) -> bool {
    cidr.contains(['*', '?'])
        || cidr
            .rsplit_once('/')
            .is_some_and(|(_, len)| len.trim().parse::<u8>() == Ok(0))
}

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
/// than "anyone": a caller key, under a narrowing operator, every value of
/// which pins the caller (see [`pins_caller`]).
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
            !values.is_empty() && values.iter().all(|v| pins_caller(key, v))
        })
}

/// Whether a statement's principal is anyone: `"*"`, `{"AWS": "*"}`, or a
/// `NotPrincipal` (everyone but the principals it names).
fn anyone(st: &Value) -> bool {
    st.get("NotPrincipal").is_some() || principals(st).contains(&"*")
}

/// Whether some Allow statement grants anyone (`"*"`, or `NotPrincipal`)
/// access without a condition that narrows the caller.
pub fn allows_public_principal(doc: &Value) -> bool {
    statements(doc)
        .into_iter()
        .any(|st| effect_is(st, "Allow") && anyone(st) && !restricts_caller(st))
}

/// Whether a `Resource` pattern covers `arn` and, when `objects`, every
/// key below it (`arn/` followed by anything). A pattern that cannot be
/// shown to cover them does not: `b/public/*` leaves other objects out.
fn covers(pattern: &str, arn: &str, objects: bool) -> bool {
    if !objects {
        return wildcard_match(pattern, arn);
    }
    let prefix = format!("{arn}/");
    // `Q*` covers `prefix + anything` when `Q` matches a prefix of `prefix`.
    pattern.strip_suffix('*').is_some_and(|q| {
        (0..=prefix.len()).any(|k| prefix.is_char_boundary(k) && wildcard_match(q, &prefix[..k]))
    })
}

/// Whether some Deny statement refuses requests to `bucket_arn` and all of
/// its objects that are not sent over TLS
/// (`"Bool": {"aws:SecureTransport": "false"}`).
///
/// The statement must apply to everyone, to object reads and writes at
/// least, to the bucket and every object in it, and carry no other
/// condition (which would narrow the deny to some requests only).
pub fn denies_insecure_transport(doc: &Value, bucket_arn: &str) -> bool {
    statements(doc).into_iter().any(|st| {
        let resources = strings(st.get("Resource"));
        effect_is(st, "Deny")
            && principals(st).contains(&"*")
            && st.get("NotAction").is_none()
            && st.get("NotPrincipal").is_none()
            && st.get("NotResource").is_none()
            && strings(st.get("Action"))
                .iter()
                .any(|a| wildcard_match(a, "s3:GetObject") && wildcard_match(a, "s3:PutObject"))
            && resources.iter().any(|r| covers(r, bucket_arn, false))
            && resources.iter().any(|r| covers(r, bucket_arn, true))
            && only_insecure_transport_condition(st)
    })
}

/// A Condition that is exactly `Bool: {aws:SecureTransport: false}`.
fn only_insecure_transport_condition(st: &Value) -> bool {
    let Some(cond) = st.get("Condition").and_then(Value::as_object) else {
        return false;
    };
    let [(op, keys)] = cond.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    let Some(keys) = keys.as_object().filter(|_| op == "Bool") else {
        return false;
    };
    let [(key, v)] = keys.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    key.eq_ignore_ascii_case("aws:SecureTransport")
        && !as_list(Some(v)).is_empty()
        && as_list(Some(v))
            .iter()
            .all(|x| x.as_str() == Some("false") || x.as_bool() == Some(false))
}

/// What a role's trust policy lets outsiders do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Trust {
    pub wildcard_principal: bool,
    pub external_accounts: Vec<String>,
    pub external_id_required: bool,
}

fn account_of(principal: &str) -> Option<String> {
    if is_account_id(principal) {
        return Some(principal.to_string());
    }
    arn_account(principal)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
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
                if let Some(a) = acct.filter(|a| is_account_id(a)) {
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
            // `NotPrincipal` with Allow trusts everyone it does not name.
            _ if st.get("NotPrincipal").is_some() => vec!["*"],
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

    const B: &str = "arn:aws:s3:::acme-logs";

    /// One statement with `Principal: "*"` and `cond` as its Condition.
    fn public_with(cond: Value) -> Value {
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                              "Resource": "arn:aws:s3:::acme-logs/*", "Condition": cond}]})
    }

    /// Conditions from the IAM User Guide's global condition key examples
    /// and resource-policy examples, each with whether it keeps the
    /// anonymous principal from being "anyone".
    #[test]
    fn which_conditions_pin_the_caller() {
        let cases: &[(Value, bool, &str)] = &[
            (
                json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
                true,
                "organization",
            ),
            (
                json!({"StringEquals": {"aws:PrincipalOrgID": "o-*"}}),
                false,
                "every organization",
            ),
            (
                json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]}}),
                true,
                "organization path",
            ),
            (
                json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-*/*"]}}),
                false,
                "any organization's path",
            ),
            (
                json!({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}),
                true,
                "account",
            ),
            (
                json!({"StringLike": {"aws:PrincipalAccount": "1111*"}}),
                false,
                "account prefix",
            ),
            (
                json!({"StringEquals": {"aws:SourceAccount": "111122223333"}}),
                true,
                "source account",
            ),
            (
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/*"}}),
                true,
                "source ARN with account",
            ),
            (
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}}),
                false,
                "source ARN in any account",
            ),
            (
                json!({"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::acme-source"}}),
                true,
                "exact bucket ARN",
            ),
            (
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}),
                false,
                "any bucket",
            ),
            (
                json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Admin*"}}),
                true,
                "roles of one account",
            ),
            (
                json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}),
                false,
                "role x in every account",
            ),
            (
                json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
                true,
                "VPC endpoint",
            ),
            (
                json!({"StringLike": {"aws:SourceVpce": "vpce-*"}}),
                false,
                "any VPC endpoint",
            ),
            (
                json!({"StringEquals": {"aws:SourceVpc": "vpc-111bbb22"}}),
                true,
                "VPC",
            ),
            (
                json!({"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}),
                true,
                "address ranges",
            ),
            (
                json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
                false,
                "every IPv4 address",
            ),
            (
                json!({"IpAddress": {"aws:SourceIp": "::/0"}}),
                false,
                "every IPv6 address",
            ),
            (
                json!({"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "::/0"]}}),
                false,
                "one range is everything",
            ),
            (
                json!({"IpAddress": {"aws:SourceIp": "10.1.2.3/0"}}),
                false,
                "prefix length 0",
            ),
            (
                json!({"StringEquals": {"aws:username": "johndoe"}}),
                false,
                "user name: every account has one",
            ),
            (
                json!({"StringEquals": {"aws:userid": "AIDAJQABLZS4A3QDU576Q"}}),
                true,
                "unique user id",
            ),
            (
                json!({"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}),
                false,
                "negated",
            ),
            (
                json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
                false,
                "IfExists",
            ),
            (
                json!({"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": "o-a/r-b/"}}),
                false,
                "ForAllValues",
            ),
            (
                json!({"Bool": {"aws:SecureTransport": "true"}}),
                false,
                "not about the caller",
            ),
            (
                json!({"StringEquals": {"s3:prefix": "home/"}}),
                false,
                "a resource key",
            ),
            (
                json!({"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "s3.us-east-1.amazonaws.com"}}),
                true,
                "KMS caller account",
            ),
        ];
        let mut wrong = Vec::new();
        for (cond, pinned, what) in cases {
            if allows_public_principal(&public_with(cond.clone())) == *pinned {
                wrong.push(format!("{what}: {cond}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "misjudged conditions:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn not_principal_not_action_and_not_resource_are_read() {
        // Allow + NotPrincipal: everyone but the named principals.
        let doc = json!({"Statement": [{"Effect": "Allow",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/Bob"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-logs/*"}]});
        assert!(allows_public_principal(&doc));
        assert!(trust(&doc, "111122223333").wildcard_principal);
        // Allow + NotAction on every resource: all but a few actions.
        let doc = json!({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}});
        assert!(allows_full_admin(&doc));
        let doc = json!({"Statement": {"Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"}});
        assert_eq!(
            privilege_escalation_actions(&doc).len(),
            ESCALATION_ACTIONS.len()
        );
        let doc = json!({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}});
        assert_eq!(
            privilege_escalation_actions(&doc),
            vec!["lambda:UpdateFunctionCode"]
        );
        // Allow * + NotResource: everything but some resources.
        let doc = json!({"Statement": {"Effect": "Allow", "Action": "*",
            "NotResource": "arn:aws:s3:::acme-audit/*"}});
        assert!(allows_full_admin(&doc));
    }

    #[test]
    fn tls_deny_must_cover_the_bucket_and_every_object() {
        let deny = |resource: Value, cond: Value| {
            json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": resource, "Condition": cond}]})
        };
        let insecure = json!({"Bool": {"aws:SecureTransport": "false"}});
        let both = json!(["arn:aws:s3:::acme-logs", "arn:aws:s3:::acme-logs/*"]);
        assert!(denies_insecure_transport(
            &deny(both.clone(), insecure.clone()),
            B
        ));
        assert!(denies_insecure_transport(
            &deny(json!("arn:aws:s3:::acme-*"), insecure.clone()),
            B
        ));
        // The objects only, the bucket only, one prefix, another bucket.
        for partial in [
            json!("arn:aws:s3:::acme-logs/*"),
            json!("arn:aws:s3:::acme-logs"),
            json!(["arn:aws:s3:::acme-logs", "arn:aws:s3:::acme-logs/public/*"]),
            json!(["arn:aws:s3:::other", "arn:aws:s3:::other/*"]),
            json!(["arn:aws:s3:::acme-logs", "arn:aws:s3:::acme-logs/?"]),
        ] {
            assert!(
                !denies_insecure_transport(&deny(partial.clone(), insecure.clone()), B),
                "{partial}"
            );
        }
        // A further condition narrows the deny to some requests.
        let narrowed = json!({"Bool": {"aws:SecureTransport": "false"},
                              "StringEquals": {"aws:PrincipalAccount": "444455556666"}});
        assert!(!denies_insecure_transport(&deny(both, narrowed), B));
    }

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
        assert!(denies_insecure_transport(&tls, B));
        assert!(!denies_insecure_transport(&public, B));
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
        assert!(denies_insecure_transport(&deny(json!("*"), "s3:*"), B));
        assert!(denies_insecure_transport(
            &deny(json!({"AWS": "*"}), "*"),
            B
        ));
        assert!(!denies_insecure_transport(
            &deny(json!("*"), "s3:DeleteBucket"),
            B
        ));
        assert!(!denies_insecure_transport(
            &deny(json!({"AWS": "arn:aws:iam::111122223333:user/a"}), "s3:*"),
            B
        ));
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
