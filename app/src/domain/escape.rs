//! Escaping for strings that reach chart options: ECharts renders tooltip and label HTML as
//! given, so every user-supplied string is escaped first.

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

#[cfg(test)]
mod tests {
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
