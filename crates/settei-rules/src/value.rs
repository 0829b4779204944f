use std::collections::HashMap;
use std::sync::Arc;

use cel::objects::{Key, Map};
use cel::Value;

/// Converts JSON to a CEL value directly, without going through serde: this
/// runs once per resource and dominates evaluation cost when done through a
/// serializer.
pub fn json_to_cel(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => match n.as_u64() {
                Some(u) => Value::UInt(u),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
        },
        serde_json::Value::String(s) => Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(items) => {
            Value::List(Arc::new(items.iter().map(json_to_cel).collect()))
        }
        serde_json::Value::Object(m) => map_to_cel(m),
    }
}

/// Converts a JSON object to a CEL map without copying it into a
/// `serde_json::Value` first.
pub fn map_to_cel(m: &serde_json::Map<String, serde_json::Value>) -> Value {
    let map: HashMap<Key, Value> = m
        .iter()
        .map(|(k, v)| (Key::String(Arc::new(k.clone())), json_to_cel(v)))
        .collect();
    Value::Map(Map { map: Arc::new(map) })
}
