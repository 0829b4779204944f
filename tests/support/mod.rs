//! Test harness for live collection: a real AWS API emulator (moto, in
//! server mode) started on 127.0.0.1 with a free port, seeded by
//! `fixtures/moto/seed.py`, and optionally a fault-injecting proxy
//! (`fixtures/moto/fault_proxy.py`) in front of it.
//!
//! moto comes from the project's virtualenv (`make venv`, run by `make test`);
//! `SETTEI_PYTHON` may name another interpreter that has `moto[server]`.

#![allow(dead_code)]

pub mod azure;
pub mod webdriver;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn python() -> PathBuf {
    if let Ok(p) = std::env::var("SETTEI_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = repo().join(".venv/bin/python");
    assert!(
        venv.exists(),
        "moto is not installed: run `make venv` (or `make test`), or set SETTEI_PYTHON to a python with moto[server]"
    );
    venv
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_for(port: u16, child: &mut Child, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited early: {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not start on port {port}");
}

/// A moto server, stopped when dropped.
pub struct Moto {
    child: Child,
    pub url: String,
    pub port: u16,
}

impl Moto {
    pub fn start() -> Moto {
        let port = free_port();
        let mut child = Command::new(python())
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            // One Amazon-owned AMI instead of moto's hundreds, whose backing
            // snapshots moto would report as the scanned account's own.
            .env(
                "MOTO_AMIS_PATH",
                concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/moto/amis.json"),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto");
        wait_for(port, &mut child, "moto");
        let moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            port,
        };
        // The port accepts before the app is ready; ask until it answers.
        let deadline = Instant::now() + Duration::from_secs(30);
        while http(port, "GET", "/moto-api/", "").is_err() {
            assert!(Instant::now() < deadline, "moto does not answer");
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    pub fn seed(&self) {
        let out = Command::new(python())
            .arg(repo().join("fixtures/moto/seed.py"))
            .args(["--endpoint", &self.url])
            .output()
            .expect("run seed.py");
        assert!(
            out.status.success(),
            "seeding failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn api(&self, method: &str, path: &str) -> String {
        http(self.port, method, path, "").unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The regions the moto seed fills.
pub const SEEDED_REGIONS: &str = "ap-northeast-1,us-east-1";

/// The fault-injecting proxy, stopped when dropped.
pub struct FaultProxy {
    child: Child,
    pub url: String,
    pub log: PathBuf,
}

impl FaultProxy {
    /// A proxy in front of `upstream`; unless `args` say otherwise, it
    /// answers account:ListRegions (which moto lacks) with the two regions
    /// the tests seed, so that a scan of both reads every enabled region.
    pub fn start(upstream: &str, log: &Path, args: &[&str]) -> FaultProxy {
        let mut args = args.to_vec();
        if !args.contains(&"--regions") {
            args.extend(["--regions", SEEDED_REGIONS]);
        }
        let port = free_port();
        let mut child = Command::new(python())
            .arg(repo().join("fixtures/moto/fault_proxy.py"))
            .args([
                "--port",
                &port.to_string(),
                "--upstream",
                upstream,
                "--log",
                log.to_str().unwrap(),
            ])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start fault proxy");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready");
        wait_for(port, &mut child, "fault proxy");
        FaultProxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log: log.to_path_buf(),
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 exchange with the emulator's control API.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len())?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)?;
    let text = String::from_utf8_lossy(&resp).into_owned();
    let status_ok = text.starts_with("HTTP/1.1 2") || text.starts_with("HTTP/1.0 2");
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    if status_ok {
        Ok(body)
    } else {
        Err(std::io::Error::other(
            text.lines().next().unwrap_or("no answer").to_string(),
        ))
    }
}

/// Runs the settei binary against an emulator with throwaway credentials,
/// isolated from any AWS configuration on the machine.
pub fn settei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_settei"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/settei-test")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/settei-test")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("settei runs")
}

/// `settei collect aws` of the two seeded regions against `endpoint`, then
/// `settei scan --format json` on the saved snapshot. Returns (snapshot,
/// report).
pub fn collect_and_scan(endpoint: &str, extra: &[&str]) -> (serde_json::Value, serde_json::Value) {
    collect_and_scan_regions(endpoint, &["ap-northeast-1", "us-east-1"], extra)
}

/// As [`collect_and_scan`], reading `regions` (none: every enabled region).
pub fn collect_and_scan_regions(
    endpoint: &str,
    regions: &[&str],
    extra: &[&str],
) -> (serde_json::Value, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let mut args = vec!["collect", "aws", "--endpoint-url", endpoint];
    for r in regions {
        args.extend(["--region", r]);
    }
    args.extend(["-o", snap.to_str().unwrap()]);
    args.extend_from_slice(extra);
    let out = settei(&args);
    assert!(
        out.status.success(),
        "collect failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scan = settei(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        scan.status.success(),
        "scan failed:\n{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    let snapshot = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    (snapshot, serde_json::from_slice(&scan.stdout).unwrap())
}
