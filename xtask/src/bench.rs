//! `cargo xtask bench`: evaluates the full rule set over a generated snapshot
//! and reports wall time and peak memory. Numbers, not assertions: targets
//! are tracked here, never in timed tests.

use std::time::Instant;

use anyhow::Result;
use settei_model::{Provider, Resource, Snapshot, Status};
use settei_rules::{Catalog, Ty};

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/8",
    "203.0.113.0/24",
    "tcp",
    "udp",
    "-1",
    "Enabled",
    "Suspended",
    "CUSTOMER",
    "AWS",
    "SYMMETRIC_DEFAULT",
    "aws:kms",
    "AES256",
    "postgres",
    "READ",
];

fn value(ty: &Ty, rng: &mut Rng) -> serde_json::Value {
    use serde_json::Value as J;
    match ty {
        Ty::Bool => J::Bool(rng.below(4) != 0),
        Ty::Int => J::from(rng.below(400) as i64),
        Ty::Float => J::from(rng.below(1000) as f64 / 10.0),
        Ty::String => J::from(WORDS[rng.below(WORDS.len() as u64) as usize]),
        Ty::List(t) => J::Array((0..rng.below(4)).map(|_| value(t, rng)).collect()),
        Ty::Map(t) => J::Object(
            (0..rng.below(3))
                .map(|i| (format!("k{i}"), value(t, rng)))
                .collect(),
        ),
        Ty::Object(fields) => J::Object(
            fields
                .iter()
                .map(|(k, t)| (k.clone(), value(t, rng)))
                .collect(),
        ),
        Ty::Any => J::Null,
    }
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn run(
    n: usize,
    html_out: Option<&std::path::Path>,
    snapshot_out: Option<&std::path::Path>,
) -> Result<()> {
    let t0 = Instant::now();
    let catalog = Catalog::embedded().map_err(|d| anyhow::anyhow!("{d}"))?;
    let load = t0.elapsed();
    let kinds: Vec<_> = catalog
        .kinds
        .values()
        .filter(|k| k.provider == Provider::Aws)
        .collect();
    let mut rng = Rng(0x005e_77e1_u64);
    let mut snap = Snapshot::new(Provider::Aws, "111122223333", "2026-11-20T00:00:00Z");
    snap.collected_kinds = kinds.iter().map(|k| k.kind.clone()).collect();
    let t1 = Instant::now();
    for i in 0..n {
        let k = kinds[i % kinds.len()];
        let attributes = match value(&k.root, &mut rng) {
            serde_json::Value::Object(m) => m,
            _ => unreachable!("kind roots are objects"),
        };
        snap.resources.push(Resource {
            id: format!("arn:aws:bench:ap-northeast-1:111122223333:{}/{i}", k.kind),
            kind: k.kind.clone(),
            region: "ap-northeast-1".into(),
            name: format!("r{i}"),
            tags: Default::default(),
            attributes,
        });
    }
    let generate = t1.elapsed();
    let rss_before = peak_rss_kib();
    let t2 = Instant::now();
    let findings = settei_engine::evaluate(&catalog.rules, &snap);
    let eval = t2.elapsed();
    let count = |s| findings.iter().filter(|f| f.status == s).count();
    println!("settei bench: evaluate the embedded rule set over a generated snapshot");
    println!("  rules:            {}", catalog.rules.len());
    println!("  resources:        {n} ({} kinds)", kinds.len());
    println!(
        "  findings:         {} (pass {}, fail {}, error {})",
        findings.len(),
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Error)
    );
    println!("  catalog load:     {:.1} ms", load.as_secs_f64() * 1e3);
    println!("  generate:         {:.1} ms", generate.as_secs_f64() * 1e3);
    println!(
        "  evaluate:         {:.1} ms ({:.2} µs/finding, {:.0} resources/s)",
        eval.as_secs_f64() * 1e3,
        eval.as_secs_f64() * 1e6 / findings.len().max(1) as f64,
        n as f64 / eval.as_secs_f64()
    );
    if let (Some(before), Some(after)) = (rss_before, peak_rss_kib()) {
        println!(
            "  peak RSS:         {:.1} MiB (before evaluation {:.1} MiB)",
            after as f64 / 1024.0,
            before as f64 / 1024.0
        );
    }
    if let Some(path) = html_out {
        html_report(&catalog, &snap, &findings, path)?;
    }
    // The same snapshot as a file, for timing `settei scan --snapshot`
    // end to end (reading and checking the file included).
    if let Some(path) = snapshot_out {
        std::fs::write(path, serde_json::to_vec(&snap)?)?;
        println!("  snapshot file:    {}", path.display());
    }
    Ok(())
}

/// The HTML report over 50,000 of those findings (every status mixed in):
/// render time and page size here; load time in Chromium is measured by
/// `scripts/html_load.py`.
fn html_report(
    catalog: &Catalog,
    snap: &Snapshot,
    findings: &[settei_model::Finding],
    path: &std::path::Path,
) -> Result<()> {
    const N: usize = 50_000;
    let step = (findings.len() / N).max(1);
    let sample: Vec<_> = findings.iter().step_by(step).take(N).cloned().collect();
    let input = settei_report::ReportInput {
        catalog,
        snapshot: snap,
        findings: &sample,
        lang: settei_model::Lang::Ja,
        resource_count: snap.resources.len(),
    };
    let t = Instant::now();
    let page = settei_report::html::render(&input);
    let render = t.elapsed();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, &page)?;
    println!("settei bench: HTML report");
    println!("  findings:         {}", sample.len());
    println!("  render:           {:.1} ms", render.as_secs_f64() * 1e3);
    println!(
        "  page size:        {:.2} MiB ({:.0} bytes/finding) -> {}",
        page.len() as f64 / (1024.0 * 1024.0),
        page.len() as f64 / sample.len().max(1) as f64,
        path.display()
    );
    Ok(())
}
