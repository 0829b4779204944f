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

/// Type paths that belong to a cloud SDK or an HTTP stack.
const SDK_TOKENS: &[&str] = &[
    "aws_sdk_",
    "aws_config",
    "aws_smithy",
    "aws_types",
    "SdkConfig",
    "SdkError",
    "reqwest",
    "hyper",
    "azure_core",
    "azure_identity",
    "google_cloud",
];

fn tokens(t: &impl quote::ToTokens) -> String {
    t.to_token_stream().to_string().replace(' ', "")
}

fn is_pub(v: &syn::Visibility) -> bool {
    matches!(v, syn::Visibility::Public(_))
}

/// Every SDK type named by the public API of the module in `file`
/// (recursing into public modules, and into private ones for what `pub
/// use` re-exports), except the `sibling` module, which is for adapter
/// crates only.
fn sdk_in_public_api(dir: &Path, file: &Path, only: Option<&[String]>, out: &mut Vec<String>) {
    let text = std::fs::read_to_string(file).unwrap();
    let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let shown = file.strip_prefix(dir).unwrap_or(file).display().to_string();
    let wanted = |name: &str| only.is_none_or(|o| o.iter().any(|n| n == name));
    let mut mine: Vec<String> = Vec::new();
    let mut flag = |what: String, t: String| {
        if let Some(sdk) = SDK_TOKENS.iter().find(|s| t.contains(*s)) {
            mine.push(format!("{shown}: {what} names `{sdk}`: {t}"));
        }
    };
    let mut public_types: Vec<String> = Vec::new();
    for item in &ast.items {
        match item {
            syn::Item::Fn(f) if is_pub(&f.vis) && wanted(&f.sig.ident.to_string()) => {
                flag(format!("fn {}", f.sig.ident), tokens(&f.sig))
            }
            syn::Item::Struct(s) if is_pub(&s.vis) && wanted(&s.ident.to_string()) => {
                public_types.push(s.ident.to_string());
                flag(format!("struct {}", s.ident), tokens(&s.generics));
                for f in s.fields.iter().filter(|f| is_pub(&f.vis)) {
                    let field = f.ident.as_ref().map_or(String::new(), |i| i.to_string());
                    flag(format!("field {}.{field}", s.ident), tokens(&f.ty));
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) && wanted(&e.ident.to_string()) => {
                public_types.push(e.ident.to_string());
                flag(format!("enum {}", e.ident), tokens(&e.variants));
            }
            syn::Item::Trait(t) if is_pub(&t.vis) && wanted(&t.ident.to_string()) => {
                for it in &t.items {
                    flag(format!("trait {}", t.ident), tokens(it));
                }
            }
            syn::Item::Type(t) if is_pub(&t.vis) && wanted(&t.ident.to_string()) => {
                flag(format!("type {}", t.ident), tokens(&t.ty))
            }
            syn::Item::Const(c) if is_pub(&c.vis) && wanted(&c.ident.to_string()) => {
                flag(format!("const {}", c.ident), tokens(&c.ty))
            }
            syn::Item::Static(c) if is_pub(&c.vis) && wanted(&c.ident.to_string()) => {
                flag(format!("static {}", c.ident), tokens(&c.ty))
            }
            syn::Item::Mod(m) if is_pub(&m.vis) && only.is_none() && m.ident != "sibling" => {
                match &m.content {
                    Some(_) => {} // inline test modules and the like: none public here
                    None => {
                        let sub = file.with_file_name(format!("{}.rs", m.ident));
                        sdk_in_public_api(dir, &sub, None, out);
                    }
                }
            }
            syn::Item::Use(u) if is_pub(&u.vis) && only.is_none() => {
                // `pub use module::{a, b}` from a private module of this crate.
                let t = tokens(&u.tree);
                if let Some((module, names)) = t.split_once("::") {
                    let sub = file.with_file_name(format!("{module}.rs"));
                    if module != "sibling" && sub.exists() {
                        let names: Vec<String> = names
                            .trim_matches(['{', '}', ';'])
                            .split(',')
                            .map(|n| n.rsplit("::").next().unwrap_or(n).to_string())
                            .filter(|n| !n.is_empty())
                            .collect();
                        sdk_in_public_api(dir, &sub, Some(&names), out);
                    }
                }
            }
            _ => {}
        }
    }
    // What the public types implement: an SDK trait, or public methods
    // with SDK types.
    for item in &ast.items {
        let syn::Item::Impl(i) = item else { continue };
        let self_ty = tokens(&i.self_ty);
        if !public_types
            .iter()
            .any(|t| self_ty == *t || self_ty.starts_with(&format!("{t}<")))
        {
            continue;
        }
        if let Some((_, path, _)) = &i.trait_ {
            flag(format!("impl {} for {self_ty}", tokens(path)), tokens(path));
        }
        for it in &i.items {
            if let syn::ImplItem::Fn(f) = it {
                if is_pub(&f.vis) || i.trait_.is_some() {
                    flag(format!("{self_ty}::{}", f.sig.ident), tokens(&f.sig));
                }
            }
        }
    }
    out.extend(mine);
}

/// Invariant 3, read with a parser: the public API of each adapter crate
/// names no SDK or HTTP type, outside the `sibling` module that AWS's
/// second adapter crate uses; and nothing outside the adapter crates names
/// that module.
#[test]
fn adapters_public_api_names_no_sdk_type() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut checked = 0;
    for adapter in ["settei-aws", "settei-aws-ec2", "settei-azure", "settei-gcp"] {
        let dir = root.join("crates").join(adapter).join("src");
        if dir.join("lib.rs").exists() {
            checked += 1;
            sdk_in_public_api(&dir, &dir.join("lib.rs"), None, &mut found);
        }
    }
    assert!(checked >= 2);
    assert!(
        found.is_empty(),
        "SDK types in public APIs:\n{}",
        found.join("\n")
    );
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("sibling"),
            "{} reaches into an adapter's sibling module",
            path.display()
        );
    }
}

/// The checker itself finds what the old line-based check missed: a public
/// field holding an SDK type, and a method taking one.
#[test]
fn the_public_api_check_sees_fields_and_methods() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lib.rs"),
        "pub struct Ctx { pub sdk: aws_config::SdkConfig, pub account: String }\n\
         impl Ctx {\n    pub fn days_since(&self, t: &aws_smithy_types::DateTime) -> i64 { 0 }\n}\n\
         mod error;\npub use error::{failure, Scope};\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("error.rs"),
        "pub struct Scope;\npub fn failure(e: &aws_smithy_runtime_api::client::result::SdkError<(), ()>) {}\npub fn other() -> aws_sdk_s3::Client { todo!() }\n",
    )
    .unwrap();
    let mut found = Vec::new();
    sdk_in_public_api(dir.path(), &dir.path().join("lib.rs"), None, &mut found);
    let text = found.join("\n");
    assert!(text.contains("field Ctx.sdk"), "{text}");
    assert!(text.contains("Ctx::days_since"), "{text}");
    assert!(text.contains("fn failure"), "{text}");
    // `other` is not re-exported: not public API.
    assert!(!text.contains("fn other"), "{text}");
}
