//! Loads, validates and compiles settei's data: the guideline table, resource
//! kind schemas, benchmark references, rules and user configuration.
//!
//! Every problem in user input is reported at once, each with file, line and
//! column ([`Diagnostics`]).

pub mod catalog;
pub mod check;
pub mod config;
pub mod diag;
pub mod mutate;
pub mod rule;
pub mod schema;
pub mod value;

pub use catalog::{Catalog, Reference, SourceFile, CATEGORY_IDS};
pub use config::{Config, Mute};
pub use diag::{Diagnostic, Diagnostics, SourceRef};
pub use rule::{Param, Remediation, Rule};
pub use schema::{KindSchema, Ty};
