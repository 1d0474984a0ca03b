"""Pass-through: the body of a page the builder generated reaches the HTML without a re-parse.

The builder renders a briefing's body (and a list page's) as one raw HTML block with every
value escaped. Python-Markdown copies such a block to its output unchanged, but only after
its HTML-block preprocessor has parsed it, and MkDocs parses it once more for anchor ids:
most of ``mkdocs build``'s time on a large archive. This module checks that a body is in
the shape the builder writes, a shape for which that copy is exact, and hands MkDocs a
placeholder paragraph instead; the body goes back in place of the placeholder's HTML. A body
may also be several such blocks back to back (a plugin may add one after the briefing).

Which pages are the builder's comes from its build report, never from their content. The
shape check then guards the equivalence: a generated file edited by hand into anything
else (a blank line, a comment, Markdown outside the block, a tab) goes through Markdown as
usual. The equivalence holds for Python-Markdown's own processing and the extensions in
:data:`VERIFIED_EXTENSIONS` (tests/test_passthrough.py builds with them); another extension
might rewrite raw HTML (pymdownx.critic and pymdownx.pathconverter do), so with one the
pass-through is off.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from builder.errors import BriefingError, InputError, OutputError
from builder.files import read_regular, write_if_changed

log = logging.getLogger(__name__)

# Extensions that leave a raw HTML block alone: they work on the element tree, on Markdown
# blocks or inline text (raw HTML is stashed before any of that), or they are preprocessors
# whose syntax needs a line that does not start with '<' (fenced code, superfences).
VERIFIED_EXTENSIONS = frozenset(
    {
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "fenced_code",
        "footnotes",
        "sane_lists",
        "smarty",
        "tables",
        "toc",
        "pymdownx.betterem",
        "pymdownx.caret",
        "pymdownx.details",
        "pymdownx.emoji",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.keys",
        "pymdownx.mark",
        "pymdownx.superfences",
        "pymdownx.tabbed",
        "pymdownx.tasklist",
        "pymdownx.tilde",
    }
)

# The builder's shape, line by line. Every line starts with a tag, so no line can open a
# fence or be blank; text holds no raw '<', '>', '"' or '&' (the renderer escapes them), no
# tab (Markdown expands tabs), no STX/ETX (Markdown drops them) and no other control or
# line-separator character. Tags are lower case with double-quoted attributes; elements whose
# content an HTML parser reads as raw text are refused, so nothing can hide an end tag.
_FORBIDDEN = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
_ENTITY = r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});"
_RAW_TEXT = r"(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)"
_VALUE = rf'"(?:[^"<>&{_FORBIDDEN}]|{_ENTITY})*"'
# Attributes with a value, or without one (data-search-body) but never a bare id or name:
# MkDocs would take that for an anchor named None.
_ATTRIBUTES = rf"(?: (?:[a-z][a-z0-9-]*={_VALUE}|(?!(?:id|name)[ >])[a-z][a-z0-9-]*))*"
_START = rf"<(?!{_RAW_TEXT}[ >])[a-z][a-z0-9]*{_ATTRIBUTES}>"
_END = r"</[a-z][a-z0-9]*>"
_TEXT = rf'[^<>"&\n{_FORBIDDEN}]'
_SHAPE = re.compile(rf"(?:(?:{_START}|{_END})(?:{_START}|{_END}|{_ENTITY}|{_TEXT})*+\n)++")
# A top-level element: a block-level element for Python-Markdown, opening a line.
_OUTER = re.compile(r"<(article|aside|div|footer|header|nav|section)[ >]")
# In that shape '<' only ever starts a tag and '"' only ever delimits an attribute value:
# the first id of each tag, and the first name of each link, found at C speed.
_ANY_ATTRIBUTE = r'(?: [a-z][a-z0-9-]*(?:="[^"]*")?)'
_FIRST_ID = re.compile(rf'<[a-z][a-z0-9]*{_ANY_ATTRIBUTE}*? id="([^"]*)"')
_FIRST_LINK_NAME = re.compile(rf'<a{_ANY_ATTRIBUTE}*? name="([^"]*)"')
_ANCHOR_TAG = re.compile(rf"<([a-z][a-z0-9]*)({_ANY_ATTRIBUTE}*)>")
_ATTRIBUTE = re.compile(r' ([a-z][a-z0-9-]*)="([^"]*)"')


@dataclass(frozen=True)
class RawBody:
    """A generated page's body as Python-Markdown would turn it into HTML."""

    html: str
    anchors: frozenset[str]  # the ids MkDocs would find in it, for its anchor validation


def raw_body(markdown: str) -> RawBody | None:
    """The body's HTML if it is raw HTML blocks in the builder's shape, else ``None``."""
    # Blank lines at the end are the only ones allowed: a marker filled with nothing leaves one.
    body = markdown.rstrip("\n") + "\n"
    if not _whole_elements(body) or _SHAPE.fullmatch(body) is None:
        return None
    # Python-Markdown strips the document's surrounding white space: here the last newlines.
    return RawBody(body[:-1], _anchors(body))


def _whole_elements(body: str) -> bool:
    """Whether ``body`` is top-level elements back to back, each from the start of a line to
    its end tag closing a line. Python-Markdown's raw block ends at the first end tag of the
    element's name, so that name appears nowhere else inside. ('<' only ever starts a tag.)"""
    start = 0
    while start < len(body):
        outer = _OUTER.match(body, start)
        if outer is None:
            return False
        name = outer.group(1)
        end = body.find(f"</{name}", start)
        if (
            end == -1
            or body[end - 1] != "\n"
            or not body.startswith(f"</{name}>\n", end)
            or body.count(f"<{name}", start, end) != 1
        ):
            return False
        start = end + len(name) + 4
    return start > 0


def _anchors(body: str) -> frozenset[str]:
    """What MkDocs collects from raw HTML: every ``id``, and ``name`` on ``<a>``."""
    ids = _FIRST_ID.findall(body)
    names = _FIRST_LINK_NAME.findall(body) if ' name="' in body else []
    # As many as the text shows, so none was missed (a second id in a tag, a name on another
    # element, a value ending in ' id='): then every tag is read one by one.
    if len(ids) == body.count(' id="') and len(names) == body.count(' name="'):
        return frozenset(html.unescape(v) if "&" in v else v for v in (*ids, *names))
    found = set()
    for tag in _ANCHOR_TAG.finditer(body):
        for key, value in _ATTRIBUTE.findall(tag.group(2)):
            if key == "id" or (key == "name" and tag.group(1) == "a"):
                found.add(html.unescape(value))
    return frozenset(found)


def unverified_extensions(extensions: Iterable[object]) -> list[str]:
    """The configured Markdown extensions the pass-through is not verified with."""
    names = [
        name.removeprefix("markdown.extensions.") if isinstance(name, str) else repr(name)
        for name in extensions
    ]
    return [name for name in names if name not in VERIFIED_EXTENSIONS]


# The bodies found in the builder's shape, remembered between builds by their digest: the
# check of an unchanged body is a digest lookup. The file is a cache, read with care: a file
# that is damaged, too large, or not exactly what this code writes is ignored as a whole.
# Like the translation cache beside it, what it records is believed: a forged entry could only
# let a page that is not in the shape (a generated page edited by hand) skip Markdown, its
# HTML passing as it is either way, or give MkDocs wrong anchor ids for its link check.
CHECKED_FILE = "passthrough.json"
CHECKED_VERSION = 1
MAX_CHECKED_BYTES = 16 << 20  # about 300 bytes a briefing: some 50,000 briefings
_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
_DIGEST = re.compile(r"[0-9a-f]{32}")
_CHECKED_START = json.dumps({"version": CHECKED_VERSION, "code": _CODE, "bodies": {}})[:-2]


def body_digest(markdown: str) -> str:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def load_checked(path: Path) -> dict[str, frozenset[str]]:
    """The bodies a build found in the shape (digest -> anchor ids); empty if the file is
    missing, damaged, or from other code."""
    try:
        raw = read_regular(path, MAX_CHECKED_BYTES)
        # Anything but this code's own file is refused before it is parsed.
        if not raw.startswith(_CHECKED_START.encode()):
            return {}
        data = json.loads(raw)
    except (InputError, ValueError, RecursionError):
        return {}
    bodies = data.get("bodies") if isinstance(data, dict) else None
    if (
        not isinstance(bodies, dict)
        or data.get("version") != CHECKED_VERSION
        or data.get("code") != _CODE
    ):
        return {}
    checked = {}
    for digest, anchors in bodies.items():
        if (
            not _DIGEST.fullmatch(digest)
            or not isinstance(anchors, list)
            or not all(isinstance(anchor, str) for anchor in anchors)
        ):
            return {}
        checked[digest] = frozenset(anchors)
    return checked


def save_checked(path: Path, checked: dict[str, frozenset[str]]) -> None:
    """Write the checked bodies (sorted: the same build writes the same bytes)."""
    bodies = {digest: sorted(checked[digest]) for digest in sorted(checked)}
    text = json.dumps({"version": CHECKED_VERSION, "code": _CODE, "bodies": bodies})
    try:
        write_if_changed(path, text, durable=False)
    except (OutputError, OSError) as error:  # a cache: the next build checks again
        log.debug(f"{path}: not written ({error})")


class PlaceholderLost(BriefingError):
    """A page's placeholder did not reach its HTML: another plugin rewrote the Markdown."""


@dataclass
class PassThrough:
    """Swaps the bodies of the builder's pages for a placeholder and back, a page at a time.

    ``pages`` holds the ``src_uri`` of every page the last build generated; ``checked`` the
    bodies earlier builds found in the shape, by digest (they are not checked again), and
    ``checked_now`` those of this build.
    """

    pages: frozenset[str]
    checked: dict[str, frozenset[str]] = field(default_factory=dict)
    checked_now: dict[str, frozenset[str]] = field(default_factory=dict)
    # Letters and digits only: no Markdown syntax or extension acts on it.
    token: str = field(default_factory=lambda: f"briefingsbody{secrets.token_hex(8)}")
    held: dict[str, RawBody] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # generated pages not in the shape
    passed: int = 0  # pages whose body went through unparsed

    def markdown(self, src_uri: str, markdown: str) -> str:
        """The Markdown to convert for a page: a placeholder if its body is passed through."""
        if src_uri not in self.pages:
            return markdown
        digest = body_digest(markdown)
        anchors = self.checked.get(digest)
        if anchors is not None:
            body: RawBody | None = RawBody(markdown.rstrip("\n"), anchors)
        else:
            body = raw_body(markdown)
        if body is None:
            log.debug(f"{src_uri!r} is not in the builder's shape: converted by Markdown")
            self.refused.append(src_uri)
            return markdown
        self.held[src_uri] = body
        self.checked_now[digest] = body.anchors
        return self.token + "\n"

    def restore(self, src_uri: str, converted: str) -> tuple[str, frozenset[str]] | None:
        """The page's HTML with its body in place of the placeholder, and the body's anchor
        ids; ``None`` if the page was converted as usual."""
        body = self.held.pop(src_uri, None)
        if body is None:
            return None
        placeholder = f"<p>{self.token}</p>"
        if placeholder not in converted:
            raise PlaceholderLost(
                f"{src_uri!r}: the page's body was lost after 'on_page_markdown' (another "
                "plugin changed it?); set 'passthrough: false' for the briefings plugin"
            )
        self.passed += 1
        return converted.replace(placeholder, body.html, 1), body.anchors
