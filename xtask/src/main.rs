//! Developer tasks: `cargo xtask docs [--check]`,
//! `cargo xtask bench [--resources N] [--html FILE] [--write-snapshot FILE]`.

mod bench;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use settei_rules::Catalog;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repo")
        .to_path_buf()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("docs") => docs(args.iter().any(|a| a == "--check")),
        Some("bench") => {
            let n = args
                .iter()
                .position(|a| a == "--resources")
                .and_then(|i| args.get(i + 1))
                .map(|s| s.parse::<usize>())
                .transpose()
                .context("--resources takes a number")?
                .unwrap_or(100_000);
            let html = args
                .iter()
                .position(|a| a == "--html")
                .and_then(|i| args.get(i + 1))
                .map(std::path::PathBuf::from);
            let snapshot = args
                .iter()
                .position(|a| a == "--write-snapshot")
                .and_then(|i| args.get(i + 1))
                .map(std::path::PathBuf::from);
            bench::run(n, html.as_deref(), snapshot.as_deref())
        }
        _ => bail!(
            "usage: cargo xtask docs [--check] | cargo xtask bench [--resources N] [--html FILE] [--write-snapshot FILE]"
        ),
    }
}

fn docs(check: bool) -> Result<()> {
    let catalog = Catalog::embedded().map_err(|d| anyhow::anyhow!("{d}"))?;
    let root = repo_root();
    let mut stale = Vec::new();
    for (path, content) in settei_report::docs::generated(&catalog) {
        let full = root.join(path);
        let current = std::fs::read_to_string(&full).unwrap_or_default();
        if current == content {
            continue;
        }
        if check {
            stale.push(path);
        } else {
            std::fs::create_dir_all(full.parent().unwrap())?;
            std::fs::write(&full, content).with_context(|| format!("writing {path}"))?;
            println!("wrote {path}");
        }
    }
    if !stale.is_empty() {
        bail!(
            "stale generated docs: {} — run `cargo xtask docs`",
            stale.join(", ")
        );
    }
    Ok(())
}
