//! Escaping for strings that reach chart options (ECharts renders tooltip and label HTML as
//! given, so every user-supplied string is escaped first) and CSV downloads.

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML.
pub fn escape_html(s: &str) -> String {
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

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A value
/// starting with `=`, `+`, `-`, `@` or a tab is prefixed with `'` so a spreadsheet shows it
/// rather than running it as a formula (data values here are names, never negative numbers).
pub fn csv_field(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_quote_and_defuse_formulas() {
        use super::csv_field;
        assert_eq!(csv_field("chat"), "chat");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
    }

    use super::*;

    #[test]
    fn markup_is_neutralised() {
        assert_eq!(
            escape_html("<img src=x onerror='a()'>&"),
            "&lt;img src=x onerror=&#39;a()&#39;&gt;&amp;"
        );
        assert_eq!(escape_html("plain"), "plain");
    }
}
