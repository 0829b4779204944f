//! Compiles a rule's CEL condition and checks every attribute it reads
//! against the kind schema.
//!
//! Conditions see three variables:
//! - `r`: the resource's normalized attributes (typed by the kind schema),
//! - `resource`: its identity (`id`, `kind`, `name`, `region`, `tags`),
//! - `params`: the rule's parameters.
//!
//! The walk also records the attribute paths the condition reads; the engine
//! reports their observed values as a finding's evidence.

use std::collections::{BTreeMap, BTreeSet};

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};
use cel::Program;

use crate::schema::{resource_meta_type, Ty};

/// An error inside a condition, at a byte offset of the condition source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError {
    pub offset: usize,
    pub message: String,
}

/// A condition that compiled and reads only declared attributes.
#[derive(Debug)]
pub struct CompiledCondition {
    pub program: Program,
    /// The paths read, most specific only: `access_keys[].age_days`,
    /// `resource.tags`, `params.max_age_days`. Attribute paths have no prefix.
    pub reads: Vec<String>,
}

/// Compiles `source` and checks it against `attributes` (the kind's root
/// object type) and `params` (the rule's parameter types).
pub fn compile_condition(
    source: &str,
    attributes: &Ty,
    optional: &BTreeSet<String>,
    params: &Ty,
) -> Result<CompiledCondition, Vec<ConditionError>> {
    let program = Program::compile(source).map_err(|errs| {
        errs.errors
            .iter()
            .map(|e| ConditionError {
                offset: line_col_to_offset(source, e.pos.0, e.pos.1),
                message: format!("CEL syntax error: {}", e.msg),
            })
            .collect::<Vec<_>>()
    })?;
    let meta = resource_meta_type();
    let mut walker = Walker {
        roots: [("r", attributes), ("resource", &meta), ("params", params)],
        optional,
        scopes: Vec::new(),
        errors: Vec::new(),
        reads: BTreeSet::new(),
        source_info: program.source_info(),
    };
    walker.walk(program.expression());
    if !walker.errors.is_empty() {
        return Err(walker.errors);
    }
    let reads = most_specific(walker.reads);
    Ok(CompiledCondition { program, reads })
}

/// The attribute paths (most specific only) that `expr`, a part of a
/// compiled condition without free comprehension variables, reads.
pub fn reads_of(
    expr: &cel::common::ast::IdedExpr,
    info: &cel::common::ast::SourceInfo,
    attributes: &Ty,
    params: &Ty,
) -> Vec<String> {
    let meta = resource_meta_type();
    let none = BTreeSet::new();
    let mut walker = Walker {
        roots: [("r", attributes), ("resource", &meta), ("params", params)],
        optional: &none,
        scopes: Vec::new(),
        errors: Vec::new(),
        reads: BTreeSet::new(),
        source_info: info,
    };
    walker.walk(expr);
    most_specific(walker.reads)
}

fn line_col_to_offset(source: &str, line: isize, col: isize) -> usize {
    let line = line.max(1) as usize;
    let start: usize = source
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    (start + (col.max(1) as usize - 1)).min(source.len())
}

/// Drops every path that a longer recorded path extends.
fn most_specific(paths: BTreeSet<String>) -> Vec<String> {
    paths
        .iter()
        .filter(|p| {
            !paths.iter().any(|q| {
                q.len() > p.len()
                    && q.starts_with(p.as_str())
                    && matches!(q.as_bytes()[p.len()], b'.' | b'[')
            })
        })
        .cloned()
        .collect()
}

/// The static type and, for attribute paths, the path of an expression.
#[derive(Clone)]
struct Binding {
    ty: Ty,
    path: Option<String>,
}

impl Binding {
    fn any() -> Self {
        Binding {
            ty: Ty::Any,
            path: None,
        }
    }
}

struct Walker<'a> {
    roots: [(&'static str, &'a Ty); 3],
    /// Attribute paths the schema declares optional: the only ones `has()`
    /// may test.
    optional: &'a BTreeSet<String>,
    scopes: Vec<(String, Binding)>,
    errors: Vec<ConditionError>,
    reads: BTreeSet<String>,
    source_info: &'a cel::common::ast::SourceInfo,
}

const TYPE_NAMES: &[&str] = &[
    "bool",
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
];

impl Walker<'_> {
    fn error(&mut self, expr: &IdedExpr, message: String) {
        let offset = self
            .source_info
            .offset_for(expr.id)
            .map_or(0, |(s, _)| s as usize);
        self.errors.push(ConditionError { offset, message });
    }

    fn join(path: &Option<String>, seg: &str) -> Option<String> {
        path.as_ref().map(|p| {
            if p.is_empty() {
                seg.to_string()
            } else {
                format!("{p}.{seg}")
            }
        })
    }

    fn walk(&mut self, e: &IdedExpr) -> Binding {
        match &e.expr {
            Expr::Ident(name) => {
                if let Some((_, b)) = self.scopes.iter().rev().find(|(n, _)| n == name) {
                    return b.clone();
                }
                if let Some((root, ty)) = self.roots.iter().find(|(n, _)| n == name) {
                    let path = if *root == "r" {
                        String::new()
                    } else {
                        root.to_string()
                    };
                    return Binding {
                        ty: (*ty).clone(),
                        path: Some(path),
                    };
                }
                if !TYPE_NAMES.contains(&name.as_str()) {
                    self.error(e, format!("unknown variable `{name}` (conditions can use `r`, `resource` and `params`)"));
                }
                Binding::any()
            }
            Expr::Select(sel) => {
                let operand = self.walk(&sel.operand);
                let path = Self::join(&operand.path, &sel.field);
                let ty = match &operand.ty {
                    Ty::Object(fields) => match fields.get(&sel.field) {
                        Some(t) => t.clone(),
                        None => {
                            let shown = path.clone().unwrap_or_else(|| sel.field.clone());
                            let known = fields
                                .keys()
                                .map(String::as_str)
                                .collect::<Vec<_>>()
                                .join(", ");
                            self.error(
                                e,
                                format!("`{shown}` is not in the schema (known here: {known})"),
                            );
                            return Binding::any();
                        }
                    },
                    Ty::Map(v) => (**v).clone(),
                    Ty::Any => Ty::Any,
                    other => {
                        self.error(
                            e,
                            format!("cannot select `{}` from a value of type {other}", sel.field),
                        );
                        return Binding::any();
                    }
                };
                if let Some(p) = &path {
                    self.reads.insert(p.clone());
                }
                if sel.test {
                    // `has(r.x)` is false both when the cloud has no such
                    // setting and when it could not be read; a condition
                    // may only branch on it where the schema says absence
                    // is a real answer.
                    let declared = matches!(operand.ty, Ty::Object(_));
                    let attribute = operand.path.as_ref().is_some_and(|p| {
                        let under = |root: &str| p == root || p.starts_with(&format!("{root}."));
                        !under("resource") && !under("params")
                    });
                    if declared && attribute {
                        let p = path.clone().unwrap_or_default();
                        if !self.optional.contains(&p) {
                            self.error(
                                e,
                                format!(
                                    "has() on `{p}`, which the kind schema does not declare optional: \
                                     an attribute that could not be read is absent too, so the rule \
                                     could pass on missing data (declare it `optional = true` if the \
                                     collector leaves it out only when the cloud has no such setting)"
                                ),
                            );
                        }
                    } else if declared {
                        let p = path.clone().unwrap_or_default();
                        self.error(e, format!("has() on `{p}`, which is always present"));
                    }
                    return Binding {
                        ty: Ty::Bool,
                        path: None,
                    };
                }
                Binding { ty, path }
            }
            Expr::Call(call) => {
                let target = call.target.as_ref().map(|t| self.walk(t));
                let args: Vec<Binding> = call.args.iter().map(|a| self.walk(a)).collect();
                if call.func_name == "_[_]" && call.target.is_none() && args.len() == 2 {
                    let base = &args[0];
                    let path = base.path.as_ref().map(|p| format!("{p}[]"));
                    let ty = match &base.ty {
                        Ty::List(t) | Ty::Map(t) => (**t).clone(),
                        _ => Ty::Any,
                    };
                    if let Some(p) = &path {
                        self.reads.insert(p.clone());
                    }
                    return Binding { ty, path };
                }
                let _ = target;
                Binding::any()
            }
            Expr::Comprehension(c) => {
                let range = self.walk(&c.iter_range);
                let elem_path = range.path.as_ref().map(|p| format!("{p}[]"));
                let (first, second) = match &range.ty {
                    Ty::List(t) => {
                        let elem = Binding {
                            ty: (**t).clone(),
                            path: elem_path,
                        };
                        if c.iter_var2.is_some() {
                            (
                                Binding {
                                    ty: Ty::Int,
                                    path: None,
                                },
                                Some(elem),
                            )
                        } else {
                            (elem, None)
                        }
                    }
                    Ty::Map(t) => (
                        Binding {
                            ty: Ty::String,
                            path: None,
                        },
                        Some(Binding {
                            ty: (**t).clone(),
                            path: elem_path,
                        }),
                    ),
                    Ty::Any => (
                        Binding {
                            ty: Ty::Any,
                            path: elem_path.clone(),
                        },
                        Some(Binding {
                            ty: Ty::Any,
                            path: elem_path,
                        }),
                    ),
                    other => {
                        self.error(
                            &c.iter_range,
                            format!("cannot iterate over a value of type {other}"),
                        );
                        (Binding::any(), Some(Binding::any()))
                    }
                };
                self.walk(&c.accu_init);
                let depth = self.scopes.len();
                self.scopes.push((c.iter_var.clone(), first));
                if let Some(v2) = &c.iter_var2 {
                    self.scopes
                        .push((v2.clone(), second.unwrap_or_else(Binding::any)));
                }
                self.scopes.push((c.accu_var.clone(), Binding::any()));
                self.walk(&c.loop_cond);
                self.walk(&c.loop_step);
                self.walk(&c.result);
                self.scopes.truncate(depth);
                Binding::any()
            }
            Expr::List(list) => {
                for el in &list.elements {
                    self.walk(el);
                }
                Binding {
                    ty: Ty::List(Box::new(Ty::Any)),
                    path: None,
                }
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    match &entry.expr {
                        EntryExpr::MapEntry(m) => {
                            self.walk(&m.key);
                            self.walk(&m.value);
                        }
                        EntryExpr::StructField(f) => {
                            self.walk(&f.value);
                        }
                    }
                }
                Binding {
                    ty: Ty::Map(Box::new(Ty::Any)),
                    path: None,
                }
            }
            Expr::Struct(s) => {
                self.error(
                    e,
                    format!(
                        "struct literals (`{}{{…}}`) are not supported in conditions",
                        s.type_name
                    ),
                );
                Binding::any()
            }
            Expr::Literal(lit) => Binding {
                ty: match lit {
                    LiteralValue::Boolean(_) => Ty::Bool,
                    LiteralValue::Int(_) | LiteralValue::UInt(_) => Ty::Int,
                    LiteralValue::Double(_) => Ty::Float,
                    LiteralValue::String(_) => Ty::String,
                    _ => Ty::Any,
                },
                path: None,
            },
            Expr::Unspecified => Binding::any(),
        }
    }
}

/// The parameter object type of a rule, from its parameters' default values.
pub fn params_type(params: &BTreeMap<String, serde_json::Value>) -> Ty {
    Ty::Object(
        params
            .iter()
            .map(|(k, v)| {
                let ty = match v {
                    serde_json::Value::Bool(_) => Ty::Bool,
                    serde_json::Value::Number(n) if n.is_i64() => Ty::Int,
                    serde_json::Value::Number(_) => Ty::Float,
                    serde_json::Value::String(_) => Ty::String,
                    serde_json::Value::Array(_) => Ty::List(Box::new(Ty::Any)),
                    _ => Ty::Any,
                };
                (k.clone(), ty)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_schema() -> Ty {
        Ty::Object(BTreeMap::from([
            ("mfa_active".into(), Ty::Bool),
            ("name".into(), Ty::String),
            (
                "access_keys".into(),
                Ty::List(Box::new(Ty::Object(BTreeMap::from([
                    ("active".into(), Ty::Bool),
                    ("age_days".into(), Ty::Int),
                ])))),
            ),
            ("policy".into(), Ty::Any),
        ]))
    }

    fn params() -> Ty {
        params_type(&BTreeMap::from([(
            "max_age_days".to_string(),
            serde_json::json!(90),
        )]))
    }

    #[test]
    fn records_most_specific_reads() {
        let c = compile_condition(
            "r.mfa_active && r.access_keys.all(k, !k.active || k.age_days <= params.max_age_days) && resource.tags['env'] != 'x'",
            &user_schema(),
            &BTreeSet::new(),
            &params(),
        )
        .unwrap();
        assert_eq!(
            c.reads,
            vec![
                "access_keys[].active",
                "access_keys[].age_days",
                "mfa_active",
                "params.max_age_days",
                "resource.tags[]"
            ]
        );
    }

    #[test]
    fn rejects_undeclared_fields_with_offsets() {
        let errs = compile_condition(
            "r.mfa_active && r.access_keys.exists(k, k.agedays > 1)",
            &user_schema(),
            &BTreeSet::new(),
            &params(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0]
                .message
                .contains("`access_keys[].agedays` is not in the schema"),
            "{errs:?}"
        );
        assert!(
            "r.mfa_active && r.access_keys.exists(k, k.agedays > 1)"[errs[0].offset..]
                .starts_with(".agedays")
        );
    }

    #[test]
    fn rejects_unknown_variables_and_params() {
        let errs = compile_condition(
            "x.y || params.nope > 1",
            &user_schema(),
            &BTreeSet::new(),
            &params(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
    }

    #[test]
    fn any_typed_attributes_are_not_checked_below() {
        assert!(compile_condition(
            "has(r.policy.Statement)",
            &user_schema(),
            &BTreeSet::new(),
            &params()
        )
        .is_ok());
    }

    #[test]
    fn has_only_on_optional_attributes() {
        let none = BTreeSet::new();
        let errs = compile_condition(
            "has(r.name) ? r.name == 'x' : true",
            &user_schema(),
            &none,
            &params(),
        )
        .unwrap_err();
        assert!(
            errs[0].message.contains("does not declare optional"),
            "{errs:?}"
        );
        let errs = compile_condition(
            "r.access_keys.all(k, !has(k.age_days) || k.age_days < 9)",
            &user_schema(),
            &none,
            &params(),
        )
        .unwrap_err();
        assert!(
            errs[0].message.contains("`access_keys[].age_days`"),
            "{errs:?}"
        );
        let optional = BTreeSet::from(["name".to_string()]);
        assert!(compile_condition(
            "has(r.name) ? r.name == 'x' : true",
            &user_schema(),
            &optional,
            &params()
        )
        .is_ok());
        // Map keys and raw documents are data, not reads that could fail.
        assert!(
            compile_condition("has(resource.tags.env)", &user_schema(), &none, &params()).is_ok()
        );
        let errs =
            compile_condition("has(resource.name)", &user_schema(), &none, &params()).unwrap_err();
        assert!(errs[0].message.contains("always present"), "{errs:?}");
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let errs = compile_condition(
            "r.mfa_active &&\n  (",
            &user_schema(),
            &BTreeSet::new(),
            &params(),
        )
        .unwrap_err();
        assert!(errs[0].message.starts_with("CEL syntax error"));
        assert!(errs[0].offset >= 16, "{errs:?}");
    }
}
