//! Rendering: findings into reports, and the catalog into documentation.
//! One module per format; nothing here does network I/O or evaluation.

pub mod asff;
pub mod csv;
pub mod docs;
pub mod escape;
pub mod handover;
pub mod html;
pub mod json;
pub mod junit;
pub mod ocsf;
pub mod sarif;
pub mod summary;
pub mod table;
mod text;
pub mod view;

use settei_model::{Finding, Lang, Snapshot};
use settei_rules::Catalog;

pub use summary::{Counts, Summary};

/// What a report is about: the scan's scope and the rules that produced it.
pub struct ReportInput<'a> {
    pub catalog: &'a Catalog,
    pub snapshot: &'a Snapshot,
    pub findings: &'a [Finding],
    pub lang: Lang,
    /// Resources evaluated (a stored report carries the count, not the resources).
    pub resource_count: usize,
}

/// Every report format, by its command-line name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Findings grouped by guideline category, for a terminal.
    Table,
    /// Everything, for machines and ticketing.
    Json,
    /// The interactive, self-contained HTML report.
    Html,
    /// The SIer handover report in Markdown.
    Md,
    /// The SIer handover report as print-ready HTML.
    Handover,
    /// CSV for Excel (UTF-8 with BOM, CRLF).
    Csv,
    /// SARIF 2.1.0.
    Sarif,
    /// OCSF Detection Finding JSON.
    Ocsf,
    /// AWS Security Finding Format for Security Hub.
    Asff,
    /// JUnit XML.
    Junit,
}

impl Format {
    pub const ALL: [Format; 10] = [
        Format::Table,
        Format::Json,
        Format::Html,
        Format::Md,
        Format::Handover,
        Format::Csv,
        Format::Sarif,
        Format::Ocsf,
        Format::Asff,
        Format::Junit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Html => "html",
            Format::Md => "md",
            Format::Handover => "handover",
            Format::Csv => "csv",
            Format::Sarif => "sarif",
            Format::Ocsf => "ocsf",
            Format::Asff => "asff",
            Format::Junit => "junit",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Json | Format::Ocsf | Format::Asff => "json",
            Format::Html | Format::Handover => "html",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Sarif => "sarif",
            Format::Junit => "xml",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown format `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Asff(#[from] asff::AsffError),
}

/// Renders `input` in `format`. Table options apply to the table only.
pub fn render(
    format: Format,
    input: &ReportInput<'_>,
    table: table::TableOptions,
) -> Result<String, RenderError> {
    Ok(match format {
        Format::Table => table::render(input, table),
        Format::Json => json::render(input),
        Format::Html => html::render(input),
        Format::Md => handover::render_md(input),
        Format::Handover => handover::render_html(input),
        Format::Csv => csv::render(input),
        Format::Sarif => sarif::render(input),
        Format::Ocsf => ocsf::render(input),
        Format::Asff => asff::render(input)?,
        Format::Junit => junit::render(input),
    })
}
