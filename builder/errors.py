"""The project's exceptions, rooted in one error, and the problems a build reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class BriefingError(Exception):
    """Root of every error this project raises on purpose."""


class ConfigError(BriefingError):
    """The configuration is invalid; nothing can be built."""


class SeedError(BriefingError):
    """One seed cannot be read; the rest of the build goes on."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(self.located())

    def located(self) -> str:
        return str(Problem(self.path, self.message, self.line))


class InputError(BriefingError):
    """An input file cannot be read; the message says why in an editor's words."""


class LocatedInputError(InputError):
    """An input error at a known line of the file."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class OutputError(BriefingError):
    """A file cannot be written; nothing that was published before is lost."""


class StateError(BriefingError):
    """A file the builder keeps for itself (manifest, cache, lock) cannot be used."""


class EngineError(BriefingError):
    """A translation engine is missing, failed or answered nonsense.

    ``isolatable`` says that one bad segment may be the cause (the engine stopped reading,
    crashed, answered too few segments): the batch is then split to find it, so that one
    seed's text never costs another seed its page.
    """

    def __init__(self, message: str, *, isolatable: bool = False) -> None:
        super().__init__(message)
        self.isolatable = isolatable


class EngineTimeout(EngineError):
    """An engine gave no complete answer in time."""


class EngineUnavailable(EngineError):
    """The engine cannot run at all here (not installed, no key); raised before any work."""


class FileError(BriefingError):
    """An error that belongs to one file, when it is known: ``problem`` names it (and its
    line), for the CLI to show like any other problem."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(str(problem) if problem is not None else message)
        self.problem = problem


class RenderError(FileError):
    """A template is missing or broken; ``problem`` names its file and line when known."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input file, reported as ``file:line: message``."""

    path: Path
    message: str
    line: int | None = None
    # "error": the file could not be used (a seed is skipped and its last good page stays);
    # "warning": the file was used, with something the editor should look at.
    severity: str = "error"

    def __str__(self) -> str:
        from builder.text import printable

        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return printable(f"{where}: {self.message}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @classmethod
    def from_seed_error(cls, error: SeedError) -> Problem:
        return cls(error.path, error.message, error.line)
