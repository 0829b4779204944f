//! Finding secrets in text the cloud hands back (EC2 user data, Lambda and
//! ECS environment variables) without ever keeping them.
//!
//! The results name *what kind* of secret sits *where* (a line number or a
//! variable name); the secret's value never leaves these functions, so it
//! cannot reach a snapshot, a report or a log.

/// Words that make a variable or key name look like it holds a secret.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "accesskey",
    "access_key",
    "private_key",
    "privatekey",
    "credential",
    "auth_key",
    "client_secret",
    "connection_string",
    "connectionstring",
];

/// Whether a name (environment variable, config key) suggests a secret.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // The shell's working directories, not passwords.
    if matches!(lower.as_str(), "pwd" | "oldpwd") {
        return false;
    }
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// A value that only points at a secret kept elsewhere (an ARN), or holds
/// nothing. Environment variable values are literal: `$X` or `changeme`
/// there is the password itself.
fn is_reference_or_empty(value: &str) -> bool {
    let v = value.trim();
    v.is_empty() || v.starts_with("arn:")
}

/// In a script, also a variable expansion, a template placeholder or a
/// boolean: the secret, if any, is elsewhere.
fn is_script_reference(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    is_reference_or_empty(v)
        || v.starts_with('$')
        || v.starts_with("{{")
        || v.starts_with('<')
        || v.starts_with("resolve:")
        || v.starts_with("ssm:")
        || v.starts_with("/aws/reference/")
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "none" | "null"
        )
}

/// An AWS access key id (`AKIA…`, `ASIA…`) somewhere in `text`.
fn has_access_key_id(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(20).enumerate().any(|(i, w)| {
        (w.starts_with(b"AKIA") || w.starts_with(b"ASIA"))
            && w[4..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 20).is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

/// A name safe to show: ASCII word characters only, at most 64 of them.
fn shown_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(64)
        .collect()
}

/// Environment variables (name, value) that hold a secret in plain text:
/// the names of those whose name suggests a secret and whose value is not a
/// reference, or whose value carries a key. Sorted; values are dropped.
pub fn plain_secret_variables<'a>(
    vars: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<String> {
    let mut out: Vec<String> = vars
        .into_iter()
        .filter(|(name, value)| {
            (is_secret_name(name) && !is_reference_or_empty(value))
                || has_access_key_id(value)
                || value.contains("PRIVATE KEY-----")
        })
        .map(|(name, _)| shown_name(name))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Secrets in a script or config text such as EC2 user data: one label per
/// finding, `<what> (line N)`. Values are never included.
pub fn scan_text(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if has_access_key_id(line) {
            out.push(format!("aws-access-key-id (line {n})"));
        }
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY-----") {
            out.push(format!("private-key (line {n})"));
            continue;
        }
        if let Some(name) = assigned_secret(line) {
            out.push(format!("secret-assignment {name} (line {n})"));
        }
    }
    out
}

/// `NAME=value`, `NAME: value`, `export NAME="value"`, `--password value`
/// where NAME looks like a secret and value is a literal.
fn assigned_secret(line: &str) -> Option<String> {
    let line = line.trim();
    if line.starts_with('#') {
        return None;
    }
    // Command-line flags: `--password value` / `--password=value`.
    for (i, word) in line.split_whitespace().enumerate() {
        if let Some(flag) = word.strip_prefix("--") {
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (flag, None),
            };
            if is_secret_name(name) {
                let value = inline.or_else(|| line.split_whitespace().nth(i + 1));
                if value.is_some_and(|v| !is_script_reference(v) && !v.starts_with("--")) {
                    return Some(shown_name(name));
                }
            }
        }
    }
    let at = line.find(['=', ':'])?;
    let (lhs, rhs) = (&line[..at], &line[at + 1..]);
    let name = lhs
        .trim()
        .trim_start_matches("export ")
        .trim()
        .trim_matches(['"', '\'']);
    if name.is_empty() || name.contains(char::is_whitespace) || !is_secret_name(name) {
        return None;
    }
    let value = rhs.trim().trim_end_matches(';');
    (!is_script_reference(value)).then(|| shown_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AKIAIOSFODNN7EXAMPLE";

    #[test]
    fn finds_keys_and_assignments_without_values() {
        let text = format!(
            "#!/bin/bash\nexport AWS_ACCESS_KEY_ID={KEY}\nDB_PASSWORD='hunter2'\n\
             mysql --password s3cr3t -h db\n-----BEGIN RSA PRIVATE KEY-----\nPASSWORD=$FROM_SSM\n# password=commented\n"
        );
        let found = scan_text(&text);
        assert_eq!(
            found,
            [
                "aws-access-key-id (line 2)",
                "secret-assignment AWS_ACCESS_KEY_ID (line 2)",
                "secret-assignment DB_PASSWORD (line 3)",
                "secret-assignment password (line 4)",
                "private-key (line 5)",
            ]
        );
        let all = found.join(" ");
        for value in [KEY, "hunter2", "s3cr3t"] {
            assert!(!all.contains(value), "{value} leaked into {all}");
        }
    }

    #[test]
    fn references_and_harmless_names_are_not_secrets() {
        assert!(scan_text("TOKEN_URL_IS_NOT_SET=\nregion: ap-northeast-1\n").is_empty());
        let vars = [
            (
                "DB_PASSWORD",
                "arn:aws:secretsmanager:ap-northeast-1:1:secret:x",
            ),
            ("API_TOKEN", "plain-token-value"),
            ("LOG_LEVEL", "debug"),
            ("CONFIG", KEY),
            ("EMPTY_SECRET", ""),
            ("DB_PASSWORD_2", "$ecret"),
            ("PWD", "/app"),
            ("ADMIN_PASSWORD", "changeme"),
        ];
        assert_eq!(
            plain_secret_variables(vars),
            ["ADMIN_PASSWORD", "API_TOKEN", "CONFIG", "DB_PASSWORD_2"]
        );
    }

    #[test]
    fn access_key_ids_need_word_boundaries() {
        assert!(has_access_key_id(KEY));
        assert!(!has_access_key_id(&format!("X{KEY}")));
        assert!(!has_access_key_id("AKIA-not-a-key-at-all"));
    }
}
