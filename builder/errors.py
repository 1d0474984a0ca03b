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
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


class EngineError(BriefingError):
    """A translation engine is missing, failed or answered nonsense."""


class EngineUnavailable(EngineError):
    """The engine cannot run at all here (not installed, no key); raised before any work."""


class RenderError(BriefingError):
    """A template is missing or broken."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input file, reported as ``file:line: message``."""

    path: Path
    message: str
    line: int | None = None
    severity: str = "error"  # "error": the seed was skipped; "warning": built anyway

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"

    @classmethod
    def from_seed_error(cls, error: SeedError) -> Problem:
        return cls(error.path, error.message, error.line)
