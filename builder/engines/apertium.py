"""Apertium, the offline default engine: the ``spa-eng`` pair's programs, run by
:class:`~builder.engines.apertium_mode.ModeRunner` once per batch and job.

The ``apertium`` command itself is not used to translate: the runner reads the pair's mode
file and runs its programs directly, looking each distinct word up only once. ``apertium``
must still be installed (``apertium -V`` gives the version recorded with each translation).
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path

from builder.engines import Progress
from builder.engines.apertium_mode import ModeRunner
from builder.engines.process import run_streaming
from builder.errors import EngineError, EngineUnavailable
from builder.model import EngineInfo, Translation

MODES_DIR = Path("/usr/share/apertium/modes")
# Characters per parallel job in one batch (about 2.5 s of Apertium work). Large, because
# each Apertium process costs about 0.2 s to start; small enough that an interrupted build
# keeps most of its work.
BATCH_CHARS_PER_JOB = 250_000
# Segments go to Apertium separated by a blank line: its text deformatter treats that as a
# paragraph break, so no rule reorders words across two segments and each segment is
# translated exactly as it would be alone (the tests check this).
SEPARATOR = "\n\n"
# The last segment of every batch: a number, which Apertium copies as it is. When it does
# not come back, Apertium stopped reading early (it does at U+FFFF) and the batch is refused.
SENTINEL = "7310."
# Apertium translates about 100,000 characters a second here; allow ten times slower.
_SECONDS_PER_CHAR = 1 / 10_000
# Apertium marks a word it does not know with '*', a generation error with '#' and a
# transfer error with '@', glued to the front of the word.
_LEXICAL_UNIT = re.compile(r"\^(.*?)\$")
_FIRST_WORD = re.compile(r"[^\W\d_]+")
# Output that starts with unknown words, then a capitalised translated word.
_LEADING_UNKNOWN = re.compile(r"^(\W*)((?:\*\w[\w'-]*\s+)+)([A-Z][a-z]\w*)")
_MARKED_WORD = re.compile(r"(?<!\w)([*#@])(\w[\w'\u2019-]*)")


class ApertiumEngine:
    """Runs the programs of an Apertium pair (``spa-eng``), in parallel on ``jobs`` cores."""

    name = "apertium"

    def __init__(self, *, pair: str, timeout: float, jobs: int) -> None:
        self.pair = pair
        self.timeout = timeout
        self.jobs = max(1, jobs)

    @property
    def mode_file(self) -> Path:
        return MODES_DIR / f"{self.pair}.mode"

    @property
    def batch_chars(self) -> int:
        return BATCH_CHARS_PER_JOB * self.jobs

    def check(self) -> None:
        if shutil.which("apertium") is None:
            raise EngineUnavailable(
                "Apertium is not installed: run 'apt-get install apertium apertium-eng-spa' "
                "(the README's setup command does this)"
            )
        if not self.mode_file.is_file():
            raise EngineUnavailable(
                f"Apertium has no {self.pair!r} language pair ({self.mode_file} is missing): "
                "run 'apt-get install apertium-eng-spa'"
            )
        missing = self._runner.missing_programs()
        if missing:
            raise EngineUnavailable(
                f"Apertium's {self.pair!r} pair needs {', '.join(missing)}, not found on PATH: "
                "run 'apt-get install --reinstall apertium apertium-eng-spa'"
            )

    @cached_property
    def _runner(self) -> ModeRunner:
        return ModeRunner(self.mode_file)

    @cached_property
    def info(self) -> EngineInfo:
        return EngineInfo(self.name, f"Apertium ({self.pair})", self._version())

    def _version(self) -> str:
        """Apertium's version and a digest of the pair's data: new data means new translations."""
        try:
            apertium = subprocess.run(
                ["apertium", "-V"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            apertium = "unknown"
        digest = hashlib.sha256()
        try:
            mode = self.mode_file.read_bytes()
        except OSError:
            return f"{apertium}; data unknown"
        digest.update(mode)
        for word in shlex.split(mode.decode("utf-8", "replace")):
            path = Path(word)
            if path.is_absolute() and path.is_file():
                digest.update(path.read_bytes())
        return f"{apertium}; data {digest.hexdigest()[:16]}"

    def ordinary_capitals(self, words: Collection[str]) -> set[str]:
        """Ask the pair's morphological analyser: 'NATO' can be the adjective 'nato' (born),
        while 'OTAN' is only an acronym. A word read as anything but an acronym or a proper
        noun is ordinary; a word the analyser does not know passes through anyway."""
        analyser = self._analyser()
        ordered = sorted(set(words))
        if analyser is None or not ordered:
            return set()
        output = run_streaming(
            ["lt-proc", str(analyser)], "\n".join(ordered) + "\n", timeout=self.timeout
        )
        ordinary = set()
        for unit in _LEXICAL_UNIT.findall(output):
            surface, *readings = unit.split("/")
            if surface not in ordered or not readings or readings[0].startswith("*"):
                continue
            if any("<acr>" not in r and "<np>" not in r for r in readings):
                ordinary.add(surface)
        return ordinary

    def _analyser(self) -> Path | None:
        try:
            mode = self.mode_file.read_text(encoding="utf-8")
        except OSError:
            return None
        for word in shlex.split(mode):
            if word.endswith(".automorf.bin"):
                return Path(word)
        return None

    def translate(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        if not texts:
            return []
        batches = split_evenly(texts, self.jobs)
        if len(batches) == 1:
            raw = self._run(batches[0], progress)
        else:
            with ThreadPoolExecutor(max_workers=len(batches)) as pool:
                parts = list(pool.map(lambda batch: self._run(batch, progress), batches))
            raw = [line for part in parts for line in part]
        return [
            read_marks(source, follow_case(source, output))
            for source, output in zip(texts, raw, strict=True)
        ]

    def _run(self, texts: Sequence[str], progress: Progress | None) -> list[str]:
        """One Apertium process for a batch; returns its raw output for each text."""
        for text in texts:
            if "\n" in text:
                raise EngineError("a segment given to Apertium contains a line break")
        payload = SEPARATOR.join([*texts, SENTINEL]) + "\n"
        seen = 0
        tail = ""

        def count(piece: str) -> None:
            nonlocal seen, tail
            if progress is None:
                return
            # Count separators as they stream out, so the bar moves during a long batch.
            window = tail + piece
            done = window.count(SEPARATOR)
            tail = window[window.rfind(SEPARATOR) + len(SEPARATOR) :] if done else window[-1:]
            done = min(done, len(texts) - 1 - seen)
            if done > 0:
                seen += done
                progress(done)

        output = self._runner.run(
            payload, timeout=self.timeout + len(payload) * _SECONDS_PER_CHAR, on_output=count
        )
        results = output.rstrip("\n").split(SEPARATOR)
        if results[-1].strip() != SENTINEL:
            raise EngineError(
                "Apertium stopped before the end of the batch (its answer is incomplete); "
                "the batch was not used",
                isolatable=True,
            )
        results.pop()
        if len(results) != len(texts):
            raise EngineError(
                f"Apertium returned {len(results)} segments for {len(texts)}; "
                "the batch was not used",
                isolatable=True,
            )
        if progress is not None:
            progress(len(texts) - seen)
        return [result.strip() for result in results]


def split_evenly(texts: Sequence[str], parts: int) -> list[Sequence[str]]:
    """Cut ``texts`` into at most ``parts`` runs in order, of about equal character counts."""
    total = sum(len(text) for text in texts)
    if parts <= 1 or len(texts) < 2 * parts or total < 20_000:
        return [texts]
    target = total / parts
    batches: list[Sequence[str]] = []
    start, size = 0, 0
    for index, text in enumerate(texts):
        size += len(text)
        if size >= target and len(batches) < parts - 1:
            batches.append(texts[start : index + 1])
            start, size = index + 1, 0
    batches.append(texts[start:])
    return [batch for batch in batches if batch]


def follow_case(source: str, output: str) -> str:
    """Undo Apertium's capitals where the source has none.

    Apertium capitalises the first word it translates after a segment break. When the source
    starts in lower case (a paragraph that continues a sentence), so should the English; and
    when it starts with words Apertium does not know ("*Palu Is the capital"), the capital
    belongs to those words, not to the first translated one.
    """
    leading = _LEADING_UNKNOWN.match(output)
    if leading is not None:
        known = len(leading.group(2).split())
        words = source.split()
        if len(words) > known and words[known][:1].islower() and leading.group(3) != "I":
            start = leading.start(3)
            return output[:start] + output[start].lower() + output[start + 1 :]
        return output
    first = _FIRST_WORD.search(source)
    word = _FIRST_WORD.search(output)
    if first is None or word is None or not first.group(0)[0].islower():
        return output
    text = word.group(0)
    if text == "I" or not text[0].isupper() or text.isupper():
        return output
    return output[: word.start()] + text[0].lower() + output[word.start() + 1 :]


def read_marks(source: str, output: str) -> Translation:
    """Strip Apertium's unknown-word marks from ``output`` and list the words they marked.

    A mark character that was already in the source (a hashtag, a footnote star, an
    ``@handle``) is kept: ``*`` counts as a mark only before a word copied verbatim from the
    source, and ``#``/``@`` only when the source had no such character at all.
    """
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        mark, word = match.group(1), match.group(2)
        # Apertium copies an unknown word from the source, but may translate the part of a
        # compound after a hyphen ("*Berners-Reads" for "Berners-Lee"): the first part counts.
        core = re.match(r"\w+", word)
        stem = core.group(0) if core else word
        is_mark = (
            (stem in source and f"{mark}{stem}" not in source)
            if mark == "*"
            else mark not in source
        )
        if not is_mark:
            return match.group(0)
        unknown.append(word)
        return word

    text = _MARKED_WORD.sub(replace, output)
    return Translation(text, tuple(unknown))
