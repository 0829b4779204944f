//! The user's configuration file (`settei.toml`): rule parameter overrides
//! and accepted risks (mutes).
//!
//! ```toml
//! [params.AWS-IAM-006]
//! max_unused_days = 30
//!
//! [[mute]]
//! rule = "AWS-S3-*"                      # glob over rule ids
//! resource = "arn:aws:s3:::public-site*"  # glob over resource ids (default "*")
//! reason = "Static website, reviewed by security team"
//! owner = "web-team@example.com"
//! expires = 2027-03-31                   # last day the mute applies
//! ```
//!
//! Unknown keys, unknown rule ids, unknown parameters, parameters of the wrong
//! type and mutes without reason, owner or expiry are all errors.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use settei_model::MuteInfo;
use toml::Spanned;

use crate::diag::{Diagnostic, Diagnostics, SourceRef};
use crate::rule::toml_to_json;
use crate::Catalog;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    params: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    #[serde(default)]
    mute: Vec<Spanned<RawMute>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMute {
    rule: Spanned<String>,
    #[serde(default)]
    resource: Option<Spanned<String>>,
    reason: Spanned<String>,
    owner: Spanned<String>,
    expires: Spanned<toml::Value>,
}

/// An accepted risk: FAIL findings it matches become MUTED until it expires.
#[derive(Debug, Clone)]
pub struct Mute {
    pub rule_pattern: String,
    pub resource_pattern: String,
    rule: GlobMatcher,
    resource: GlobMatcher,
    pub reason: String,
    pub owner: String,
    /// Last day the mute applies (inclusive).
    pub expires: NaiveDate,
}

impl Mute {
    /// Whether this mute applies to the finding of `rule_id` on `resource_id` on `today`.
    pub fn applies(&self, rule_id: &str, resource_id: &str, today: NaiveDate) -> bool {
        today <= self.expires && self.rule.is_match(rule_id) && self.resource.is_match(resource_id)
    }

    pub fn info(&self) -> MuteInfo {
        MuteInfo {
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            expires: self.expires.to_string(),
        }
    }
}

/// A validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Parameter overrides per rule id, already type-checked.
    pub params: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    pub mutes: Vec<Mute>,
}

impl Config {
    /// Parses and validates `src` against the rules of `catalog`.
    pub fn parse(src: SourceRef<'_>, catalog: &Catalog) -> Result<Config, Diagnostics> {
        let raw: RawConfig =
            toml::from_str(src.text).map_err(|e| Diagnostics(vec![src.toml_error(&e)]))?;
        let mut diags: Vec<Diagnostic> = Vec::new();
        let mut params = BTreeMap::new();
        for (rule_id, values) in raw.params {
            let Some(rule) = catalog.rule(rule_id.get_ref()) else {
                diags.push(src.at_span(
                    &rule_id.span(),
                    format!("unknown rule `{}`", rule_id.get_ref()),
                ));
                continue;
            };
            let mut out = BTreeMap::new();
            for (name, value) in values {
                let Some(default) = rule.params.get(name.get_ref()) else {
                    let known = rule.params.keys().cloned().collect::<Vec<_>>().join(", ");
                    diags.push(src.at_span(
                        &name.span(),
                        format!(
                            "rule {} has no parameter `{}` (parameters: {})",
                            rule.id,
                            name.get_ref(),
                            if known.is_empty() {
                                "none".into()
                            } else {
                                known
                            }
                        ),
                    ));
                    continue;
                };
                let v = toml_to_json(value.get_ref());
                if !same_type(default, &v) {
                    diags.push(src.at_span(
                        &value.span(),
                        format!(
                            "parameter `{}` of {} must have the type of its default `{default}`",
                            name.get_ref(),
                            rule.id
                        ),
                    ));
                    continue;
                }
                out.insert(name.into_inner(), v);
            }
            params.insert(rule_id.into_inner(), out);
        }
        let mut mutes = Vec::new();
        for m in raw.mute {
            let span = m.span();
            let m = m.into_inner();
            let glob =
                |s: &Spanned<String>, diags: &mut Vec<Diagnostic>| match Glob::new(s.get_ref()) {
                    Ok(g) => Some(g.compile_matcher()),
                    Err(e) => {
                        diags.push(src.at_span(&s.span(), format!("invalid glob: {e}")));
                        None
                    }
                };
            let rule = glob(&m.rule, &mut diags);
            let resource_spanned = m
                .resource
                .clone()
                .unwrap_or_else(|| Spanned::new(span.clone(), "*".to_string()));
            let resource = glob(&resource_spanned, &mut diags);
            if let Some(r) = &rule {
                if !catalog.rules.iter().any(|x| r.is_match(&x.id)) {
                    diags.push(src.at_span(
                        &m.rule.span(),
                        format!("mute rule pattern `{}` matches no rule", m.rule.get_ref()),
                    ));
                }
            }
            for (what, s) in [("reason", &m.reason), ("owner", &m.owner)] {
                if s.get_ref().trim().is_empty() {
                    diags
                        .push(src.at_span(&s.span(), format!("a mute needs a non-empty `{what}`")));
                }
            }
            let expires = match m.expires.get_ref() {
                toml::Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
                toml::Value::Datetime(d) if d.time.is_none() => {
                    NaiveDate::parse_from_str(&d.to_string(), "%Y-%m-%d").ok()
                }
                _ => None,
            };
            if expires.is_none() {
                diags.push(src.at_span(
                    &m.expires.span(),
                    "`expires` must be a date, e.g. 2027-03-31",
                ));
            }
            if let (Some(rule), Some(resource), Some(expires)) = (rule, resource, expires) {
                mutes.push(Mute {
                    rule_pattern: m.rule.into_inner(),
                    resource_pattern: resource_spanned.into_inner(),
                    rule,
                    resource,
                    reason: m.reason.into_inner(),
                    owner: m.owner.into_inner(),
                    expires,
                });
            }
        }
        if diags.is_empty() {
            Ok(Config { params, mutes })
        } else {
            Err(Diagnostics(diags))
        }
    }
}

fn same_type(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.is_f64() || (!y.is_f64()),
        (J::Array(_), J::Array(_)) | (J::Bool(_), J::Bool(_)) | (J::String(_), J::String(_)) => {
            true
        }
        _ => false,
    }
}

impl Catalog {
    /// Applies the parameter overrides of `config` to the rules.
    pub fn apply_config(&mut self, config: &Config) {
        for rule in &mut self.rules {
            if let Some(over) = config.params.get(&rule.id) {
                for (k, v) in over {
                    rule.params.insert(k.clone(), v.clone());
                }
            }
        }
    }
}
