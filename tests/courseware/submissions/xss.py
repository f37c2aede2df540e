"""Script-injection payloads for essays, and a check that rendered HTML is inert."""

from html.parser import HTMLParser

# Each must come out of rendering as harmless text or harmless markup.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<style>body { display: none }</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    '[[x" onmouseover="alert(1)#p-1]]',
    '[[reading-1#p-1" onfocus="alert(1)]]',
    "[[<script>alert(1)</script>#p-1]]",
    "`<script>alert(1)</script>` and\n\n    <img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">x</a>',
    '[x](https://example.org/" onclick="alert(1))',
]

SAFE_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "ul",
}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#")


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "src", "srcdoc", "formaction"}:
                self.problems.append(f"{tag}[{name}]")
            if name == "href" and not (value or "").strip().lower().startswith(SAFE_SCHEMES):
                self.problems.append(f"{tag}[href={value}]")


def assert_inert(html: str) -> None:
    """No element, attribute or URL in ``html`` can run script."""
    inspector = _Inspector()
    inspector.feed(str(html))
    inspector.close()
    assert not inspector.problems, (inspector.problems, html)
