"""YAML from files editors write (front matter, corrections, the glossary), read defensively.

PyYAML's ``safe_load`` still accepts things that have no place in these files and that turn
a typo into a traceback or a denial of service: aliases (a 300-byte "billion laughs" file
expands to gigabytes), explicit type tags (``!!int 'abc'`` raises ``ValueError``), deep
nesting (``RecursionError``), timestamps that are not dates (``2024-02-30`` raises
``ValueError``) and numbers of thousands of digits. This reader walks PyYAML's event stream
itself, without recursion, and builds plain values: text, None, lists and dicts with text
keys. Anything else is an :class:`InputError` with the line and a message an editor
understands.

Every value is the text as written: in these files a value is a sentence, a name or a word,
and YAML 1.1's typing would rewrite an editor's words (``en: No`` as *False*, ``en: 010`` as
*8*, ``author: 0x1F`` as *31*). Only an empty value, ``~`` and ``null`` are None; the few keys
that are flags read their text with :func:`flag`, dates are checked by their caller.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from builder.errors import LocatedInputError
from builder.text import shorten

# Deeper than any file of this project needs; well under Python's recursion limit.
MAX_DEPTH = 16
_NULL_TAG = "tag:yaml.org,2002:null"
_FLAGS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}

KeyPath = tuple[str | int, ...]

# PyYAML's messages, in words an editor understands.
_PROBLEMS = (
    (
        "mapping values are not allowed",
        "a ':' where it cannot be: is the indentation right? (else put the text in quotes)",
    ),
    ("could not find expected ':'", "a line is missing the ':' of 'key: value'"),
    ("cannot start any token", "a character that cannot start a value: put the text in quotes"),
    ("bad indentation", "the indentation is off: line up the entries"),
    ("expected <block end>", "the indentation is off: line up the entries"),
    ("expected <document start>", "the indentation is off: line up the entries"),
    ("found unexpected end of stream", "a quote or bracket is never closed"),
    ("found unexpected ':'", "a ':' where it cannot be: put the text in quotes"),
    ("unacceptable character", "a character YAML cannot hold (a control character?)"),
    ("expected ',' or ']'", "a '[' list is never closed with ']'"),
    ("expected ',' or '}'", "a '{' map is never closed with '}'"),
    ("did not find expected key", "the indentation is off: line up the entries"),
    ("did not find expected '-' indicator", "the indentation is off: line up the entries"),
    ("found undefined alias", "an '*' alias: write the value out in full (or quote it)"),
    ("found character that cannot start any token", "a character that cannot start a value"),
)


@dataclass(frozen=True)
class Document:
    """A parsed YAML document, the line (1-based) where each value starts and where each
    text value ends, and the document's comments."""

    value: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    end_lines: dict[KeyPath, int] = field(default_factory=dict)  # text values (scalars) only
    comments: tuple[Comment, ...] = ()
    # Unquoted text values with a comment right after them on their line: (path, line). An
    # editor may have meant the rest as text (``en: Sun #2 shines`` reads as "Sun").
    cut_short: tuple[tuple[KeyPath, int], ...] = ()

    def line(self, *path: str | int) -> int | None:
        """The line of the value at ``path`` (keys and list indexes), if known."""
        return self.lines.get(path)

    def end_line(self, *path: str | int) -> int | None:
        """The last line of the text value at ``path``, if known."""
        return self.end_lines.get(path)


@dataclass(frozen=True)
class Comment:
    """A YAML comment: its line (1-based) and its text after '#' and one space."""

    line: int
    text: str


def parse(text: str, *, first_line: int = 1) -> Document:
    """Parse one YAML document; raise :class:`InputError` (with ``.line``) on anything else.

    ``first_line`` is the file line of the text's first line (front matter starts on 2).
    """
    directive = next((n for n, line in enumerate(text.split("\n")) if line.startswith("%")), None)
    if directive is not None:  # PyYAML would call it a missing '---'
        raise LocatedInputError(
            "has a line starting with '%' (a YAML directive, which these files do not take): "
            "remove it, or put the value in quotes",
            directive + first_line,
        )
    builder = _Builder(first_line, text)
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark is not None else None
        raise LocatedInputError(_explain(error), line) from None
    except yaml.YAMLError as error:  # a ReaderError: a character YAML cannot hold
        position = getattr(error, "position", None)
        line = text.count("\n", 0, position) + first_line if position is not None else None
        raise LocatedInputError(
            "holds a character YAML cannot hold (a control character or U+FFFE?)", line
        ) from None
    except RecursionError:  # pragma: no cover - depth is bounded before this can happen
        raise LocatedInputError("is nested too deeply", None) from None
    comments = _comments(text, builder.spans, first_line)
    return Document(
        builder.result, builder.lines, builder.end_lines, comments, tuple(builder.cut_short)
    )


def cut_short_message(path: KeyPath) -> str:
    """What to tell an editor about a value in :attr:`Document.cut_short` (``path``: its keys
    and places in lists; empty for a file that is one value)."""
    key = path[-1] if path else None
    what = f"the value of '{shorten(key, 30)[1:-1]}'" if isinstance(key, str) else "a value"
    return (
        f"{what} ends where ' #' starts a YAML comment: the rest of the line is not part of "
        "it; if it is, put the whole value in quotes"
    )


def _comments(text: str, spans: list[tuple[int, int]], first_line: int) -> tuple[Comment, ...]:
    """Every comment in ``text``: a '#' outside every text value (``spans``, in order: a '#'
    inside quotes, a plain value or a block of text is text). Outside the values of a
    document PyYAML accepted, a '#' can only start a comment (after white space, as YAML
    says, or right after a closing quote or bracket, as PyYAML also takes it)."""
    starts = [start for start, _ in spans]
    found = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        at = line.find("#")
        while at != -1:
            position = offset + at
            index = bisect.bisect_right(starts, position) - 1
            inside = index >= 0 and position < spans[index][1]
            if not inside:
                text_after = line[at + 1 :].removeprefix(" ").rstrip()
                found.append(Comment(number + first_line, text_after))
                break
            at = line.find("#", at + 1)
        offset += len(line) + 1
    return tuple(found)


def _explain(error: yaml.MarkedYAMLError) -> str:
    problem = str(error.problem or error.context or "")
    for needle, words in _PROBLEMS:
        if needle in problem:
            return f"is not valid YAML: {words}"
    return f"is not valid YAML ({shorten(problem, 100)[1:-1]})"


class _Builder:
    """Builds plain values from PyYAML events, with a stack instead of recursion."""

    def __init__(self, first_line: int, text: str = "") -> None:
        self.first_line = first_line
        self.text = text
        self.stack: list[tuple[list[Any] | dict[str, Any], KeyPath]] = []
        self.pending_key: list[str | None] = []
        self.key_lines: list[dict[str, int]] = []
        self.result: Any = None
        self.documents = 0
        self.lines: dict[KeyPath, int] = {}
        self.end_lines: dict[KeyPath, int] = {}
        self.spans: list[tuple[int, int]] = []  # where each text value is in the text
        self.cut_short: list[tuple[KeyPath, int]] = []
        self._resolver = Resolver()

    def _next_line(self, index: int) -> int:
        at = self.text.find("\n", index)
        return len(self.text) if at == -1 else at + 1

    def _line(self, event: events.Event) -> int:
        mark = event.start_mark
        return (int(mark.line) if mark is not None else 0) + self.first_line

    def feed(self, event: events.Event) -> None:
        if isinstance(event, events.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise LocatedInputError(
                    "holds more than one YAML document ('---' inside it?)", self._line(event)
                )
            return
        if isinstance(event, events.AliasEvent):
            raise LocatedInputError(
                "uses a YAML alias ('*'): write the value out in full, or quote it",
                self._line(event),
            )
        if not isinstance(event, events.NodeEvent | events.CollectionEndEvent):
            return
        if isinstance(event, events.CollectionEndEvent):
            self._end()
            return
        if event.anchor is not None:
            raise LocatedInputError(
                f"uses a YAML anchor ('&{shorten(event.anchor, 20)[1:-1]}'): "
                "write each value out in full",
                self._line(event),
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise LocatedInputError(
                f"uses a YAML type tag ({shorten(shown, 30)}): write the value plainly",
                self._line(event),
            )
        if isinstance(event, events.ScalarEvent):
            value = self._scalar(event)
            path = self._add(value, event)
            start, end = event.start_mark, event.end_mark
            if start is not None and end is not None:
                begin = int(start.index)
                if event.style in ("|", ">"):  # a block's text starts on the line after '|'
                    begin = int(end.index) if end.line == start.line else self._next_line(begin)
                self.spans.append((begin, int(end.index)))
                # A block of text ends at the start of the line after it.
                last = int(end.line) - (1 if end.column == 0 and end.line > start.line else 0)
                self.end_lines[path] = last + self.first_line
                # Not for an empty value or a null ('~'): nothing of the text was cut.
                if event.style is None and value and self._just_added_a_value():
                    rest = self.text[int(end.index) : self._next_line(int(end.index))]
                    if rest.lstrip(" \t").startswith("#"):
                        self.cut_short.append((path, int(end.line) + self.first_line))
        elif isinstance(event, events.SequenceStartEvent):
            self._open([], event)
        elif isinstance(event, events.MappingStartEvent):
            self._open({}, event)

    def _just_added_a_value(self) -> bool:
        """Whether the scalar just added is a value (not a mapping's key)."""
        return not self.stack or self.pending_key[-1] is None

    def _scalar(self, event: events.ScalarEvent) -> str | None:
        value: str = event.value
        if event.style is not None:  # quoted or block text
            return value
        tag = self._resolver.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        return None if tag == _NULL_TAG else value

    def _open(self, container: list[Any] | dict[str, Any], event: events.Event) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise LocatedInputError(
                f"is nested more than {MAX_DEPTH} levels deep", self._line(event)
            )
        path = self._add(container, event)
        self.stack.append((container, path))
        self.pending_key.append(None)
        self.key_lines.append({})

    def _end(self) -> None:
        self.stack.pop()
        self.pending_key.pop()
        self.key_lines.pop()

    def _add(self, value: Any, event: events.Event) -> KeyPath:
        line = self._line(event)
        if not self.stack:
            self.result = value
            self.lines[()] = line
            return ()
        container, path = self.stack[-1]
        if isinstance(container, list):
            here = (*path, len(container))
            container.append(value)
            self.lines[here] = line
            return here
        key = self.pending_key[-1]
        if key is None:  # this value is a key
            if isinstance(value, list | dict):
                raise LocatedInputError("has a key that is a list or a map", line)
            text = "" if value is None else str(value)
            seen = self.key_lines[-1]
            if text in seen:
                raise LocatedInputError(
                    f"has the key {shorten(text, 40)} twice (first on line {seen[text]})", line
                )
            seen[text] = line
            self.pending_key[-1] = text
            self.lines[(*path, text)] = line
            return (*path, text)
        here = (*path, key)
        container[key] = value
        self.pending_key[-1] = None
        return here


def flag(value: object) -> bool | None:
    """A yes/no value as YAML writes it (``true``, ``false``, ``yes``, ``no``, ``on``,
    ``off``, in any case), or None if ``value`` is not one."""
    return _FLAGS.get(value.lower()) if isinstance(value, str) else None
