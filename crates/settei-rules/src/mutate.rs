//! Clause mutants of a compiled condition, for proving that a rule's
//! fixtures exercise every clause.
//!
//! A mutant drops one clause: an operand of the outermost `&&`/`||` chain
//! (replaced by the chain's identity, `true` for `&&`, `false` for `||`), or
//! the body of an `all`/`exists` anywhere in the condition (replaced by
//! `true`). A rule whose fixtures give the same results with a clause
//! dropped does not test that clause: deleting it from the rule would keep
//! every test green.

use cel::common::ast::{CallExpr, Expr, IdedExpr, LiteralValue};

const AND: &str = "_&&_";
const OR: &str = "_||_";
const NOT: &str = "!_";

/// One condition with one clause dropped.
#[derive(Debug, Clone)]
pub struct Mutant {
    /// What was dropped, for messages: `&& operand 2: r.versioning == 'Enabled'`.
    pub label: String,
    /// The mutated condition.
    pub expr: IdedExpr,
    /// The dropped clause itself (for reads and evaluation of the clause).
    pub clause: IdedExpr,
}

/// Every clause mutant of `root` (`source` is the condition text it was
/// compiled from, for labels).
pub fn mutants(source: &str, root: &IdedExpr, info: &cel::common::ast::SourceInfo) -> Vec<Mutant> {
    let mut out = Vec::new();
    if let Some((op, operands, _)) = top_chain(root) {
        let identity = op == AND;
        for (n, clause) in operands.iter().enumerate() {
            out.push(Mutant {
                label: format!(
                    "{} operand {}: {}",
                    if identity { "&&" } else { "||" },
                    n + 1,
                    snippet(source, clause, info)
                ),
                expr: replace(root, clause.id, &literal(root, identity)),
                clause: (*clause).clone(),
            });
        }
    }
    let mut bodies = Vec::new();
    quantifier_bodies(root, &mut bodies);
    for (name, body) in bodies {
        out.push(Mutant {
            label: format!("{name} body: {}", snippet(source, body, info)),
            expr: replace(root, body.id, &literal(root, true)),
            clause: body.clone(),
        });
    }
    out
}

/// The operands of the outermost `&&` or `||` chain (looking through `!`),
/// flattened: `a && (b && c)` has three. The flag says whether the chain
/// stands under an odd number of `!`.
pub fn top_chain(root: &IdedExpr) -> Option<(&'static str, Vec<&IdedExpr>, bool)> {
    let mut e = root;
    let mut negated = false;
    loop {
        match &e.expr {
            Expr::Call(c) if c.func_name == NOT && c.args.len() == 1 => {
                negated = !negated;
                e = &c.args[0];
            }
            Expr::Call(c) if c.func_name == AND || c.func_name == OR => {
                let op = if c.func_name == AND { AND } else { OR };
                let mut operands = Vec::new();
                flatten(e, op, &mut operands);
                return Some((op, operands, negated));
            }
            _ => return None,
        }
    }
}

fn flatten<'a>(e: &'a IdedExpr, op: &str, out: &mut Vec<&'a IdedExpr>) {
    match &e.expr {
        Expr::Call(c) if c.func_name == op && c.target.is_none() => {
            for a in &c.args {
                flatten(a, op, out);
            }
        }
        _ => out.push(e),
    }
}

/// The bodies of `all` and `exists` macros, as the parser expands them: a
/// comprehension whose step is `@result && body` (all) or `@result || body`
/// (exists).
fn quantifier_bodies<'a>(e: &'a IdedExpr, out: &mut Vec<(&'static str, &'a IdedExpr)>) {
    match &e.expr {
        Expr::Comprehension(c) => {
            if let Expr::Call(step) = &c.loop_step.expr {
                let accu_first = step.args.len() == 2
                    && matches!(&step.args[0].expr, Expr::Ident(n) if *n == c.accu_var);
                if accu_first && step.func_name == AND {
                    out.push(("all", &step.args[1]));
                } else if accu_first && step.func_name == OR {
                    out.push(("exists", &step.args[1]));
                }
            }
            for sub in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                quantifier_bodies(sub, out);
            }
        }
        _ => children(e)
            .into_iter()
            .for_each(|c| quantifier_bodies(c, out)),
    }
}

fn children(e: &IdedExpr) -> Vec<&IdedExpr> {
    match &e.expr {
        Expr::Call(c) => c.target.iter().map(|t| &**t).chain(c.args.iter()).collect(),
        Expr::Select(s) => vec![&s.operand],
        Expr::List(l) => l.elements.iter().collect(),
        Expr::Map(m) => m
            .entries
            .iter()
            .flat_map(|en| match &en.expr {
                cel::common::ast::EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
                cel::common::ast::EntryExpr::StructField(f) => vec![&f.value],
            })
            .collect(),
        Expr::Struct(s) => s
            .entries
            .iter()
            .flat_map(|en| match &en.expr {
                cel::common::ast::EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
                cel::common::ast::EntryExpr::StructField(f) => vec![&f.value],
            })
            .collect(),
        Expr::Comprehension(c) => vec![
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ],
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => vec![],
    }
}

/// A boolean literal with an id no node of `root` uses.
fn literal(root: &IdedExpr, value: bool) -> IdedExpr {
    IdedExpr {
        id: max_id(root) + 1,
        expr: Expr::Literal(LiteralValue::Boolean(value.into())),
    }
}

fn max_id(e: &IdedExpr) -> u64 {
    children(e).into_iter().map(max_id).fold(e.id, u64::max)
}

/// `root` with the node `id` replaced by `with`.
fn replace(root: &IdedExpr, id: u64, with: &IdedExpr) -> IdedExpr {
    if root.id == id {
        return with.clone();
    }
    let mut out = root.clone();
    rewrite(&mut out, id, with);
    out
}

fn rewrite(e: &mut IdedExpr, id: u64, with: &IdedExpr) {
    if e.id == id {
        *e = with.clone();
        return;
    }
    match &mut e.expr {
        Expr::Call(CallExpr { target, args, .. }) => {
            if let Some(t) = target {
                rewrite(t, id, with);
            }
            args.iter_mut().for_each(|a| rewrite(a, id, with));
        }
        Expr::Select(s) => rewrite(&mut s.operand, id, with),
        Expr::List(l) => l.elements.iter_mut().for_each(|a| rewrite(a, id, with)),
        Expr::Comprehension(c) => {
            for sub in [
                &mut c.iter_range,
                &mut c.accu_init,
                &mut c.loop_cond,
                &mut c.loop_step,
                &mut c.result,
            ] {
                rewrite(sub, id, with);
            }
        }
        Expr::Map(m) => m.entries.iter_mut().for_each(|en| match &mut en.expr {
            cel::common::ast::EntryExpr::MapEntry(me) => {
                rewrite(&mut me.key, id, with);
                rewrite(&mut me.value, id, with);
            }
            cel::common::ast::EntryExpr::StructField(f) => rewrite(&mut f.value, id, with),
        }),
        Expr::Struct(_) | Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
}

/// The source text a clause was written as: from the first to the last
/// token of its nodes (parentheses around it are left out).
fn snippet(source: &str, e: &IdedExpr, info: &cel::common::ast::SourceInfo) -> String {
    let mut lo = usize::MAX;
    let mut hi = 0;
    let mut stack = vec![e];
    while let Some(n) = stack.pop() {
        if let Some((s, t)) = info.offset_for(n.id) {
            lo = lo.min(s as usize);
            hi = hi.max(t as usize + 1);
        }
        stack.extend(children(n));
    }
    // A select's node covers its dot; take the field name after it too.
    let bytes = source.as_bytes();
    while hi < bytes.len() && (bytes[hi].is_ascii_alphanumeric() || bytes[hi] == b'_') {
        hi += 1;
    }
    let text = source
        .get(lo..hi.min(source.len()))
        .unwrap_or("…")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(79).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(src: &str) -> Vec<String> {
        let p = cel::Program::compile(src).unwrap();
        mutants(src, p.expression(), p.source_info())
            .into_iter()
            .map(|m| m.label)
            .collect()
    }

    fn run(expr: &IdedExpr, x: i64) -> cel::Value {
        let mut ctx = cel::Context::default();
        ctx.add_variable_from_value("x", x);
        ctx.add_variable_from_value("l", vec![1i64, 2, 3]);
        cel::Value::resolve(expr, &ctx).unwrap()
    }

    #[test]
    fn outermost_chain_operands_and_quantifier_bodies() {
        let l = labels("x > 1 && (x < 10 && l.all(i, i < x)) && !(x == 5)");
        assert_eq!(l.len(), 5, "{l:?}");
        assert!(l[0].starts_with("&& operand 1: x > 1"), "{l:?}");
        assert!(l[2].starts_with("&& operand 3: l.all"), "{l:?}");
        let fields = labels("r.exists && r.a.b_c == 1");
        assert_eq!(fields[0], "&& operand 1: r.exists");
        assert_eq!(fields[1], "&& operand 2: r.a.b_c == 1");
        assert!(l[4].starts_with("all body: i < x"), "{l:?}");
        let l = labels("!(x == 1 || x == 2)");
        assert_eq!(l.len(), 2, "{l:?}");
        assert!(l[1].starts_with("|| operand 2"), "{l:?}");
        assert!(labels("x == 1").is_empty());
        assert_eq!(labels("l.exists(i, i == x)"), vec!["exists body: i == x"]);
    }

    #[test]
    fn dropping_a_clause_uses_the_chains_identity() {
        let src = "x > 1 && x < 10";
        let p = cel::Program::compile(src).unwrap();
        let m = mutants(src, p.expression(), p.source_info());
        // Without `x > 1`, 0 passes; without `x < 10`, 20 passes.
        assert_eq!(run(&m[0].expr, 0), cel::Value::Bool(true));
        assert_eq!(run(&m[1].expr, 20), cel::Value::Bool(true));
        assert_eq!(run(p.expression(), 0), cel::Value::Bool(false));

        let src = "x == 1 || x == 2";
        let p = cel::Program::compile(src).unwrap();
        let m = mutants(src, p.expression(), p.source_info());
        assert_eq!(run(&m[0].expr, 1), cel::Value::Bool(false));

        let src = "l.all(i, i < x)";
        let p = cel::Program::compile(src).unwrap();
        let m = mutants(src, p.expression(), p.source_info());
        assert_eq!(run(&m[0].expr, 0), cel::Value::Bool(true));
        assert_eq!(run(p.expression(), 0), cel::Value::Bool(false));
    }
}
