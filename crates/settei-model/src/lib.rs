//! The data model of settei: snapshots of collected cloud settings, the
//! guideline's category table, and findings.
//!
//! This crate does no I/O and knows no cloud SDK. Everything in it is plain
//! data that serializes to JSON; adapters produce [`Snapshot`]s, the engine
//! turns them into [`Finding`]s, and reports render those.

mod finding;
mod guideline;
mod lang;
mod snapshot;

pub use finding::{finding_id, Evidence, Finding, FindingError, MuteInfo, Status};
pub use guideline::{
    Category, Group, Guideline, Layer, Measure, MeasureLevel, Practice, Section, Side,
};
pub use lang::{Lang, Text};
pub use snapshot::{
    regions_kind, AccountScope, CollectionError, ErrorCause, Provider, Resource, Snapshot,
    SNAPSHOT_SCHEMA_VERSION,
};

use serde::{Deserialize, Serialize};

/// How serious a failed check is. Ordered from least to most severe, so
/// `Severity::High > Severity::Low`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase identifier used in rule files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The label shown to a reader (深刻度 in Japanese).
    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Ja, Severity::Critical) => "緊急",
            (Lang::Ja, Severity::High) => "高",
            (Lang::Ja, Severity::Medium) => "中",
            (Lang::Ja, Severity::Low) => "低",
            (Lang::Ja, Severity::Info) => "情報",
            (Lang::En, Severity::Critical) => "Critical",
            (Lang::En, Severity::High) => "High",
            (Lang::En, Severity::Medium) => "Medium",
            (Lang::En, Severity::Low) => "Low",
            (Lang::En, Severity::Info) => "Info",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown severity `{s}` (expected one of critical, high, medium, low, info)"
                )
            })
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON Schema of the snapshot document, pretty-printed.
pub fn snapshot_json_schema() -> String {
    let schema = schemars::schema_for!(Snapshot);
    let mut s = serde_json::to_string_pretty(&schema).expect("schema serializes");
    s.push('\n');
    s
}
