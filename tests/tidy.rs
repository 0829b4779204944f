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

fn workspace_crates() -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("crates"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
    names.sort();
    names
}

fn dependency_names(manifest: &str) -> Vec<String> {
    let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
    deps.lines()
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split(['.', '=', ' ']).next())
        .filter(|n| !n.is_empty() && !n.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Invariant 3: SDK crates are dependencies of adapter crates only; the
/// provider crate, the pure crates and the CLI reach a cloud through an
/// adapter's own types.
#[test]
fn only_adapter_crates_depend_on_cloud_sdks() {
    const SDK: &[&str] = &["aws-", "azure", "google-cloud", "gcp-"];
    const ADAPTERS: &[&str] = &["settei-aws", "settei-aws-ec2", "settei-azure", "settei-gcp"];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut manifests: Vec<(String, String)> = workspace_crates()
        .into_iter()
        .filter(|k| !ADAPTERS.contains(&k.as_str()))
        .map(|k| (k.clone(), manifest(&k)))
        .collect();
    manifests.push((
        "settei (CLI)".into(),
        std::fs::read_to_string(root.join("Cargo.toml")).unwrap(),
    ));
    for (krate, m) in manifests {
        for name in dependency_names(&m) {
            assert!(
                !SDK.iter().any(|f| name.starts_with(f)),
                "{krate} depends on the SDK crate `{name}`"
            );
        }
    }
    // And an adapter's public functions speak settei types, not SDK types.
    for adapter in ADAPTERS {
        let Ok(lib) = std::fs::read_to_string(root.join("crates").join(adapter).join("src/lib.rs"))
        else {
            continue;
        };
        for line in lib.lines().filter(|l| {
            l.starts_with("pub fn") || l.starts_with("pub async fn") || l.starts_with("pub use")
        }) {
            assert!(
                ![
                    "aws_sdk",
                    "aws_config",
                    "aws_smithy",
                    "SdkConfig",
                    "azure_",
                    "google_cloud"
                ]
                .iter()
                .any(|t| line.contains(t)),
                "{adapter} exposes an SDK type: {line}"
            );
        }
    }
}

/// Every workspace crate has a doc comment at its root saying what it is for,
/// and docs/ARCHITECTURE.md describes it.
#[test]
fn crates_document_their_role() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for krate in workspace_crates() {
        let lib =
            std::fs::read_to_string(root.join("crates").join(&krate).join("src/lib.rs")).unwrap();
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
