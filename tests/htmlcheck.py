"""Reading built pages with an HTML parser, to check what is markup and what is text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# What a briefing's own markup may contain; anything else inside it came from a seed.
ALLOWED_TAGS = {
    "article",
    "header",
    "h1",
    "p",
    "div",
    "span",
    "time",
    "a",
    "ul",
    "li",
    "dl",
    "dt",
    "dd",
    "strong",
    "code",
}
ALLOWED_ATTRS = {
    "class",
    "id",
    "lang",
    "datetime",
    "href",
    "rel",
    "role",
    "aria-hidden",
    "title",
    "data-origin",
    "data-mark",
    "data-review",
    "aria-label",
    "data-search-body",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""


@dataclass
class Page(HTMLParser):
    """Every element of a page, and the elements and text inside ``article.bf-briefing``."""

    elements: list[Element] = field(default_factory=list)
    article: list[Element] = field(default_factory=list)
    article_text: list[str] = field(default_factory=list)
    title: str = ""
    _stack: list[Element] = field(default_factory=list)
    _depth_in_article: int = 0

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if self._depth_in_article:
            self.article.append(element)
            self._depth_in_article += 1
        elif tag == "article" and "bf-briefing" in (element.attrs.get("class") or ""):
            self.article.append(element)
            self._depth_in_article = 1
        if tag not in {"meta", "link", "img", "br", "input", "hr"}:
            self._stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if self._depth_in_article:
            self._depth_in_article -= 1
        while self._stack:
            if self._stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack:
            self._stack[-1].text += data
            if self._stack[-1].tag == "title":
                self.title += data
        if self._depth_in_article:
            self.article_text.append(data)

    def by_class(self, name: str) -> list[Element]:
        return [e for e in self.elements if name in (e.attrs.get("class") or "").split()]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page
