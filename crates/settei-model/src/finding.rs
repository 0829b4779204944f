use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{ErrorCause, Lang, Provider, Severity, Text};

/// The outcome of one rule on one resource.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    /// The resource is in the secure state the rule describes.
    Pass,
    /// The resource is not in that state.
    Fail,
    /// The setting could not be read or evaluated; the finding names why.
    Error,
    /// A failure accepted by a mute entry (reason, owner, expiry).
    Muted,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Fail, Status::Error, Status::Muted, Status::Pass];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
            Status::Muted => "MUTED",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Ja, Status::Pass) => "適合",
            (Lang::Ja, Status::Fail) => "不適合",
            (Lang::Ja, Status::Error) => "評価不能",
            (Lang::Ja, Status::Muted) => "リスク受容",
            (Lang::En, Status::Pass) => "Pass",
            (Lang::En, Status::Fail) => "Fail",
            (Lang::En, Status::Error) => "Error",
            (Lang::En, Status::Muted) => "Muted",
        }
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown status `{s}` (expected pass, fail, error or muted)"))
    }
}

/// The observed values a rule read, keyed by attribute path
/// (`password_policy.minimum_length`, `access_keys[].age_days`).
pub type Evidence = BTreeMap<String, serde_json::Value>;

/// Why a finding is ERROR.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FindingError {
    pub cause: ErrorCause,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    pub message: String,
}

/// The accepted-risk record that turned a FAIL into MUTED.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MuteInfo {
    pub reason: String,
    pub owner: String,
    /// Last day (inclusive, YYYY-MM-DD) the mute applies.
    pub expires: String,
}

/// One rule's verdict on one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable across scans: see [`finding_id`].
    pub id: String,
    pub rule_id: String,
    pub status: Status,
    pub severity: Severity,
    /// Guideline setting category, e.g. `4.2`.
    pub category: String,
    pub provider: Provider,
    pub account: String,
    pub resource_id: String,
    pub resource_kind: String,
    pub resource_name: String,
    pub region: String,
    /// The resource's tags, copied for reports and ticketing (untrusted text).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// What the reader is told, in both languages.
    pub message: Text,
    /// The values the rule read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence: Evidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<FindingError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<MuteInfo>,
}

/// The stable id of the finding of `rule_id` on `resource_id`: the first 128
/// bits of SHA-256 over both, hex encoded. The same resource and rule give the
/// same id in every scan, so reports can be diffed and tickets deduplicated.
pub fn finding_id(rule_id: &str, resource_id: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update([0u8]);
    hasher.update(resource_id.as_bytes());
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_id_is_stable_and_separates_fields() {
        let a = finding_id("AWS-S3-001", "arn:aws:s3:::bucket");
        assert_eq!(a, finding_id("AWS-S3-001", "arn:aws:s3:::bucket"));
        assert_eq!(a.len(), 32);
        assert_ne!(a, finding_id("AWS-S3-002", "arn:aws:s3:::bucket"));
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        assert_ne!(finding_id("ab", "c"), finding_id("a", "bc"));
        // Pinned: a change here breaks every stored id and ticket link.
        assert_eq!(finding_id("R", "x"), {
            let mut h = Sha256::new();
            h.update(b"R\0x");
            h.finalize()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });
    }
}
