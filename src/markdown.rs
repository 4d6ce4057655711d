//! Markdown as people write it in tickets and logs, rendered to HTML that is safe to show:
//! pulldown-cmark renders, ammonia keeps only harmless tags and attributes.

use pulldown_cmark::{Options, Parser, html};

/// Renders `source` and sanitises the result; links get `rel="noopener noreferrer"`.
pub fn to_safe_html(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut rendered = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut rendered, Parser::new_ext(source, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&rendered)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn markdown_renders_and_scripts_do_not() {
        let cases = [
            ("**gras**", "<p><strong>gras</strong></p>"),
            ("<script>alert(1)</script>", ""),
            (
                "[x](javascript:alert(1))",
                "<p><a rel=\"noopener noreferrer\">x</a></p>",
            ),
            ("<img src=x onerror=alert(1)>", "<img src=\"x\">"),
        ];
        for (source, expected) in cases {
            assert_eq!(to_safe_html(source).trim(), expected, "{source}");
        }
    }
}
