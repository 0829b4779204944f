//! The rule file format: one TOML file per rule, `rules/<provider>/<service>/<ID>.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;
use settei_model::{Provider, Severity, Text};
use toml::Spanned;

use crate::check::CompiledCondition;

/// Remediation prose in both languages, with optional commands.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    pub ja: String,
    pub en: String,
    /// Commands that fix the setting (language-neutral), e.g. an `aws` CLI call.
    #[serde(default)]
    pub cli: Option<String>,
}

/// A user-tunable rule parameter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub default: toml::Value,
    pub description: Text,
}

/// A rule file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub id: Spanned<String>,
    pub provider: Spanned<String>,
    pub kind: Spanned<String>,
    pub severity: Spanned<String>,
    pub category: Spanned<String>,
    #[serde(default)]
    pub measures: Vec<Spanned<String>>,
    #[serde(default)]
    pub references: Vec<Spanned<String>>,
    pub title: Spanned<Text>,
    pub risk: Spanned<Text>,
    pub remediation: Spanned<Remediation>,
    pub condition: Spanned<String>,
    /// Which resources the rule is about, from their identity alone.
    #[serde(default)]
    pub applies_when: Option<Spanned<String>>,
    #[serde(default)]
    pub params: BTreeMap<String, Spanned<Param>>,
}

/// A loaded, validated and compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, equal to the file stem; never reused.
    pub id: String,
    pub provider: Provider,
    /// The resource kind the rule evaluates, e.g. `aws.s3.bucket`, or
    /// `<provider>.*` for every kind of the provider.
    pub kind: String,
    pub severity: Severity,
    /// Guideline setting category id (`1` … `7`).
    pub category: String,
    /// Related ANNEX measures, e.g. `III.3.1.1`.
    pub measures: Vec<String>,
    /// Benchmark references, e.g. `cis-aws-3.0:2.1.4`.
    pub references: Vec<String>,
    /// The secure state the rule checks for.
    pub title: Text,
    pub risk: Text,
    pub remediation: Remediation,
    pub condition: String,
    /// Parameter names and their effective values (defaults, or overrides
    /// from a config file).
    pub params: BTreeMap<String, serde_json::Value>,
    /// Parameter descriptions and defaults, as declared.
    pub param_docs: BTreeMap<String, Param>,
    pub compiled: CompiledCondition,
    /// A CEL expression over `resource` and `params` only (never `r`: what
    /// could not be read must not decide what is skipped) that is false
    /// for resources the rule says nothing about, such as account-wide
    /// records for a rule on where data is kept. A resource it is false for
    /// gets no finding; one it cannot be evaluated on gets ERROR.
    pub applies_when: Option<(String, CompiledCondition)>,
    /// The rule claims something about every region: its kind is
    /// `per_region`, or it is a rule on every kind (residency).
    pub per_region: bool,
    /// Where the rule came from (`rules/aws/s3/AWS-S3-001.toml` for embedded rules).
    pub file: String,
}

impl Rule {
    /// Whether the rule evaluates resources of `kind`: its own kind, or
    /// every kind of its provider when written `<provider>.*`.
    pub fn applies_to(&self, kind: &str) -> bool {
        match self.kind.strip_suffix('*') {
            Some(prefix) => kind.starts_with(prefix),
            None => self.kind == kind,
        }
    }

    /// A rule on every kind of its provider (`<provider>.*`).
    pub fn is_any_kind(&self) -> bool {
        self.kind.ends_with(".*")
    }
}

/// Turns a TOML value into JSON, for binding as a CEL parameter.
pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Value::from(*f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => serde_json::Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

/// Whether a rule id has the required shape: `PROVIDER-SERVICE-NNN`, upper case.
pub fn valid_rule_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 3
        && parts[..2].iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
        && parts[2].len() == 3
        && parts[2].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids() {
        assert!(valid_rule_id("AWS-S3-001"));
        assert!(valid_rule_id("AWS-EC2-120"));
        assert!(!valid_rule_id("aws-s3-001"));
        assert!(!valid_rule_id("AWS-S3-1"));
        assert!(!valid_rule_id("AWS-S3"));
    }
}
