//! Problems found in user input, each pointing at a file, line and column.

use std::fmt;
use std::ops::Range;

/// One problem in one input file. Lines and columns count from 1; columns
/// count characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem found in a load, reported together.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl Diagnostics {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

/// A file's name and text, for turning byte offsets into positions.
#[derive(Debug, Clone, Copy)]
pub struct SourceRef<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

impl<'a> SourceRef<'a> {
    pub fn new(path: &'a str, text: &'a str) -> Self {
        SourceRef { path, text }
    }

    /// The 1-based line and character column of byte `offset`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let offset = (0..=offset)
            .rev()
            .find(|&o| self.text.is_char_boundary(o))
            .unwrap_or(0);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..offset].chars().count() + 1;
        (line, column)
    }

    pub fn at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.position(offset);
        Diagnostic {
            file: self.path.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn at_span(&self, span: &Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.at(span.start, message)
    }

    /// A TOML parse or schema error, at its span when it has one.
    pub fn toml_error(&self, err: &toml::de::Error) -> Diagnostic {
        let message = err.message().trim_end().to_string();
        self.at(err.span().map_or(0, |s| s.start), message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let src = SourceRef::new("f", "ab\nあいう = 1\n");
        assert_eq!(src.position(0), (1, 1));
        assert_eq!(src.position(3), (2, 1));
        // "あい" is 6 bytes but two characters.
        assert_eq!(src.position(9), (2, 3));
        assert_eq!(src.at(3, "m").to_string(), "f:2:1: error: m");
    }
}
