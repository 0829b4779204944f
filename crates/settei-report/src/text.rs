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

/// Makes untrusted text safe for one line of terminal output: control
/// characters (including escape sequences and newlines) become visible escapes.
pub(crate) fn sanitize(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
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
    }
}
