//! Rendering: findings into reports, and the catalog into documentation.
//! One module per format; nothing here does network I/O or evaluation.

pub mod docs;
pub mod json;
pub mod summary;
pub mod table;
mod text;

use settei_model::{Finding, Lang, Snapshot};
use settei_rules::Catalog;

pub use summary::{Counts, Summary};

/// What a report is about: the scan's scope and the rules that produced it.
pub struct ReportInput<'a> {
    pub catalog: &'a Catalog,
    pub snapshot: &'a Snapshot,
    pub findings: &'a [Finding],
    pub lang: Lang,
}
