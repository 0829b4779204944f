//! The 総務省 (MIC) guideline's category table, layer model and ANNEX
//! measure list, as data. The text lives in `rules/guideline/*.toml`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Text;

/// A layer of the system operating environment (図表Ⅱ.1.2-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub id: String,
    pub name: Text,
}

/// A heading that groups categories (4 インフラ管理, 6 その他のサービスや機能).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// One of the guideline's 11 security setting categories (セキュリティ設定項目の類型).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// `1`, `2`, `3`, `4.1`, `4.2`, `5`, `6.1`, `6.2`, `6.3`, `6.4` or `7`.
    pub id: String,
    /// The group heading this category sits under, or empty.
    #[serde(default)]
    pub group: String,
    pub name: Text,
    /// 類型項目の意味 (図表Ⅱ.1.1-1).
    pub meaning: Text,
    /// 考えられるリスク (図表Ⅱ.1.1-2).
    pub risk: Text,
    /// 類型項目における推奨設定の概要 (図表Ⅲ.3.1-1).
    pub recommended: Text,
    /// 各レイヤとの対応関係 (図表Ⅱ.1.2-2).
    #[serde(default)]
    pub layer_relation: Text,
    /// Layer ids marked for this category in 図表Ⅱ.1.2-1.
    #[serde(default)]
    pub layers: Vec<String>,
}

/// Whether an ANNEX measure falls on the cloud user or the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// III クラウドサービス利用側に求められる対策
    User,
    /// IV クラウドサービス提供側に求められる対策
    Provider,
}

/// 基本 (basic) or 推奨 (recommended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MeasureLevel {
    Basic,
    Recommended,
}

impl MeasureLevel {
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match (lang, self) {
            (crate::Lang::Ja, MeasureLevel::Basic) => "基本",
            (crate::Lang::Ja, MeasureLevel::Recommended) => "推奨",
            (crate::Lang::En, MeasureLevel::Basic) => "Basic",
            (crate::Lang::En, MeasureLevel::Recommended) => "Recommended",
        }
    }
}

/// A heading of the ANNEX measure list (e.g. `III.3.1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: Text,
}

/// A best-practice item under a measure (【ベストプラクティス】 i, ii, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub id: String,
    pub ja: String,
    pub en: String,
}

/// A measure of the ANNEX 対策一覧 (e.g. `III.3.1.1 設定項目の把握と設定`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub id: String,
    pub side: Side,
    pub level: MeasureLevel,
    /// Whether a configuration scanner directly supports this measure; the
    /// others are left to a manual checklist.
    pub scanner_checkable: bool,
    pub title: Text,
    pub text: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub practices: Vec<Practice>,
}

/// The whole guideline table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Guideline {
    pub layers: Vec<Layer>,
    pub groups: Vec<Group>,
    pub categories: Vec<Category>,
    pub sections: Vec<Section>,
    pub measures: Vec<Measure>,
}

impl Guideline {
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// A measure by id; `III.3.3.1` or a practice under it, `III.3.3.1.iv`.
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id).or_else(|| {
            let (parent, practice) = id.rsplit_once('.')?;
            let m = self.measures.iter().find(|m| m.id == parent)?;
            m.practices.iter().any(|p| p.id == practice).then_some(m)
        })
    }
}
