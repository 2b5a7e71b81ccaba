import pytest

from projects.win_forms import story_to_html, story_to_text


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("", ""),
        ("We did it.", "<p>We did it.</p>"),
        ("One.\n\nTwo,\nstill two.", "<p>One.</p><p>Two,<br/>still two.</p>"),
        ("  \r\n\r\nSpaced\r\n\r\n\r\n  out  \n", "<p>Spaced</p><p>out</p>"),
        ("<script>alert(1)</script> & co", "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>"),
        (
            "See https://example.org/a?b=1&c=2.",
            '<p>See <a href="https://example.org/a?b=1&amp;c=2">'
            "https://example.org/a?b=1&amp;c=2</a>.</p>",
        ),
        ('Not a link: javascript:alert("x")', "<p>Not a link: javascript:alert(&quot;x&quot;)</p>"),
        (
            'Quote "http://x.org/" here',
            '<p>Quote &quot;<a href="http://x.org/">http://x.org/</a>&quot; here</p>',
        ),
    ],
)
def test_plain_text_becomes_paragraphs_breaks_and_links_only(text, html):
    assert story_to_html(text) == html


def test_stories_read_back_as_the_text_people_wrote():
    text = "One & two.\n\nSee https://example.org/a?b=1&c=2 now,\nthanks."
    assert story_to_text(story_to_html(text)) == text


def test_admin_formatting_reads_back_as_plain_text():
    html = (
        '<p>We <b>really</b> did it, see <a href="https://x.org">the report</a>.</p>'
        "<ul><li>faster</li><li>nicer</li></ul>"
    )
    assert story_to_text(html) == (
        "We really did it, see the report (https://x.org).\n\n- faster\n\n- nicer"
    )
