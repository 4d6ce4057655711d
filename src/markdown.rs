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
    SANITISER.clean(&rendered).to_string()
}

/// The sanitiser, built once: a `Builder` allocates its allow-lists of tags and attributes,
/// which cost more than cleaning a ticket's description (a list of 50 tickets built 50 of them).
static SANITISER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("noopener noreferrer"));
    builder
});

/// The words of `source` without its markup, for indexing and snippets: text, code and link
/// texts, with a space wherever a block or a line ends.
pub fn to_plain_text(source: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut text = String::with_capacity(source.len());
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                text.push(' ');
            }
            Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn plain_text_keeps_the_words() {
        assert_eq!(
            super::to_plain_text("# Titre\n\nUn **mot** et `code`\n\n- a\n- [lien](http://x)"),
            "Titre Un mot et code a lien"
        );
    }

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
