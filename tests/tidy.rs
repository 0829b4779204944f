//! Architecture checks as ordinary tests.

use std::path::Path;

fn manifest(krate: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("crates")
            .join(krate)
            .join("Cargo.toml"),
    )
    .unwrap()
}

/// Invariant 3: the model, rules, engine and report crates can do no network
/// I/O and know no cloud SDK: none of them depends on one.
#[test]
fn pure_crates_have_no_network_or_sdk_dependencies() {
    const FORBIDDEN: &[&str] = &[
        "aws-",
        "azure",
        "google-cloud",
        "reqwest",
        "hyper",
        "tokio",
        "ureq",
        "isahc",
        "surf",
    ];
    for krate in [
        "settei-model",
        "settei-rules",
        "settei-engine",
        "settei-report",
    ] {
        let m = manifest(krate);
        let deps = m.split("[dependencies]").nth(1).unwrap_or("");
        for line in deps
            .lines()
            .take_while(|l| !l.starts_with("[dev-dependencies]"))
        {
            let name = line.split(['.', '=', ' ']).next().unwrap_or("");
            assert!(
                !FORBIDDEN.iter().any(|f| name.starts_with(f)),
                "{krate} depends on `{name}`"
            );
        }
    }
}

/// Every workspace crate has a doc comment at its root saying what it is for.
#[test]
fn crates_document_their_role() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for krate in [
        "settei-model",
        "settei-rules",
        "settei-engine",
        "settei-report",
    ] {
        let lib =
            std::fs::read_to_string(root.join("crates").join(krate).join("src/lib.rs")).unwrap();
        assert!(
            lib.starts_with("//!"),
            "{krate}/src/lib.rs starts without a crate doc comment"
        );
        assert!(
            std::fs::read_to_string(root.join("docs/ARCHITECTURE.md"))
                .unwrap()
                .contains(&format!("`crates/{krate}`")),
            "docs/ARCHITECTURE.md does not describe {krate}"
        );
    }
}
