//! CloudWatch Logs JSON filter patterns (`{ $.eventName = X && … }`),
//! parsed, so that a metric filter counts for a CIS event class only when
//! it matches at least every event the class names.
//!
//! A pattern is read into disjunctive normal form: a list of conjunctions
//! of comparisons. A filter covers a required pattern when each required
//! conjunction implies one of the filter's conjunctions, comparison by
//! comparison. That is sound and conservative: a filter narrowed by any
//! further condition (`&& $.userIdentity.arn = …`) does not cover the
//! class, and what cannot be parsed covers nothing.

/// One comparison: `$.field OP value`, `$.field NOT EXISTS`, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub field: String,
    pub op: Op,
    /// The compared value without quotes; empty for `NOT EXISTS`/`EXISTS`.
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Exists,
    NotExists,
    IsNull,
    IsTrue,
    IsFalse,
}

/// A pattern in disjunctive normal form.
pub type Dnf = Vec<Vec<Atom>>;

/// Patterns with more conjunctions than this are not expanded (and so
/// cover nothing).
const MAX_CONJUNCTIONS: usize = 1024;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Text(String),
    Quoted(String),
}

fn tokens(s: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                out.push(Tok::And);
                i += 2;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                out.push(Tok::Or);
                i += 2;
            }
            '"' => {
                let mut v = String::new();
                i += 1;
                loop {
                    match chars.get(i)? {
                        '\\' => {
                            v.push(*chars.get(i + 1)?);
                            i += 2;
                        }
                        '"' => {
                            i += 1;
                            break;
                        }
                        c => {
                            v.push(*c);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Quoted(v));
            }
            '=' | '!' | '<' | '>' => {
                let two = chars.get(i + 1) == Some(&'=');
                let op: String = if two {
                    [c, '='].iter().collect()
                } else {
                    c.to_string()
                };
                out.push(Tok::Text(op));
                i += if two { 2 } else { 1 };
            }
            _ => {
                let start = i;
                let ends_word = |i: usize| {
                    let c = chars[i];
                    let next = chars.get(i + 1).copied();
                    c.is_whitespace()
                        || matches!(c, '(' | ')' | '=' | '!' | '<' | '>' | '"')
                        || (c == '&' && next == Some('&'))
                        || (c == '|' && next == Some('|'))
                };
                while i < chars.len() && !ends_word(i) {
                    i += 1;
                }
                out.push(Tok::Text(chars[start..i].iter().collect()));
            }
        }
    }
    Some(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Text(t)) if t.eq_ignore_ascii_case(w)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Dnf> {
        let mut out = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.at += 1;
            out.extend(self.and()?);
            if out.len() > MAX_CONJUNCTIONS {
                return None;
            }
        }
        Some(out)
    }

    fn and(&mut self) -> Option<Dnf> {
        let mut out = self.unary()?;
        while self.peek() == Some(&Tok::And) {
            self.at += 1;
            let rhs = self.unary()?;
            if out.len() * rhs.len() > MAX_CONJUNCTIONS {
                return None;
            }
            out = out
                .iter()
                .flat_map(|l| {
                    rhs.iter().map(move |r| {
                        let mut c = l.clone();
                        c.extend(r.iter().cloned());
                        c
                    })
                })
                .collect();
        }
        Some(out)
    }

    fn unary(&mut self) -> Option<Dnf> {
        if self.peek() == Some(&Tok::Open) {
            self.at += 1;
            let inner = self.or()?;
            (self.next()? == Tok::Close).then_some(inner)
        } else {
            Some(vec![vec![self.comparison()?]])
        }
    }

    fn comparison(&mut self) -> Option<Atom> {
        let Tok::Text(field) = self.next()? else {
            return None;
        };
        if !field.starts_with('$') {
            return None;
        }
        let (op, value) = if self.word("NOT") {
            self.word("EXISTS")
                .then_some((Op::NotExists, String::new()))?
        } else if self.word("EXISTS") {
            (Op::Exists, String::new())
        } else if self.word("IS") {
            if self.word("NULL") {
                (Op::IsNull, String::new())
            } else if self.word("TRUE") {
                (Op::IsTrue, String::new())
            } else if self.word("FALSE") {
                (Op::IsFalse, String::new())
            } else {
                return None;
            }
        } else {
            let Tok::Text(op) = self.next()? else {
                return None;
            };
            let op = match op.as_str() {
                "=" | "==" => Op::Eq,
                "!=" => Op::Ne,
                "<" => Op::Lt,
                "<=" => Op::Le,
                ">" => Op::Gt,
                ">=" => Op::Ge,
                _ => return None,
            };
            let value = match self.next()? {
                Tok::Text(v) | Tok::Quoted(v) => v,
                _ => return None,
            };
            (op, value)
        };
        Some(Atom { field, op, value })
    }
}

/// Parses a JSON filter pattern; `None` for anything else (term patterns,
/// space-delimited patterns, malformed text).
pub fn parse(pattern: &str) -> Option<Dnf> {
    let body = pattern.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut p = Parser {
        toks: tokens(body)?,
        at: 0,
    };
    let dnf = p.or()?;
    (p.at == p.toks.len()).then_some(dnf)
}

/// Case-sensitive glob (`*` only), as filter pattern values match.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|&k| tail.is_char_boundary(k))
                .any(|k| glob(rest, &tail[k..]))
        }
    }
}

/// Whether every event matching all of `conj` matches `atom`.
fn implies(conj: &[Atom], atom: &Atom) -> bool {
    conj.iter().any(|c| {
        c == atom
            || (c.field == atom.field
                && c.op == Op::Eq
                && !c.value.contains('*')
                && match atom.op {
                    Op::Eq => glob(&atom.value, &c.value),
                    Op::Ne => !atom.value.contains('*') && atom.value != c.value,
                    Op::Exists => true,
                    _ => false,
                })
    })
}

/// Whether a filter (`filter`, parsed) matches every event `required`
/// matches; `allowed` are further conditions that do not count as
/// narrowing (those the CIS pattern itself adds, such as excluding
/// `HeadBucket` or naming the event source).
pub fn covers(filter: &Dnf, required: &Dnf, allowed: &[Atom]) -> bool {
    required.iter().all(|p| {
        filter.iter().any(|f| {
            f.iter()
                .all(|atom| implies(p, atom) || allowed.contains(atom))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Dnf {
        parse(s).unwrap_or_else(|| panic!("does not parse: {s}"))
    }

    #[test]
    fn parses_the_filter_pattern_syntax() {
        let d = p(
            r#"{ ($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName="ScheduleKeyDeletion")) }"#,
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[1][1].value, "ScheduleKeyDeletion");
        let d = p(
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0][1].op, Op::NotExists);
        assert_eq!(d[0][2].op, Op::Ne);
        for bad in [
            "ERROR",
            "[ip, user, ...]",
            "{ $.eventName = }",
            "{ ($.eventName = A }",
            "{ eventName = A }",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn narrowing_conditions_do_not_cover() {
        let required = p("{ ($.eventName = CreateTrail) || ($.eventName = StopLogging) }");
        let exact = p("{ ($.eventName = CreateTrail) || ($.eventName = StopLogging) }");
        assert!(covers(&exact, &required, &[]));
        // Broader filters cover: a wildcard, fewer conditions.
        assert!(covers(
            &p("{ $.eventName = CreateTrail || $.eventName = Stop* }"),
            &required,
            &[]
        ));
        // One event missing.
        assert!(!covers(&p("{ $.eventName = CreateTrail }"), &required, &[]));
        // Narrowed by a further conjunction: not the whole class.
        let narrowed = p(
            r#"{ (($.eventName = CreateTrail) || ($.eventName = StopLogging)) && $.userIdentity.arn = "arn:aws:iam::111122223333:user/ops" }"#,
        );
        assert!(!covers(&narrowed, &required, &[]));
        // ... unless CIS itself allows that condition.
        let allowed =
            p(r#"{ $.userIdentity.arn = "arn:aws:iam::111122223333:user/ops" }"#)[0].clone();
        assert!(covers(&narrowed, &required, &allowed));
        // A negation excluding a named event is not coverage of it.
        assert!(!covers(
            &p("{ $.eventName = * && $.eventName != StopLogging }"),
            &required,
            &[]
        ));
        // Substring tricks: a longer name does not cover a shorter one.
        assert!(!covers(
            &p("{ $.eventName = CreateTrails || $.eventName = StopLogging }"),
            &required,
            &[]
        ));
    }
}
