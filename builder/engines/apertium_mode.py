"""Run an Apertium pair's mode directly, looking up each distinct lexical unit only once.

``apertium -f txt spa-eng`` runs the pair's mode file: a pipeline of ten programs between a
text deformatter and reformatter. Profiled on the 123 NTREX articles (``bench/apertium_stages.py``,
share of CPU time): bilingual dictionary ``lt-proc -b`` 25%, the three structural transfer
steps 42%, analyser 12%, generator ``lt-proc -g`` 8%, the rest 13%. The whole pipeline already
keeps two cores busy, so running two of them in parallel gains nothing; only less work does.

The dictionary and the generator translate each lexical unit (``^...$`` in Apertium's stream)
on its own, without looking at its neighbours, and news text repeats its words: 52,519 units
there, 9,703 distinct. So the pipeline is cut at those two programs. The stream before each is
collected, every distinct unit not seen before in this run is looked up in one call, and the
answers are put back in place. The result is byte for byte what ``apertium -f txt`` prints (the
tests compare them on the NTREX corpus and on generated text).
"""

from __future__ import annotations

import re
import shlex
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from builder.engines.process import run_streaming
from builder.errors import EngineError, EngineTimeout

DEFORMATTER = ("apertium-destxt",)
REFORMATTER = ("apertium-retxt",)
# What the ``apertium`` script puts for $1 (generator: mark unknown words) and $2 (tagger).
_MODE_ARGUMENTS = {"$1": ("-g",), "$2": ()}
# Programs that read one lexical unit at a time, with no state carried to the next unit.
_LOOKUP_FLAGS = {"-b", "-g"}
# Below this size a text streams through the whole pipeline at once: starting the five
# phases costs more than looking up its few words again (an editor's one changed sentence).
LOOKUP_MIN_CHARS = 20_000
# A lexical unit in Apertium's stream: ^...$, where \$ and other escapes do not end it.
LEXICAL_UNIT = r"\^[^$\\]*(?:\\.[^$\\]*)*\$"
# A lexical unit, an escaped character, or a superblank ([...] formatting kept aside).
_TOKEN = re.compile(rf"({LEXICAL_UNIT}|\\.|\[[^\]\\]*(?:\\.[^\]\\]*)*\])", re.DOTALL)


@dataclass(frozen=True)
class Pipe:
    """Programs run as one shell pipeline, text streaming through them."""

    commands: tuple[tuple[str, ...], ...]

    def shell(self) -> str:
        return " | ".join(shlex.join(command) for command in self.commands)


@dataclass
class Lookup:
    """A program that maps each lexical unit on its own; answers are remembered."""

    command: tuple[str, ...]
    known: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


Phase = Pipe | Lookup


def read_mode(mode_file: Path) -> list[tuple[str, ...]]:
    """The programs of an Apertium mode file, with the ``apertium`` script's arguments."""
    try:
        text = mode_file.read_text(encoding="utf-8")
    except OSError as error:
        raise EngineError(f"cannot read Apertium mode {str(mode_file)!r}: {error}") from None
    lexer = shlex.shlex(text, posix=True, punctuation_chars="|")
    lexer.whitespace_split = True
    commands: list[tuple[str, ...]] = []
    current: list[str] = []
    for word in lexer:
        if word == "|":
            commands.append(tuple(current))
            current = []
        else:
            current.extend(_MODE_ARGUMENTS.get(word, (word,)))
    commands.append(tuple(current))
    if not all(commands):
        raise EngineError(f"Apertium mode {str(mode_file)!r} has an empty step")
    return commands


def whole(commands: Sequence[tuple[str, ...]]) -> Pipe:
    """The pipeline as ``apertium -f txt`` runs it, uncut."""
    return Pipe((DEFORMATTER, *commands, REFORMATTER))


def plan(commands: Sequence[tuple[str, ...]]) -> list[Phase]:
    """Cut the pipeline at its lookup programs; add the text deformatter and reformatter."""
    phases: list[Phase] = []
    run: list[tuple[str, ...]] = [DEFORMATTER]
    for command in commands:
        if len(command) == 3 and command[0] == "lt-proc" and command[1] in _LOOKUP_FLAGS:
            phases.append(Pipe(tuple(run)))
            phases.append(Lookup(command))
            run = []
        else:
            run.append(command)
    run.append(REFORMATTER)
    phases.append(Pipe(tuple(run)))
    return phases


class ModeRunner:
    """Translates text through one Apertium mode; thread-safe, remembers lookups for its life."""

    def __init__(self, mode_file: Path, *, lookup_min_chars: int = LOOKUP_MIN_CHARS) -> None:
        self.mode_file = mode_file
        self.lookup_min_chars = lookup_min_chars
        commands = read_mode(mode_file)
        self.whole = whole(commands)
        self.phases = plan(commands)
        # Progress is read from the phase with the most programs, the last of them if
        # several: the structural transfer, the longest phase (about half the time).
        pipes = [phase for phase in self.phases if isinstance(phase, Pipe)]
        self._reporting = max(reversed(pipes), key=lambda pipe: len(pipe.commands))

    def missing_programs(self) -> list[str]:
        """Programs of the mode that are not on PATH."""
        names = {command[0] for phase in self.phases for command in _commands(phase)}
        return sorted(name for name in names if shutil.which(name) is None)

    def run(
        self, text: str, *, timeout: float, on_output: Callable[[str], None] | None = None
    ) -> str:
        """Translate plain ``text`` as ``apertium -f txt`` would; ``on_output`` sees the
        longest phase's output as it streams."""
        if len(text) < self.lookup_min_chars:
            return self._pipe(self.whole, text, timeout, on_output)
        deadline = time.monotonic() + timeout
        stream = text
        for phase in self.phases:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EngineTimeout(f"Apertium gave no complete answer within {timeout:.0f} s")
            if isinstance(phase, Pipe):
                report = on_output if phase is self._reporting else None
                stream = self._pipe(phase, stream, remaining, report)
            else:
                stream = self._look_up(phase, stream, remaining)
        return stream

    def _pipe(
        self,
        pipe: Pipe,
        stream: str,
        timeout: float,
        on_output: Callable[[str], None] | None,
    ) -> str:
        return run_streaming(
            ["bash", "-o", "pipefail", "-c", pipe.shell()],
            stream,
            timeout=timeout,
            on_output=on_output,
            label="Apertium",
        )

    def _look_up(self, lookup: Lookup, stream: str, timeout: float) -> str:
        parts = _TOKEN.split(stream)
        units = parts[1::2]
        with lookup.lock:
            new = sorted({unit for unit in units if unit[0] == "^"} - lookup.known.keys())
        if new:
            # One unit a line: the blank between units is copied as it is, so line N of
            # the answer belongs to unit N.
            answer = run_streaming(
                list(lookup.command), "\n".join(new) + "\n", timeout=timeout, label="Apertium"
            ).split("\n")
            if len(answer) != len(new) + 1 or answer[-1]:
                raise EngineError(
                    f"Apertium's {lookup.command[0]} {lookup.command[1]} gave "
                    f"{len(answer) - 1} answers for {len(new)} words; the batch was not used",
                    isolatable=True,
                )
            with lookup.lock:
                lookup.known.update(zip(new, answer, strict=False))
        known = lookup.known
        for index in range(1, len(parts), 2):
            part = parts[index]
            if part[0] == "^":
                parts[index] = known[part]
        return "".join(parts)


def _commands(phase: Phase) -> tuple[tuple[str, ...], ...]:
    return phase.commands if isinstance(phase, Pipe) else (phase.command,)
