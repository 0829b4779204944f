//! Resource kind schemas: the attributes each normalized resource kind has.
//!
//! A kind schema lives in `rules/kinds/<provider>/<kind>.toml`:
//!
//! ```toml
//! kind = "aws.iam.user"
//! provider = "aws"
//! title = { ja = "IAM ユーザー", en = "IAM user" }
//!
//! [attributes]
//! mfa_active = { type = "bool", ja = "MFA デバイスが有効", en = "Has an active MFA device" }
//! access_keys = { type = "list<object>", ja = "アクセスキー", en = "Access keys" }
//! "access_keys[].age_days" = { type = "int", ja = "作成からの日数", en = "Days since creation" }
//! ```
//!
//! Rules are checked against it, so a condition that reads an attribute the
//! collector never writes is rejected when the rule is loaded, not when a
//! scan silently finds nothing.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use settei_model::{Provider, Text};
use toml::Spanned;

use crate::diag::{Diagnostic, SourceRef};

/// The type of an attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Bool,
    Int,
    Float,
    String,
    List(Box<Ty>),
    Map(Box<Ty>),
    Object(BTreeMap<String, Ty>),
    /// Anything; reads below it are not checked (e.g. a raw policy document).
    Any,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => f.write_str("bool"),
            Ty::Int => f.write_str("int"),
            Ty::Float => f.write_str("float"),
            Ty::String => f.write_str("string"),
            Ty::List(t) => write!(f, "list<{t}>"),
            Ty::Map(t) => write!(f, "map<{t}>"),
            Ty::Object(_) => f.write_str("object"),
            Ty::Any => f.write_str("any"),
        }
    }
}

impl Ty {
    /// Parses a type as written in a kind schema.
    pub fn parse(s: &str) -> Option<Ty> {
        let s = s.trim();
        if let Some(inner) = s.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            return Ty::parse(inner).map(|t| Ty::List(Box::new(t)));
        }
        if let Some(inner) = s.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
            return Ty::parse(inner).map(|t| Ty::Map(Box::new(t)));
        }
        Some(match s {
            "bool" => Ty::Bool,
            "int" => Ty::Int,
            "float" => Ty::Float,
            "string" => Ty::String,
            "object" => Ty::Object(BTreeMap::new()),
            "any" => Ty::Any,
            _ => return None,
        })
    }

    /// Whether a JSON value fits this type (`null` fits every type: an
    /// attribute may be absent or unknown).
    pub fn accepts(&self, value: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (self, value) {
            (_, J::Null) | (Ty::Any, _) => true,
            (Ty::Bool, J::Bool(_)) | (Ty::String, J::String(_)) => true,
            (Ty::Int, J::Number(n)) => n.is_i64() || n.is_u64(),
            (Ty::Float, J::Number(_)) => true,
            (Ty::List(t), J::Array(items)) => items.iter().all(|i| t.accepts(i)),
            (Ty::Map(t), J::Object(m)) => m.values().all(|v| t.accepts(v)),
            (Ty::Object(fields), J::Object(m)) => m
                .iter()
                .all(|(k, v)| fields.get(k).is_some_and(|t| t.accepts(v))),
            _ => false,
        }
    }
}

/// One documented attribute of a kind.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeDoc {
    /// The dotted path, `[]` marking list elements (`access_keys[].age_days`).
    pub path: String,
    pub ty: String,
    pub doc: Text,
    /// The collector may leave it out when the cloud has no such setting
    /// (not when it could not read it): only these may be tested with `has()`.
    pub optional: bool,
}

/// A resource kind and its attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct KindSchema {
    pub kind: String,
    pub provider: Provider,
    pub title: Text,
    /// One record per region (a region's settings, such as GuardDuty's
    /// detector): a rule on it claims something about every region, so an
    /// enabled region that was not read makes it ERROR (`not_scanned`).
    pub per_region: bool,
    /// The attribute tree, rooted at an object.
    pub root: Ty,
    /// The attributes in file order, for documentation.
    pub attributes: Vec<AttributeDoc>,
    pub file: String,
}

impl KindSchema {
    /// The paths declared `optional = true`.
    pub fn optional_paths(&self) -> std::collections::BTreeSet<String> {
        self.attributes
            .iter()
            .filter(|a| a.optional)
            .map(|a| a.path.trim_matches('"').to_string())
            .collect()
    }
}

impl KindSchema {
    /// Checks the attributes of a resource against this schema; returns a
    /// description of the first mismatch.
    pub fn check_attributes(
        &self,
        attrs: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), String> {
        let Ty::Object(fields) = &self.root else {
            return Ok(());
        };
        for (k, v) in attrs {
            match fields.get(k) {
                None => {
                    return Err(format!(
                        "attribute `{k}` is not declared for kind `{}`",
                        self.kind
                    ))
                }
                Some(t) if !t.accepts(v) => {
                    return Err(format!(
                        "attribute `{k}` of kind `{}` does not match its type {t}",
                        self.kind
                    ))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    kind: Spanned<String>,
    provider: Spanned<String>,
    title: Text,
    #[serde(default)]
    per_region: bool,
    attributes: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttribute {
    #[serde(rename = "type")]
    ty: String,
    ja: String,
    en: String,
    #[serde(default)]
    optional: bool,
}

/// Parses one kind schema file, reporting every problem in it.
pub fn parse_kind(src: SourceRef<'_>) -> Result<KindSchema, Vec<Diagnostic>> {
    let raw: RawKind = toml::from_str(src.text).map_err(|e| vec![src.toml_error(&e)])?;
    let mut diags = Vec::new();
    let provider = match raw.provider.get_ref().parse::<Provider>() {
        Ok(p) => Some(p),
        Err(e) => {
            diags.push(src.at_span(&raw.provider.span(), e));
            None
        }
    };
    if let Some(p) = provider {
        if !raw.kind.get_ref().starts_with(&format!("{}.", p.as_str())) {
            diags.push(src.at_span(
                &raw.kind.span(),
                format!("kind `{}` must start with `{}.`", raw.kind.get_ref(), p),
            ));
        }
    }
    if raw.title.is_incomplete() {
        diags.push(src.at(0, "kind title needs both `ja` and `en` text"));
    }
    // Declare parents before children, whatever the file order.
    let mut entries: Vec<(&String, &toml::Value)> = raw.attributes.iter().collect();
    entries.sort_by_key(|(path, _)| path.matches('.').count());
    let mut root = Ty::Object(BTreeMap::new());
    let mut docs = Vec::new();
    let key_offset = |key: &str| {
        src.text
            .find(&format!("{key} "))
            .or_else(|| src.text.find(key))
            .unwrap_or(0)
    };
    for (path, value) in entries {
        let attr: RawAttribute = match value.clone().try_into() {
            Ok(a) => a,
            Err(e) => {
                diags.push(src.at(
                    key_offset(path),
                    format!("attribute `{path}`: {}", e.message().trim_end()),
                ));
                continue;
            }
        };
        let Some(ty) = Ty::parse(&attr.ty) else {
            diags.push(src.at(
                key_offset(path),
                format!("attribute `{path}` has unknown type `{}`", attr.ty),
            ));
            continue;
        };
        if attr.ja.trim().is_empty() || attr.en.trim().is_empty() {
            diags.push(src.at(
                key_offset(path),
                format!("attribute `{path}` needs both `ja` and `en` text"),
            ));
        }
        if let Err(e) = insert(&mut root, path.trim_matches('"'), ty) {
            diags.push(src.at(key_offset(path), e));
            continue;
        }
        docs.push(AttributeDoc {
            path: path.clone(),
            ty: attr.ty,
            doc: Text {
                ja: attr.ja,
                en: attr.en,
            },
            optional: attr.optional,
        });
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    // Document in file order.
    docs.sort_by_key(|d| key_offset(&d.path));
    Ok(KindSchema {
        kind: raw.kind.into_inner(),
        provider: provider.expect("checked above"),
        title: raw.title,
        per_region: raw.per_region,
        root,
        attributes: docs,
        file: src.path.to_string(),
    })
}

fn insert(root: &mut Ty, path: &str, ty: Ty) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    let (last, parents) = segments.split_last().expect("split yields one segment");
    let mut node = root;
    let mut seen = String::new();
    for seg in parents {
        let (name, is_elem) = match seg.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (*seg, false),
        };
        if !seen.is_empty() {
            seen.push('.');
        }
        seen.push_str(seg);
        let Ty::Object(fields) = node else {
            return Err(format!("`{seen}` is not an object"));
        };
        let Some(child) = fields.get_mut(name) else {
            return Err(format!(
                "attribute `{path}` is declared before its parent `{name}`"
            ));
        };
        node = if is_elem {
            match child {
                Ty::List(elem) => elem.as_mut(),
                _ => return Err(format!("`{seen}` uses `[]` but `{name}` is not a list")),
            }
        } else {
            child
        };
    }
    match node {
        Ty::Object(fields) => {
            if fields.insert(last.to_string(), ty).is_some() {
                return Err(format!("attribute `{path}` is declared twice"));
            }
            Ok(())
        }
        _ => Err(format!("the parent of `{path}` is not an object")),
    }
}

/// The variable `resource`: a resource's identity, common to every kind.
pub fn resource_meta_type() -> Ty {
    Ty::Object(BTreeMap::from([
        ("id".to_string(), Ty::String),
        ("kind".to_string(), Ty::String),
        ("name".to_string(), Ty::String),
        ("region".to_string(), Ty::String),
        ("tags".to_string(), Ty::Map(Box::new(Ty::String))),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: &str = r#"
kind = "aws.iam.user"
provider = "aws"
title = { ja = "IAM ユーザー", en = "IAM user" }

[attributes]
"access_keys[].age_days" = { type = "int", ja = "日数", en = "days" }
access_keys = { type = "list<object>", ja = "キー", en = "keys" }
mfa_active = { type = "bool", ja = "MFA", en = "MFA" }
"#;

    #[test]
    fn parses_nested_attributes_in_any_order() {
        let k = parse_kind(SourceRef::new("k.toml", KIND)).unwrap();
        let Ty::Object(f) = &k.root else { panic!() };
        assert_eq!(f["mfa_active"], Ty::Bool);
        let Ty::List(elem) = &f["access_keys"] else {
            panic!()
        };
        let Ty::Object(ef) = elem.as_ref() else {
            panic!()
        };
        assert_eq!(ef["age_days"], Ty::Int);
        assert_eq!(k.attributes[0].path, "access_keys[].age_days");
    }

    #[test]
    fn rejects_unknown_type_and_orphans_with_positions() {
        let bad = KIND
            .replace("\"bool\"", "\"boolean\"")
            .replace("access_keys = ", "keys = ");
        let errs = parse_kind(SourceRef::new("k.toml", &bad)).unwrap_err();
        let text: Vec<String> = errs.iter().map(|d| d.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("unknown type `boolean`") && t.starts_with("k.toml:9:")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("before its parent")),
            "{text:?}"
        );
    }

    #[test]
    fn type_acceptance() {
        let t = Ty::parse("list<object>").unwrap();
        assert!(t.accepts(&serde_json::json!([])));
        assert!(!Ty::Int.accepts(&serde_json::json!("3")));
        assert!(Ty::Int.accepts(&serde_json::Value::Null));
    }
}
