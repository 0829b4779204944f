//! Escaping for every output syntax. Everything that came from the cloud
//! (resource names, ids, tags, setting values, error messages) is untrusted
//! and goes through one of these before it reaches a report.

/// Text for HTML element content and quoted attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for XML 1.0 content and attributes: markup escaped, and characters
/// XML 1.0 cannot carry at all (most C0 controls) replaced by U+FFFD.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Inline Markdown text (also safe inside a table cell): HTML is escaped to
/// entities; emphasis, code, link and table punctuation is backslash-escaped;
/// bare autolinks are broken; line breaks become spaces. A value can neither
/// inject markup or links nor break the table.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: [char; 3] = [' '; 3];
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let slashes = chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/');
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '@' => {
                out.push('\\');
                out.push(c);
            }
            // Break GFM's bare autolinks: `scheme://` and `www.`.
            ':' if slashes => out.push_str("\\:"),
            '.' if prev.iter().all(|p| p.eq_ignore_ascii_case(&'w')) => out.push_str("\\."),
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
        prev = [prev[1], prev[2], c];
    }
    out
}

/// One CSV field (RFC 4180, always quoted). A value a spreadsheet would read
/// as a formula (starting with `=`, `+`, `-`, `@`, tab or CR, also after
/// leading spaces) is prefixed with `'` so it stays text.
pub fn csv(s: &str) -> String {
    let trimmed = s.trim_start_matches(' ');
    let formula = matches!(
        trimmed.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
    );
    let mut out = String::with_capacity(s.len() + 3);
    out.push('"');
    if formula {
        out.push('\'');
    }
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// JSON for embedding in an HTML `<script type="application/json">` block:
/// nothing in it can close the element or start a comment.
pub fn json_in_html(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 (for CSP hashes).
pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_markup_is_inert() {
        assert_eq!(
            html("<img src=x onerror=\"alert(1)\">&'"),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn xml_drops_what_xml_cannot_carry() {
        assert_eq!(xml("a\u{1}<b>"), "a\u{FFFD}&lt;b&gt;");
    }

    #[test]
    fn markdown_cannot_link_inject_or_break_tables() {
        let m = md("[x](http://evil) <script>|a\nb www.evil.test a@b.test");
        assert!(!m.contains("<script>"));
        assert!(m.starts_with("\\[x\\](") && !m.contains('\n'));
        assert!(m.contains("\\|"));
        // An escaped character is its own text node, which GFM's autolinker
        // does not join across.
        assert!(m.contains("http\\://evil") && m.contains("www\\.evil") && m.contains("a\\@b"));
        assert_eq!(md("1. Scope (ja/en)"), "1. Scope (ja/en)");
    }

    #[test]
    fn csv_neutralizes_formulas_and_quotes() {
        assert_eq!(
            csv("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        for lead in ["+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1"] {
            assert!(csv(lead).starts_with("\"'"), "{lead:?}");
        }
        assert_eq!(csv("plain, text"), "\"plain, text\"");
    }

    #[test]
    fn json_cannot_close_the_script_element() {
        let j = json_in_html(r#"{"n":"</script><!--"}"#);
        assert!(!j.contains('<') && !j.contains('>'));
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }
}
