"""Configuration: the ``briefings`` plugin options in ``mkdocs.yml``, validated once.

The options are declared with MkDocs' own ``config_options`` so that ``mkdocs build`` and
``briefings build`` validate them the same way and report ``plugins.briefings.<key>`` errors.
"""

from __future__ import annotations

import codecs
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from builder.engines import ENGINE_NAMES
from builder.errors import ConfigError

PLUGIN_NAME = "briefings"
CACHE_FILE = "translations.sqlite3"


class _AreaPath(c.Type[str]):
    """A folder inside ``docs_dir`` that the builder owns: relative, no '..', not the root."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        path = PurePosixPath(text.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or str(path) in ("", "."):
            raise base.ValidationError(
                f"must be a folder inside docs_dir, like 'briefings' (got {text!r})"
            )
        return str(path)


class _Number(c.Type[int]):
    """A whole number from ``minimum`` to ``maximum`` (a bound for every option: a number of
    400 digits would overflow a clock or a timer)."""

    def __init__(
        self, default: int, minimum: int, unit: str = "", maximum: int = 1_000_000
    ) -> None:
        super().__init__(int, default=default)
        self.minimum = minimum
        self.maximum = maximum
        self.unit = unit

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool):
            raise base.ValidationError(f"must be a whole number, not {value!r}")
        number = super().run_validation(value)
        if number < self.minimum:
            raise base.ValidationError(f"must be {self.minimum}{self.unit} or more (got {number})")
        if number > self.maximum:
            shown = str(number) if number < 10**20 else f"a number of {len(str(number))} digits"
            raise base.ValidationError(f"must be {self.maximum:,}{self.unit} or less (got {shown})")
        return number


class _Encoding(c.Type[str]):
    """The name of a text encoding Python knows."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        name = super().run_validation(value)
        try:
            info = codecs.lookup(name)
        except LookupError:
            raise base.ValidationError(
                f"unknown encoding {name!r} (try utf-8 or windows-1252)"
            ) from None
        if not getattr(info, "_is_text_encoding", True):
            raise base.ValidationError(f"{name!r} is not a text encoding")
        return name


class BriefingsConfig(base.Config):
    """The ``plugins: - briefings:`` options: their only declaration and their defaults."""

    enabled = c.Type(bool, default=True)
    seeds_dir = c.Type(str, default="seeds")
    seed_encoding = _Encoding(default="utf-8")
    max_seed_kb = _Number(default=1024, minimum=1, unit=" KB")
    templates_dir = c.Type(str, default="templates")
    glossary = c.Type(str, default="glossary.yml")
    memory = c.Type(str, default="memory.yml")
    protect = c.Type(bool, default=True)
    output_dir = _AreaPath(default="briefings")
    cache_dir = c.Type(str, default=".briefings-cache")
    engine = c.Choice(ENGINE_NAMES, default="apertium")
    apertium_pair = c.Type(str, default="spa-eng")
    timeout = _Number(default=120, minimum=1, unit=" s")
    jobs = _Number(default=0, minimum=0, maximum=256)
    libre_url = c.Optional(c.URL())
    request_timeout = _Number(default=30, minimum=1, unit=" s")
    retry_seconds = _Number(default=60, minimum=0, unit=" s")
    lock_wait = _Number(default=300, minimum=0, unit=" s")
    search = c.Type(bool, default=True)  # the briefings' search index (builder/search.py)
    search_shard_size = _Number(default=500, minimum=1)  # briefings per shard of the search index
    # Generated pages skip Python-Markdown's re-parse of their body (same bytes, less time).
    passthrough = c.Type(bool, default=True)

    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Every invalid option at once. MkDocs' own validation stops at the first failure,
        so each failing option is reported, then set to its default to look further."""
        errors: list[tuple[str, Exception]] = []
        while True:
            failed, warnings = super().validate()
            fresh = [(key, error) for key, error in failed if key not in dict(errors)]
            if not fresh:
                return errors, warnings
            errors += fresh
            for key, _ in fresh:
                self[key] = getattr(type(self), key).default


@dataclass(frozen=True)
class Settings:
    """Everything a build needs, with paths resolved against the project folder.

    Made from :class:`BriefingsConfig` (:meth:`from_plugin`), which holds every default.
    """

    project_dir: Path
    seeds_dir: Path
    templates_dir: Path
    docs_dir: Path
    output_dir: str
    cache_dir: Path
    engine_name: str  # one of ENGINE_NAMES
    apertium_pair: str
    timeout: float
    jobs: int
    use_directory_urls: bool
    seed_encoding: str
    max_seed_bytes: int
    glossary_file: Path | None
    memory_file: Path | None  # the project memory: reviewed pairs from elsewhere
    protect: bool
    libre_url: str | None
    site_name: str
    site_url: str | None
    request_timeout: float
    retry_seconds: float
    lock_wait: float

    @property
    def area(self) -> Path:
        """The generated area: the only place the builder writes pages."""
        return self.docs_dir / self.output_dir

    @property
    def cache_file(self) -> Path:
        return self.cache_dir / CACHE_FILE

    def with_engine(self, engine: str | None) -> Settings:
        """These settings with another engine (one of :data:`ENGINE_NAMES`, as the command
        line checked it)."""
        return self if engine is None else replace(self, engine_name=engine)

    @classmethod
    def from_plugin(
        cls,
        options: BriefingsConfig,
        *,
        config_file: Path,
        docs_dir: Path,
        use_directory_urls: bool,
        site_name: str,
        site_url: str | None,
    ) -> Settings:
        project = config_file.parent.resolve()
        jobs = options.jobs if options.jobs > 0 else (os.cpu_count() or 1)
        return cls(
            project_dir=project,
            seeds_dir=project / options.seeds_dir,
            templates_dir=project / options.templates_dir,
            docs_dir=docs_dir,
            output_dir=options.output_dir,
            cache_dir=project / options.cache_dir,
            engine_name=options.engine,
            apertium_pair=options.apertium_pair,
            timeout=float(options.timeout),
            jobs=jobs,
            use_directory_urls=use_directory_urls,
            seed_encoding=options.seed_encoding,
            max_seed_bytes=options.max_seed_kb * 1024,
            glossary_file=project / options.glossary if options.glossary else None,
            memory_file=project / options.memory if options.memory else None,
            protect=options.protect,
            libre_url=options.libre_url,
            site_name=site_name,
            site_url=site_url or None,
            request_timeout=float(options.request_timeout),
            retry_seconds=float(options.retry_seconds),
            lock_wait=float(options.lock_wait),
        )


def load_settings(config_file: Path) -> Settings:
    """Read ``mkdocs.yml`` the way MkDocs does and return the builder's settings; every
    configuration error is reported at once, as MkDocs reports them."""
    return load_settings_and_warnings(config_file)[0]


def load_settings_and_warnings(config_file: Path) -> tuple[Settings, list[str]]:
    """:func:`load_settings`, and what MkDocs warns about in the configuration (an option it
    does not know, a typo of one: 'mkdocs build --strict' fails on these)."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    if not config_file.is_file():
        raise ConfigError(
            f"{str(config_file)!r} not found: run this in the project folder or pass -f"
        )
    collected = _Collect()
    config_log = logging.getLogger("mkdocs.config")
    config_log.addHandler(collected)
    propagate, config_log.propagate = config_log.propagate, False  # reported once, below
    try:
        config = load_config(config_file=str(config_file))
    except (exceptions.ConfigurationError, exceptions.Abort) as error:
        found = collected.errors or [str(error)]
        raise ConfigError(f"{config_file}: " + "; ".join(found)) from None
    except (OSError, ValueError) as error:  # unreadable or not YAML at all
        raise ConfigError(f"{config_file}: cannot be read: {error}") from None
    finally:
        config_log.removeHandler(collected)
        config_log.propagate = propagate
    plugin: Any = config.plugins.get(PLUGIN_NAME)
    if plugin is not None:
        options: BriefingsConfig = plugin.config
    else:
        options = BriefingsConfig()
        options.load_dict({})
        errors, _ = options.validate()
        if errors:  # pragma: no cover - the defaults are valid
            raise ConfigError(str(errors))
    settings = Settings.from_plugin(
        options,
        config_file=config_file,
        docs_dir=Path(config.docs_dir),
        use_directory_urls=bool(config.use_directory_urls),
        site_name=str(config.site_name),
        site_url=config.site_url,
    )
    return settings, collected.warnings


class _Collect(logging.Handler):
    """Keeps the configuration errors and warnings MkDocs logs while it validates
    ``mkdocs.yml``."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = self.errors if record.levelno >= logging.ERROR else self.warnings
        found.append(record.getMessage())
