use unicode_width::UnicodeWidthStr;

/// Pads `s` with spaces to `width` terminal columns (CJK characters count 2).
pub(crate) fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

pub(crate) fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Characters that reorder or hide text without being controls: the
/// bidirectional embeddings, overrides and isolates (a "Trojan Source"
/// resource name can make `prod-db` read as something else), the
/// directional marks, and the invisible separators and joiners.
fn is_format_trick(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}' // LRE, RLE, PDF, LRO, RLO
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}' // LRI, RLI, FSI, PDI
        | '\u{061C}'               // Arabic letter mark
        | '\u{FEFF}'               // zero-width no-break space
    )
}

/// Makes untrusted text safe for one line of terminal output: control
/// characters (including escape sequences and newlines) and bidirectional
/// or invisible formatting characters become visible escapes.
pub(crate) fn sanitize(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() || is_format_trick(c) {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Escapes text for a Markdown table cell.
pub(crate) fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_by_display_width_and_neutralizes_controls() {
        assert_eq!(pad("高", 4), "高  ");
        assert_eq!(sanitize("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\n");
        // A right-to-left override cannot reorder what follows it.
        assert_eq!(
            sanitize("db-\u{202E}dorp\u{2066}x\u{200B}"),
            "db-\\u{202e}dorp\\u{2066}x\\u{200b}"
        );
    }
}
