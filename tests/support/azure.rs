//! The Azure side of the live tests: our local stand-in for Resource
//! Manager and Graph (`fixtures/azure/server.py`, bodies from Microsoft's
//! published REST examples) on 127.0.0.1, and a fake `az` on PATH that
//! prints a token document in the Azure CLI's format, so the adapter signs
//! in exactly as it does for a user with the CLI, with no `AZURE_*`
//! variable set.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use super::repo;

pub const TENANT: &str = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a";
pub const PROD: &str = "3f2c7a8e-5b1d-4c9a-9e6f-0a1b2c3d4e5f";
pub const DEV: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
pub const TOKEN: &str = "settei-test-token";

pub struct AzureServer {
    child: Child,
    pub url: String,
    pub log: PathBuf,
    _dir: tempfile::TempDir,
}

impl AzureServer {
    /// Starts the server with `args` (faults such as `--deny GLOB`).
    pub fn start(args: &[&str]) -> AzureServer {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new(python3())
            .arg(repo().join("fixtures/azure/server.py"))
            .args(["--log", log.to_str().unwrap(), "--token", TOKEN])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the Azure test server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .unwrap_or_else(|| panic!("server said {line:?}"));
        AzureServer {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        }
    }

    /// Every request the server saw, as logged.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for AzureServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server needs only the standard library; the project's interpreter
/// is used when there is one.
fn python3() -> PathBuf {
    std::env::var("SETTEI_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("python3"))
}

/// A directory holding a fake `az` that answers `az account
/// get-access-token` as the Azure CLI does (`-o json`), recording each
/// invocation's arguments in `az-calls.log` beside it.
pub struct FakeAz {
    pub dir: tempfile::TempDir,
}

impl FakeAz {
    pub fn new(token: &str) -> FakeAz {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("az-calls.log");
        let script = format!(
            r#"#!/bin/sh
echo "$@" >> '{log}'
if [ "$1 $2" != "account get-access-token" ]; then
  echo "ERROR: fake az knows only 'account get-access-token'" >&2
  exit 2
fi
exp=$(( $(date +%s) + 3600 ))
cat <<JSON
{{
  "accessToken": "{token}",
  "expiresOn": "2099-01-01 00:00:00.000000",
  "expires_on": $exp,
  "subscription": "{PROD}",
  "tenant": "{TENANT}",
  "tokenType": "Bearer"
}}
JSON
"#,
            log = log.display()
        );
        let path = dir.path().join("az");
        std::fs::write(&path, script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        FakeAz { dir }
    }

    /// The argument lines of every `az` call so far.
    pub fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("az-calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// Runs settei with only the fake `az` to sign in with: no `AZURE_*`
/// variable, no Azure CLI profile, nothing that could reach an address
/// outside loopback.
pub fn settei(az: &FakeAz, args: &[&str]) -> Output {
    let path = format!(
        "{}:{}",
        az.dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new(env!("CARGO_BIN_EXE_settei"))
        .args(args)
        .env_clear()
        .env("PATH", path)
        .env("HOME", az.dir.path())
        .env(
            "AZURE_CONFIG_DIR",
            az.dir.path().join("no-azure-cli-profile"),
        )
        .env("LANG", "C.UTF-8")
        .output()
        .expect("settei runs")
}

/// `settei collect azure` of `subscription` against `server` into
/// `dir/snapshot.json`, then `settei scan --format json` of it. Returns
/// (snapshot, report).
pub fn collect_and_scan(
    server: &AzureServer,
    az: &FakeAz,
    subscription: &str,
    extra: &[&str],
    dir: &Path,
) -> (serde_json::Value, serde_json::Value) {
    let snap = dir.join(format!("{subscription}.json"));
    let mut args = vec![
        "collect",
        "azure",
        "--subscription",
        subscription,
        "--endpoint-url",
        &server.url,
        "-o",
        snap.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = settei(az, &args);
    assert!(
        out.status.success(),
        "collect failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scan = settei(
        az,
        &[
            "scan",
            "--snapshot",
            snap.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(
        scan.status.success(),
        "scan failed:\n{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    let snapshot = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let report = serde_json::from_slice(&scan.stdout).unwrap();
    (snapshot, report)
}
