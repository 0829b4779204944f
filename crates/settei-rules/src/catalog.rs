//! Loading the whole rule catalog: guideline data, kind schemas, benchmark
//! references and rules, from the embedded set and from override directories.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use settei_model::{Category, Group, Guideline, Layer, Measure, Provider, Section, Severity, Text};

use crate::check::{compile_condition, params_type};
use crate::diag::{Diagnostic, Diagnostics, SourceRef};
use crate::rule::{toml_to_json, valid_rule_id, RawRule, Rule};
use crate::schema::{parse_kind, KindSchema, Ty};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The guideline category ids, in the guideline's order.
pub const CATEGORY_IDS: [&str; 11] = [
    "1", "2", "3", "4.1", "4.2", "5", "6.1", "6.2", "6.3", "6.4", "7",
];

/// One input file: its path relative to a rules root, the path shown to the
/// user, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub rel: String,
    pub display: String,
    pub text: String,
}

/// A benchmark control that rules may cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `cis-aws-3.0:2.1.4`
    pub id: String,
    pub benchmark: String,
    pub control: String,
    pub section: String,
    pub automated: bool,
    pub title: String,
    /// Why no rule checks this control (from
    /// `references/<benchmark>.gaps.toml`: read-only APIs cannot see it, or
    /// what it checks no longer exists), when that is so.
    pub gap: Option<Text>,
}

/// Everything settei knows before it sees a snapshot.
#[derive(Debug)]
pub struct Catalog {
    pub guideline: Guideline,
    pub kinds: BTreeMap<String, KindSchema>,
    /// Sorted by id.
    pub rules: Vec<Rule>,
    pub references: BTreeMap<String, Reference>,
}

impl Catalog {
    /// The rule set built into the binary.
    pub fn embedded() -> Result<Catalog, Diagnostics> {
        Catalog::from_layers(vec![embedded_files()])
    }

    /// The embedded set with each directory laid over it in turn: a file at
    /// the same relative path replaces the embedded one, and a rule with the
    /// same id overrides the embedded rule.
    pub fn with_overlays(dirs: &[PathBuf]) -> Result<Catalog, Diagnostics> {
        let mut layers = vec![embedded_files()];
        for dir in dirs {
            layers.push(read_dir_files(dir)?);
        }
        Catalog::from_layers(layers)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.rules[i])
    }

    /// Loads from layers of files; later layers override earlier ones.
    pub fn from_layers(layers: Vec<Vec<SourceFile>>) -> Result<Catalog, Diagnostics> {
        let mut diags = Vec::new();
        // Non-rule files: the last layer's copy of a path wins.
        let mut data: BTreeMap<String, SourceFile> = BTreeMap::new();
        let mut rule_layers: Vec<Vec<SourceFile>> = Vec::new();
        for layer in layers {
            let mut rules = Vec::new();
            for f in layer {
                if f.rel.starts_with("guideline/")
                    || f.rel.starts_with("kinds/")
                    || f.rel.starts_with("references/")
                {
                    data.insert(f.rel.clone(), f);
                } else if f.rel.ends_with(".toml") {
                    rules.push(f);
                }
            }
            rule_layers.push(rules);
        }

        let guideline = load_guideline(&data, &mut diags);
        let references = load_references(&data, &mut diags);
        let mut kinds = BTreeMap::new();
        for f in data
            .values()
            .filter(|f| f.rel.starts_with("kinds/") && f.rel.ends_with(".toml"))
        {
            match parse_kind(SourceRef::new(&f.display, &f.text)) {
                Ok(k) => {
                    if let Some(prev) = kinds.get(&k.kind) {
                        let prev: &KindSchema = prev;
                        diags.push(Diagnostic {
                            file: f.display.clone(),
                            line: 1,
                            column: 1,
                            message: format!(
                                "kind `{}` is already declared in {}",
                                k.kind, prev.file
                            ),
                        });
                    } else {
                        kinds.insert(k.kind.clone(), k);
                    }
                }
                Err(d) => diags.extend(d),
            }
        }

        let ctx = RuleContext {
            guideline: &guideline,
            kinds: &kinds,
            references: &references,
        };
        let mut rules: BTreeMap<String, Rule> = BTreeMap::new();
        for layer in &rule_layers {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for f in layer {
                if let Some(rule) = load_rule(f, &ctx, &mut diags) {
                    if let Some(prev) = seen.insert(rule.id.clone(), &f.display) {
                        diags.push(Diagnostic {
                            file: f.display.clone(),
                            line: 1,
                            column: 1,
                            message: format!("duplicate rule id `{}` (also in {prev})", rule.id),
                        });
                        continue;
                    }
                    rules.insert(rule.id.clone(), rule);
                }
            }
        }
        if !diags.is_empty() {
            diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            return Err(Diagnostics(diags));
        }
        Ok(Catalog {
            guideline,
            kinds,
            rules: rules.into_values().collect(),
            references,
        })
    }
}

/// The files compiled into the binary.
pub fn embedded_files() -> Vec<SourceFile> {
    embedded::FILES
        .iter()
        .map(|(rel, text)| SourceFile {
            rel: rel.to_string(),
            display: format!("rules/{rel}"),
            text: text.to_string(),
        })
        .collect()
}

/// Reads every `.toml` and `.tsv` file below `dir`.
pub fn read_dir_files(dir: &Path) -> Result<Vec<SourceFile>, Diagnostics> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<SourceFile>, diags: &mut Vec<Diagnostic>) {
        let mut entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect::<Vec<_>>(),
            Err(e) => {
                diags.push(Diagnostic {
                    file: dir.display().to_string(),
                    line: 1,
                    column: 1,
                    message: e.to_string(),
                });
                return;
            }
        };
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, root, out, diags);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("toml" | "tsv")
            ) {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                match std::fs::read_to_string(&path) {
                    Ok(text) => out.push(SourceFile {
                        rel,
                        display: path.display().to_string(),
                        text,
                    }),
                    Err(e) => diags.push(Diagnostic {
                        file: path.display().to_string(),
                        line: 1,
                        column: 1,
                        message: format!("cannot read: {e}"),
                    }),
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut diags = Vec::new();
    if !dir.is_dir() {
        diags.push(Diagnostic {
            file: dir.display().to_string(),
            line: 1,
            column: 1,
            message: "not a directory".into(),
        });
    } else {
        walk(dir, dir, &mut out, &mut diags);
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(Diagnostics(diags))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    layer: Vec<Layer>,
    group: Vec<Group>,
    category: Vec<Category>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasuresFile {
    section: Vec<Section>,
    measure: Vec<Measure>,
}

fn load_guideline(data: &BTreeMap<String, SourceFile>, diags: &mut Vec<Diagnostic>) -> Guideline {
    let mut g = Guideline::default();
    let missing = |rel: &str| Diagnostic {
        file: format!("rules/{rel}"),
        line: 1,
        column: 1,
        message: "guideline file is missing".into(),
    };
    match data.get("guideline/categories.toml") {
        None => diags.push(missing("guideline/categories.toml")),
        Some(f) => {
            let src = SourceRef::new(&f.display, &f.text);
            match toml::from_str::<CategoriesFile>(&f.text) {
                Err(e) => diags.push(src.toml_error(&e)),
                Ok(c) => {
                    let ids: Vec<&str> = c.category.iter().map(|c| c.id.as_str()).collect();
                    if ids != CATEGORY_IDS {
                        diags.push(src.at(0, format!("categories must be exactly {CATEGORY_IDS:?} in order, found {ids:?}")));
                    }
                    for cat in &c.category {
                        let at = f.text.find(&format!("id = \"{}\"", cat.id)).unwrap_or(0);
                        for (what, t) in [
                            ("name", &cat.name),
                            ("meaning", &cat.meaning),
                            ("risk", &cat.risk),
                            ("recommended", &cat.recommended),
                        ] {
                            if t.is_incomplete() {
                                diags.push(src.at(
                                    at,
                                    format!(
                                        "category {}: `{what}` needs both ja and en text",
                                        cat.id
                                    ),
                                ));
                            }
                        }
                        for l in &cat.layers {
                            if !c.layer.iter().any(|x| &x.id == l) {
                                diags.push(
                                    src.at(at, format!("category {}: unknown layer `{l}`", cat.id)),
                                );
                            }
                        }
                        if !cat.group.is_empty() && !c.group.iter().any(|g| g.id == cat.group) {
                            diags.push(src.at(
                                at,
                                format!("category {}: unknown group `{}`", cat.id, cat.group),
                            ));
                        }
                    }
                    g.layers = c.layer;
                    g.groups = c.group;
                    g.categories = c.category;
                }
            }
        }
    }
    match data.get("guideline/measures.toml") {
        None => diags.push(missing("guideline/measures.toml")),
        Some(f) => {
            let src = SourceRef::new(&f.display, &f.text);
            match toml::from_str::<MeasuresFile>(&f.text) {
                Err(e) => diags.push(src.toml_error(&e)),
                Ok(m) => {
                    for (i, measure) in m.measure.iter().enumerate() {
                        let at = f
                            .text
                            .find(&format!("id = \"{}\"", measure.id))
                            .unwrap_or(0);
                        if m.measure[..i].iter().any(|o| o.id == measure.id) {
                            diags.push(
                                src.at(at, format!("measure {} is listed twice", measure.id)),
                            );
                        }
                        if measure.title.is_incomplete() || measure.text.is_incomplete() {
                            diags.push(src.at(
                                at,
                                format!(
                                    "measure {}: title and text need both ja and en",
                                    measure.id
                                ),
                            ));
                        }
                    }
                    g.sections = m.section;
                    g.measures = m.measure;
                }
            }
        }
    }
    g
}

fn load_references(
    data: &BTreeMap<String, SourceFile>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Reference> {
    let mut out = BTreeMap::new();
    for f in data
        .values()
        .filter(|f| f.rel.starts_with("references/") && f.rel.ends_with(".tsv"))
    {
        let benchmark = f
            .rel
            .trim_start_matches("references/")
            .trim_end_matches(".tsv")
            .to_string();
        for (n, line) in f.text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 5 {
                diags.push(Diagnostic {
                    file: f.display.clone(),
                    line: n + 1,
                    column: 1,
                    message:
                        "expected 5 tab-separated columns: id, section, profile, assessment, title"
                            .into(),
                });
                continue;
            }
            let id = format!("{benchmark}:{}", cols[0]);
            out.insert(
                id.clone(),
                Reference {
                    id,
                    benchmark: benchmark.clone(),
                    control: cols[0].to_string(),
                    section: cols[1].to_string(),
                    automated: cols[3] == "Automated",
                    title: cols[4].trim_matches('"').replace("\"\"", "\""),
                    gap: None,
                },
            );
        }
    }
    // `references/<benchmark>.gaps.toml`: `["<control>"] = { ja, en }`, why
    // no rule checks a control.
    for f in data
        .values()
        .filter(|f| f.rel.starts_with("references/") && f.rel.ends_with(".gaps.toml"))
    {
        let benchmark = f
            .rel
            .trim_start_matches("references/")
            .trim_end_matches(".gaps.toml");
        let src = SourceRef {
            path: &f.display,
            text: &f.text,
        };
        let table: BTreeMap<String, Text> = match toml::from_str(&f.text) {
            Ok(t) => t,
            Err(e) => {
                diags.push(src.toml_error(&e));
                continue;
            }
        };
        for (control, text) in table {
            let at = f.text.find(&format!("[\"{control}\"]")).unwrap_or(0);
            match out.get_mut(&format!("{benchmark}:{control}")) {
                Some(r) if !text.is_incomplete() => r.gap = Some(text),
                Some(_) => {
                    diags.push(src.at(at, format!("gap `{control}` needs both `ja` and `en` text")))
                }
                None => {
                    diags.push(src.at(at, format!("`{control}` is not a control of {benchmark}")))
                }
            }
        }
    }
    out
}

struct RuleContext<'a> {
    guideline: &'a Guideline,
    kinds: &'a BTreeMap<String, KindSchema>,
    references: &'a BTreeMap<String, Reference>,
}

fn load_rule(f: &SourceFile, ctx: &RuleContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Rule> {
    let src = SourceRef::new(&f.display, &f.text);
    let raw: RawRule = match toml::from_str(&f.text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(src.toml_error(&e));
            return None;
        }
    };
    let before = diags.len();
    let id = raw.id.get_ref().clone();
    let stem = f
        .rel
        .rsplit('/')
        .next()
        .unwrap_or(&f.rel)
        .trim_end_matches(".toml");
    if id != stem {
        diags.push(src.at_span(
            &raw.id.span(),
            format!("rule id `{id}` must equal the file name `{stem}`"),
        ));
    }
    if !valid_rule_id(&id) {
        diags.push(src.at_span(
            &raw.id.span(),
            format!("rule id `{id}` must look like `AWS-S3-001`"),
        ));
    }
    let provider = raw
        .provider
        .get_ref()
        .parse::<Provider>()
        .map_err(|e| diags.push(src.at_span(&raw.provider.span(), e)))
        .ok();
    let severity = raw
        .severity
        .get_ref()
        .parse::<Severity>()
        .map_err(|e| diags.push(src.at_span(&raw.severity.span(), e)))
        .ok();
    // `<provider>.*`: every kind of the provider. Such a rule sees no
    // attributes (`r` is empty) and reads only `resource.*` and `params.*`.
    let any_kind = provider.and_then(|p| {
        (raw.kind.get_ref() == &format!("{}.*", p.as_str())).then(|| KindSchema {
            kind: raw.kind.get_ref().clone(),
            provider: p,
            title: Text {
                ja: "すべてのリソース種別".into(),
                en: "Every resource kind".into(),
            },
            // Where data may be is a claim about every region.
            per_region: true,
            root: Ty::Object(Default::default()),
            attributes: Vec::new(),
            file: String::new(),
        })
    });
    let kind = any_kind
        .as_ref()
        .or_else(|| ctx.kinds.get(raw.kind.get_ref()));
    match kind {
        None => diags.push(src.at_span(
            &raw.kind.span(),
            format!("unknown resource kind `{}`", raw.kind.get_ref()),
        )),
        Some(k) => {
            if Some(k.provider) != provider && provider.is_some() {
                diags.push(src.at_span(
                    &raw.kind.span(),
                    format!("kind `{}` belongs to provider {}", k.kind, k.provider),
                ));
            }
            // Layout: <provider>/<service>/<ID>.toml, service = the kind's
            // second segment (`all` for rules on every kind).
            let service = match k.kind.split('.').nth(1).unwrap_or("") {
                "*" => "all",
                s => s,
            };
            let expected = format!("{}/{service}/{id}.toml", k.provider);
            if !f.rel.ends_with(&expected) {
                diags.push(src.at(
                    0,
                    format!(
                        "rule file must be at `{expected}` under a rules directory, not `{}`",
                        f.rel
                    ),
                ));
            }
        }
    }
    if ctx.guideline.category(raw.category.get_ref()).is_none() {
        diags.push(src.at_span(
            &raw.category.span(),
            format!(
                "unknown guideline category `{}` (expected one of {})",
                raw.category.get_ref(),
                CATEGORY_IDS.join(", ")
            ),
        ));
    }
    for m in &raw.measures {
        if ctx.guideline.measure(m.get_ref()).is_none() {
            diags.push(src.at_span(
                &m.span(),
                format!("unknown guideline measure `{}`", m.get_ref()),
            ));
        }
    }
    for r in &raw.references {
        let id = r.get_ref();
        match id.split_once(':') {
            Some((bench, _))
                if ctx
                    .references
                    .keys()
                    .any(|k| k.starts_with(&format!("{bench}:"))) =>
            {
                match ctx.references.get(id) {
                    None => diags.push(src.at_span(
                        &r.span(),
                        format!("unknown control `{id}` in benchmark `{bench}`"),
                    )),
                    // A control is either checked or explained, not both.
                    Some(c) if c.gap.is_some() => diags.push(src.at_span(
                        &r.span(),
                        format!(
                            "`{id}` is listed in references/{bench}.gaps.toml as checked by no rule; \
                             remove it there to cite it"
                        ),
                    )),
                    Some(_) => {}
                }
            }
            _ => diags.push(src.at_span(
                &r.span(),
                format!("reference `{id}` must name a known benchmark, e.g. `cis-aws-3.0:2.1.4`"),
            )),
        }
    }
    for (what, text) in [("title", &raw.title), ("risk", &raw.risk)] {
        if text.get_ref().is_incomplete() {
            diags.push(src.at_span(
                &text.span(),
                format!("`{what}` needs both `ja` and `en` text"),
            ));
        }
    }
    let rem = raw.remediation.get_ref();
    if rem.ja.trim().is_empty() || rem.en.trim().is_empty() {
        diags.push(src.at_span(
            &raw.remediation.span(),
            "`remediation` needs both `ja` and `en` text",
        ));
    }
    let title_en = &raw.title.get_ref().en;
    if title_en.starts_with("Ensure") {
        diags.push(src.at_span(
            &raw.title.span(),
            "the title describes the secure state; do not start it with \"Ensure\"",
        ));
    }
    if title_en.chars().count() > 120 {
        diags.push(src.at_span(
            &raw.title.span(),
            "the English title is longer than 120 characters",
        ));
    }
    let mut params = BTreeMap::new();
    let mut param_docs = BTreeMap::new();
    for (name, p) in &raw.params {
        let param = p.get_ref();
        if param.description.is_incomplete() {
            diags.push(src.at_span(
                &p.span(),
                format!("parameter `{name}` needs a ja and en description"),
            ));
        }
        if matches!(
            param.default,
            toml::Value::Table(_) | toml::Value::Datetime(_)
        ) {
            diags.push(src.at_span(
                &p.span(),
                format!("parameter `{name}`: default must be a bool, number, string or array"),
            ));
        }
        params.insert(name.clone(), toml_to_json(&param.default));
        param_docs.insert(name.clone(), param.clone());
    }
    let compiled = kind.and_then(|k| {
        match compile_condition(
            raw.condition.get_ref(),
            &k.root,
            &k.optional_paths(),
            &params_type(&params),
        ) {
            Ok(c) if passes_on_nothing(&c, &params) => {
                diags.push(src.at(
                    condition_base_offset(&f.text, &raw.condition),
                    "the condition is true for a resource none of whose attributes could be \
                     read: a rule must never pass on missing data (decide on the attributes \
                     themselves; a missing one makes the rule ERROR)",
                ));
                None
            }
            Ok(c) => Some(c),
            Err(errs) => {
                let base = condition_base_offset(&f.text, &raw.condition);
                for e in errs {
                    diags.push(src.at(base + e.offset, e.message));
                }
                None
            }
        }
    });
    // Applicability reads identity only: an empty attribute schema makes any
    // `r.` read an error.
    let applies_when = raw.applies_when.as_ref().and_then(|w| {
        let no_attributes = crate::schema::Ty::Object(BTreeMap::new());
        match compile_condition(
            w.get_ref(),
            &no_attributes,
            &Default::default(),
            &params_type(&params),
        ) {
            Ok(c) => Some((w.get_ref().clone(), c)),
            Err(errs) => {
                let base = condition_base_offset(&f.text, w);
                for e in errs {
                    diags.push(src.at(
                        base + e.offset,
                        format!(
                            "applies_when may read only `resource` and `params`: {}",
                            e.message
                        ),
                    ));
                }
                None
            }
        }
    });
    if diags.len() > before {
        return None;
    }
    Some(Rule {
        id,
        provider: provider?,
        kind: raw.kind.into_inner(),
        severity: severity?,
        category: raw.category.into_inner(),
        measures: raw.measures.into_iter().map(|m| m.into_inner()).collect(),
        references: raw.references.into_iter().map(|r| r.into_inner()).collect(),
        title: raw.title.into_inner(),
        risk: raw.risk.into_inner(),
        remediation: raw.remediation.into_inner(),
        condition: raw.condition.into_inner(),
        params,
        param_docs,
        compiled: compiled?,
        applies_when,
        per_region: kind.is_some_and(|k| k.per_region),
        file: f.display.clone(),
    })
}

/// Whether a condition that reads attributes is true when the resource has
/// none (every read failed): such a rule would pass on missing data.
/// Conditions on the resource's identity alone (residency) read no
/// attribute and are not this check's business.
fn passes_on_nothing(
    c: &crate::check::CompiledCondition,
    params: &BTreeMap<String, serde_json::Value>,
) -> bool {
    let reads_attributes = c
        .reads
        .iter()
        .any(|p| !p.starts_with("resource.") && !p.starts_with("params."));
    if !reads_attributes {
        return false;
    }
    let mut ctx = cel::Context::default();
    let empty = serde_json::Value::Object(Default::default());
    ctx.add_variable_from_value("r", crate::value::json_to_cel(&empty));
    ctx.add_variable_from_value(
        "resource",
        crate::value::json_to_cel(&serde_json::json!({
            "id": "", "kind": "", "name": "", "region": "", "tags": {}
        })),
    );
    ctx.add_variable_from_value(
        "params",
        crate::value::json_to_cel(&serde_json::Value::Object(
            params.clone().into_iter().collect(),
        )),
    );
    matches!(c.program.execute(&ctx), Ok(cel::Value::Bool(true)))
}

/// The byte offset in the file where the condition's text starts, so that an
/// error inside the condition points into the file. Exact for literal and
/// escape-free strings; falls back to the string's start otherwise.
fn condition_base_offset(file: &str, cond: &toml::Spanned<String>) -> usize {
    let span = cond.span();
    let raw = &file[span.clone()];
    match raw.find(cond.get_ref().as_str()) {
        Some(i) => span.start + i,
        None => span.start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(rel: &str, text: &str) -> Result<Catalog, Diagnostics> {
        Catalog::from_layers(vec![
            embedded_files(),
            vec![SourceFile {
                rel: rel.into(),
                display: format!("overlay/{rel}"),
                text: text.into(),
            }],
        ])
    }

    #[test]
    fn a_gaps_file_gives_controls_their_reason() {
        let c = with(
            "references/cis-azure-3.0.gaps.toml",
            "[\"2.4\"]\nja = \"理由\"\nen = \"why\"\n",
        )
        .unwrap();
        let r = &c.references["cis-azure-3.0:2.4"];
        assert_eq!(r.gap.as_ref().map(|t| t.en.as_str()), Some("why"));
        assert!(c.references["cis-azure-3.0:2.3"].gap.is_none());
    }

    #[test]
    fn a_gap_for_an_unknown_control_or_in_one_language_is_refused() {
        let e = with(
            "references/cis-azure-3.0.gaps.toml",
            "[\"99.9\"]\nja = \"理由\"\nen = \"why\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("not a control of cis-azure-3.0"), "{e}");
        assert!(
            e.contains("overlay/references/cis-azure-3.0.gaps.toml"),
            "{e}"
        );
        let e = with(
            "references/cis-azure-3.0.gaps.toml",
            "[\"2.4\"]\nja = \"\"\nen = \"why\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("both `ja` and `en`"), "{e}");
    }

    #[test]
    fn a_control_a_rule_cites_cannot_also_be_a_gap() {
        let e = with(
            "references/cis-azure-3.0.gaps.toml",
            "[\"4.1\"]\nja = \"理由\"\nen = \"why\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("AZURE-STORAGE-001"), "{e}");
        assert!(e.contains("checked by no rule"), "{e}");
    }
}
