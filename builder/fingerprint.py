"""Fingerprints of a page's inputs, so that an unchanged seed is not read again."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from builder.config import Settings
from builder.corrections import sidecar_for
from builder.model import EngineInfo
from builder.render import BRIEFING_TEMPLATE, INDEX_TEMPLATE

PACKAGE = Path(__file__).resolve().parent


@functools.cache
def _builder_source() -> str:
    """A digest of the builder's own code: a new version may render differently."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _file(path: Path | None) -> bytes:
    if path is None:
        return b"-"
    try:
        return path.read_bytes()
    except OSError:
        return b"-"


def inputs_digest(settings: Settings, engine: EngineInfo) -> str:
    """Everything besides the seed itself that a briefing page depends on."""
    digest = hashlib.sha256()
    for part in (
        _builder_source(),
        engine.name,
        engine.label,
        engine.version,
        str(settings.protect),
        str(settings.use_directory_urls),
        settings.seed_encoding,
    ):
        digest.update(part.encode() + b"\0")
    for path in (
        settings.templates_dir / BRIEFING_TEMPLATE,
        settings.templates_dir / INDEX_TEMPLATE,
        settings.glossary_file,
    ):
        digest.update(_file(path) + b"\0")
    return digest.hexdigest()


def seed_stamp(seed_path: Path, has_sidecar: bool = True) -> str:
    """Size and modification time of a seed and its corrections: when both are as they were,
    the seed is taken as unchanged without reading it (as make does)."""
    parts = []
    for path in (seed_path, sidecar_for(seed_path)) if has_sidecar else (seed_path,):
        try:
            info = path.stat()
        except OSError:
            parts.append("-")
        else:
            parts.append(f"{info.st_size}:{info.st_mtime_ns}")
    return ";".join(parts)


def seed_digest(inputs: str, seed_path: Path) -> str:
    """The fingerprint of one seed's page: its inputs, its bytes and its corrections."""
    try:
        data = seed_path.read_bytes()
    except OSError:
        return ""
    digest = hashlib.sha256(inputs.encode())
    digest.update(data + b"\0")
    digest.update(_file(sidecar_for(seed_path)))
    return digest.hexdigest()
