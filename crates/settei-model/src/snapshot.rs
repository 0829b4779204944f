use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version of the snapshot document format. A reader refuses documents of
/// a version it does not know instead of guessing at their shape.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

/// A cloud provider.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Aws,
    Azure,
    Gcp,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Gcp => "gcp",
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Provider {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "aws" => Ok(Provider::Aws),
            "azure" => Ok(Provider::Azure),
            "gcp" => Ok(Provider::Gcp),
            _ => Err(format!(
                "unknown provider `{s}` (expected aws, azure or gcp)"
            )),
        }
    }
}

/// Everything one collection run read from one cloud account (AWS account,
/// Azure subscription or GCP project), normalized and free of SDK types.
///
/// A snapshot can be written to disk at a customer's site and evaluated
/// anywhere later: it is the only input the engine needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Format version of this document; see `SNAPSHOT_SCHEMA_VERSION`.
    pub schema_version: u32,
    pub provider: Provider,
    /// AWS account id, Azure subscription id or GCP project id.
    pub account: String,
    /// The regions (locations) the collector read.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Where the account sits, and every region enabled for it: what was
    /// read is judged against it.
    #[serde(default, skip_serializing_if = "AccountScope::is_empty")]
    pub scope: AccountScope,
    /// When collection finished, RFC 3339.
    pub collected_at: String,
    /// The settei version that wrote this snapshot.
    pub tool_version: String,
    /// The resource kinds the collector attempted to read. A rule whose kind is
    /// missing here cannot be evaluated and yields ERROR, never PASS.
    pub collected_kinds: Vec<String>,
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// What could not be read. Rules that depend on it yield ERROR.
    #[serde(default)]
    pub errors: Vec<CollectionError>,
}

impl Snapshot {
    /// Puts resources (by kind, then id) and errors (by kind, region,
    /// resource, operation) in the stable order every snapshot has.
    pub fn sort(&mut self) {
        self.resources
            .sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
        self.errors.sort_by(|a, b| {
            (&a.kind, &a.region, &a.resource_id, &a.operation).cmp(&(
                &b.kind,
                &b.region,
                &b.resource_id,
                &b.operation,
            ))
        });
    }

    /// An empty snapshot of `provider`/`account`, for collectors to fill.
    pub fn new(
        provider: Provider,
        account: impl Into<String>,
        collected_at: impl Into<String>,
    ) -> Self {
        Snapshot {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            provider,
            account: account.into(),
            regions: Vec::new(),
            scope: AccountScope::default(),
            collected_at: collected_at.into(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            collected_kinds: Vec::new(),
            resources: Vec::new(),
            errors: Vec::new(),
        }
    }
}

impl Snapshot {
    /// The enabled regions that were not read, sorted; empty when every
    /// enabled region was read or the enabled ones are not known.
    pub fn unscanned_regions(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .scope
            .enabled_regions
            .iter()
            .flatten()
            .map(String::as_str)
            .filter(|r| !self.regions.iter().any(|s| s == r))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The kind of the collection error recorded when the account's enabled
/// regions could not be listed: every rule about every region is ERROR
/// with it, since what the unread regions hold is unknown.
pub fn regions_kind(provider: Provider) -> String {
    format!("{provider}.account.regions")
}

/// Where one account sits and what it spans, beyond its id: an AWS account
/// (with its organization), an Azure subscription (with its tenant and
/// resource groups) or a GCP project (with its number and parent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountScope {
    /// A display name: the AWS account alias, the Azure subscription's
    /// display name, the GCP project's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Azure tenant (directory) id of the subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The GCP project number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The parent in the provider's hierarchy: an AWS organization or OU
    /// id, an Azure management group, a GCP `folders/N` or
    /// `organizations/N`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The Azure resource groups of the subscription that were read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_groups: Vec<String>,
    /// Every region or location enabled for the account (AWS: the regions
    /// enabled by default and opted in; GCP locations include multi-regions
    /// such as `us`). Absent: not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_regions: Option<Vec<String>>,
}

impl AccountScope {
    pub fn is_empty(&self) -> bool {
        self == &AccountScope::default()
    }
}

/// One cloud resource and its settings, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// A stable, provider-unique identifier (ARN, Azure resource id, GCP
    /// resource name). Finding ids are derived from it.
    pub id: String,
    /// The resource kind, `<provider>.<service>.<type>` such as `aws.s3.bucket`.
    pub kind: String,
    /// Region, or `global` for account-wide settings.
    pub region: String,
    /// A human-readable name.
    pub name: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The normalized settings of this resource; their shape is declared per
    /// kind under `rules/kinds/`.
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

/// Why a setting could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCause {
    /// The credentials lack permission (AccessDenied, Forbidden, 403).
    AccessDenied,
    /// The API kept throttling after all retries.
    Throttled,
    /// The call did not answer in time.
    Timeout,
    /// The answer had a shape the collector does not understand.
    UnknownShape,
    /// The service is not available in this region or account.
    Unavailable,
    /// The snapshot does not contain the resource kind at all.
    NotCollected,
    /// An enabled region that the scan did not read (a claim about every
    /// region cannot be made from the others).
    NotScanned,
    /// The rule could not be evaluated on the collected data.
    Evaluation,
    /// Anything else; the message says what.
    Other,
}

impl ErrorCause {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCause::AccessDenied => "access_denied",
            ErrorCause::Throttled => "throttled",
            ErrorCause::Timeout => "timeout",
            ErrorCause::UnknownShape => "unknown_shape",
            ErrorCause::Unavailable => "unavailable",
            ErrorCause::NotCollected => "not_collected",
            ErrorCause::NotScanned => "not_scanned",
            ErrorCause::Evaluation => "evaluation",
            ErrorCause::Other => "other",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        use crate::Lang::*;
        match (lang, self) {
            (Ja, ErrorCause::AccessDenied) => "アクセス拒否",
            (Ja, ErrorCause::Throttled) => "スロットリング（再試行上限）",
            (Ja, ErrorCause::Timeout) => "タイムアウト",
            (Ja, ErrorCause::UnknownShape) => "想定外の応答形式",
            (Ja, ErrorCause::Unavailable) => "サービス利用不可",
            (Ja, ErrorCause::NotCollected) => "未収集",
            (Ja, ErrorCause::NotScanned) => "未スキャンのリージョン",
            (Ja, ErrorCause::Evaluation) => "評価エラー",
            (Ja, ErrorCause::Other) => "その他のエラー",
            (En, ErrorCause::AccessDenied) => "access denied",
            (En, ErrorCause::Throttled) => "throttled past retries",
            (En, ErrorCause::Timeout) => "timeout",
            (En, ErrorCause::UnknownShape) => "unexpected response shape",
            (En, ErrorCause::Unavailable) => "service unavailable",
            (En, ErrorCause::NotCollected) => "not collected",
            (En, ErrorCause::NotScanned) => "region not scanned",
            (En, ErrorCause::Evaluation) => "evaluation error",
            (En, ErrorCause::Other) => "other error",
        }
    }
}

/// A setting the collector could not read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionError {
    /// The resource kind affected.
    pub kind: String,
    /// The region affected; absent when the failure was not regional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// When only one resource's settings failed, its id. Absent means the
    /// whole kind (in `region`) could not be listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// The attributes that are unknown because of this error; empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    pub cause: ErrorCause,
    /// The API operation that failed, e.g. `s3:GetBucketPolicy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The provider's error message, for the reader.
    pub message: String,
}

impl CollectionError {
    /// The same failure (cause, operation, message) recorded against some
    /// attributes of one resource: for a shared read, such as a parameter
    /// group or a region-wide listing, that several resources depend on.
    pub fn for_attributes(&self, resource_id: &str, attributes: &[&str]) -> Self {
        CollectionError {
            resource_id: Some(resource_id.to_string()),
            attributes: attributes.iter().map(|a| a.to_string()).collect(),
            ..self.clone()
        }
    }

    /// Whether this error makes `attribute` (a top-level attribute name) of
    /// resources it covers unknown.
    pub fn covers_attribute(&self, attribute: &str) -> bool {
        self.attributes.is_empty() || self.attributes.iter().any(|a| a == attribute)
    }
}
