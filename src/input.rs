//! Reading user input files, with errors that name the file and position.

use std::path::Path;

use anyhow::{bail, Context as _, Result};
use settei_model::{Snapshot, SNAPSHOT_SCHEMA_VERSION};
use settei_rules::{Catalog, Config, Diagnostic, SourceRef};

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads and checks a snapshot: JSON syntax and shape (with line and column),
/// format version, and every resource's attributes against its kind schema.
pub fn load_snapshot(path: &Path, catalog: &Catalog) -> Result<Snapshot> {
    let text = read(path)?;
    let shown = path.display().to_string();
    let snapshot: Snapshot = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: error: invalid snapshot: {e}",
            shown,
            e.line(),
            e.column()
        )
    })?;
    if snapshot.schema_version != SNAPSHOT_SCHEMA_VERSION {
        let at = text.find("\"schema_version\"").unwrap_or(0);
        let d = SourceRef::new(&shown, &text).at(
            at,
            format!(
                "snapshot format version {} is not supported (this settei reads version {SNAPSHOT_SCHEMA_VERSION})",
                snapshot.schema_version
            ),
        );
        bail!("{d}");
    }
    let src = SourceRef::new(&shown, &text);
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Where a resource is written, looked up only for a problem to report:
    // searching the text for every resource made loading quadratic.
    let at = |r: &settei_model::Resource| {
        text.find(&serde_json::to_string(&r.id).unwrap_or_default())
            .unwrap_or(0)
    };
    for r in &snapshot.resources {
        if !seen.insert((&r.id, &r.kind)) {
            problems.push(src.at(
                at(r),
                format!("resource `{}` of kind `{}` appears twice", r.id, r.kind),
            ));
        }
        match catalog.kinds.get(&r.kind) {
            Some(k) => {
                if let Err(e) = k.check_attributes(&r.attributes) {
                    problems.push(src.at(at(r), format!("resource `{}`: {e}", r.id)));
                }
            }
            None => tracing::warn!(
                "{}: resource `{}` has kind `{}`, which no rule knows",
                shown,
                r.id,
                r.kind
            ),
        }
    }
    if !problems.is_empty() {
        bail!("{}", settei_rules::Diagnostics(problems));
    }
    Ok(snapshot)
}

/// Reads a stored scan (a JSON report written by `settei scan --format json`).
pub fn load_report(path: &Path) -> Result<settei_report::json::StoredScan> {
    let text = read(path)?;
    settei_report::json::parse(&text).map_err(|e| match e {
        settei_report::json::ParseError::Syntax { .. } => {
            anyhow::anyhow!("{}:{e}", path.display())
        }
        _ => anyhow::anyhow!("{}: error: {e}", path.display()),
    })
}

/// Reads and validates a configuration file against the catalog.
pub fn load_config(path: &Path, catalog: &Catalog) -> Result<Config> {
    let text = read(path)?;
    let shown = path.display().to_string();
    Config::parse(SourceRef::new(&shown, &text), catalog).map_err(|d| anyhow::anyhow!("{d}"))
}

/// The embedded catalog with `--rules` directories laid over it.
pub fn load_catalog(dirs: &[std::path::PathBuf]) -> Result<Catalog> {
    Catalog::with_overlays(dirs)
        .map_err(|d| anyhow::anyhow!("{d}\n{} problem(s) in rules", d.len()))
}
