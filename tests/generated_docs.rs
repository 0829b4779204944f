//! The generated documentation under `docs/` matches the catalog.
//! Regenerate with `cargo xtask docs`.

#[test]
fn generated_docs_are_fresh() {
    let catalog = settei_rules::Catalog::embedded().unwrap_or_else(|d| panic!("{d}"));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (path, content) in settei_report::docs::generated(&catalog) {
        let current = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        if current != content {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs: {stale:?}; run `cargo xtask docs`"
    );
}
