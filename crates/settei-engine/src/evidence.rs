use settei_model::{Evidence, Resource};
use settei_rules::Rule;

/// The observed values of every path the rule reads.
pub(crate) fn collect(rule: &Rule, resource: &Resource) -> Evidence {
    let mut out = Evidence::new();
    for path in &rule.compiled.reads {
        let value = if let Some(p) = path.strip_prefix("params.") {
            // A parameter path is its name, or a name and a path into it.
            let (name, rest) = split_first(p);
            match rule.params.get(name) {
                Some(v) if rest.is_empty() => v.clone(),
                Some(v) => project_path(v, rest),
                None => serde_json::Value::Null,
            }
        } else if let Some(p) = path.strip_prefix("resource.") {
            use serde_json::Value as J;
            match p {
                "id" => J::String(resource.id.clone()),
                "kind" => J::String(resource.kind.clone()),
                "name" => J::String(resource.name.clone()),
                "region" => J::String(resource.region.clone()),
                "tags" => serde_json::to_value(&resource.tags).unwrap_or(J::Null),
                other => match other.strip_prefix("tags") {
                    // `tags[]` and `tags.key`: the tag values.
                    Some(_) => {
                        let tags = serde_json::to_value(&resource.tags).unwrap_or(J::Null);
                        project_path(&serde_json::json!({ "tags": tags }), other)
                    }
                    None => J::Null,
                },
            }
        } else {
            project(&resource.attributes, path)
        };
        out.insert(path.clone(), value);
    }
    out
}

/// The value at an attribute path such as `policy.minimum_length` or
/// `access_keys[].age_days` (a list of the field across the elements).
/// Absent values are `null`.
pub fn project(
    attributes: &serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> serde_json::Value {
    let (head, rest) = split_first(path);
    let (name, each) = match head.strip_suffix("[]") {
        Some(n) => (n, true),
        None => (head, false),
    };
    match attributes.get(name) {
        None => serde_json::Value::Null,
        Some(v) => descend(v, each, rest),
    }
}

fn project_path(value: &serde_json::Value, path: &str) -> serde_json::Value {
    match value {
        serde_json::Value::Object(m) => project(m, path),
        _ => serde_json::Value::Null,
    }
}

fn split_first(path: &str) -> (&str, &str) {
    match path.split_once('.') {
        Some((h, r)) => (h, r),
        None => (path, ""),
    }
}

fn descend(v: &serde_json::Value, each: bool, rest: &str) -> serde_json::Value {
    if each {
        return match v {
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(|i| descend(i, false, rest)).collect())
            }
            serde_json::Value::Object(m) => {
                serde_json::Value::Array(m.values().map(|i| descend(i, false, rest)).collect())
            }
            _ => serde_json::Value::Null,
        };
    }
    if rest.is_empty() {
        return v.clone();
    }
    project_path(v, rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn projects_nested_and_list_paths() {
        let attrs = json!({
            "policy": { "minimum_length": 8 },
            "access_keys": [ { "age_days": 10 }, { "age_days": 400 } ],
            "tags": { "env": "prod" }
        });
        let m = attrs.as_object().unwrap();
        assert_eq!(project(m, "policy.minimum_length"), json!(8));
        assert_eq!(project(m, "access_keys[].age_days"), json!([10, 400]));
        assert_eq!(project(m, "tags[]"), json!(["prod"]));
        assert_eq!(project(m, "missing.x"), json!(null));
    }
}
