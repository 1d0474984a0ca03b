"""Configuration: the ``briefings`` plugin options in ``mkdocs.yml``, validated once.

The options are declared with MkDocs' own ``config_options`` so that ``mkdocs build`` and
``briefings build`` validate them the same way and report ``plugins.briefings.<key>`` errors.
"""

from __future__ import annotations

import codecs
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


class BriefingsConfig(base.Config):
    """The ``plugins: - briefings:`` options."""

    enabled = c.Type(bool, default=True)
    seeds_dir = c.Type(str, default="seeds")
    seed_encoding = c.Type(str, default="utf-8")
    templates_dir = c.Type(str, default="templates")
    glossary = c.Type(str, default="glossary.yml")
    protect = c.Type(bool, default=True)
    output_dir = _AreaPath(default="briefings")
    cache_dir = c.Type(str, default=".briefings-cache")
    engine = c.Choice(ENGINE_NAMES, default="apertium")
    apertium_pair = c.Type(str, default="spa-eng")
    timeout = c.Type(int, default=120)
    jobs = c.Type(int, default=0)
    libre_url = c.Optional(c.URL())
    request_timeout = c.Type(int, default=30)
    retry_seconds = c.Type(int, default=60)
    # Generated pages skip Python-Markdown's re-parse of their body (same bytes, less time).
    passthrough = c.Type(bool, default=True)


@dataclass(frozen=True)
class Settings:
    """Everything a build needs, with paths resolved against the project folder."""

    project_dir: Path
    seeds_dir: Path
    templates_dir: Path
    docs_dir: Path
    output_dir: str
    cache_dir: Path
    engine: str
    apertium_pair: str
    timeout: float
    jobs: int
    use_directory_urls: bool = True
    seed_encoding: str = "utf-8"
    glossary_file: Path | None = None
    protect: bool = True
    libre_url: str | None = None
    site_name: str = "Briefings"
    site_url: str | None = None
    request_timeout: float = 30.0
    retry_seconds: float = 60.0

    @property
    def area(self) -> Path:
        """The generated area: the only place the builder writes pages."""
        return self.docs_dir / self.output_dir

    @property
    def cache_file(self) -> Path:
        return self.cache_dir / CACHE_FILE

    def with_engine(self, engine: str | None) -> Settings:
        if engine is None:
            return self
        if engine not in ENGINE_NAMES:
            raise ConfigError(
                f"unknown engine {engine!r}; choose one of: {', '.join(ENGINE_NAMES)}"
            )
        return replace(self, engine=engine)

    @classmethod
    def from_plugin(
        cls,
        options: BriefingsConfig,
        *,
        config_file: Path,
        docs_dir: Path,
        use_directory_urls: bool,
        site_name: str = "Briefings",
        site_url: str | None = None,
    ) -> Settings:
        project = config_file.parent.resolve()
        jobs = options.jobs if options.jobs > 0 else (os.cpu_count() or 1)
        try:
            codecs.lookup(options.seed_encoding)
        except LookupError:
            raise ConfigError(
                "Config value 'plugins.briefings.seed_encoding': "
                f"unknown encoding {options.seed_encoding!r}"
            ) from None
        for key in ("timeout", "request_timeout"):
            if options[key] <= 0:
                raise ConfigError(
                    f"Config value 'plugins.briefings.{key}': must be above 0 seconds"
                )
        if options.retry_seconds < 0:
            raise ConfigError("Config value 'plugins.briefings.retry_seconds': must be 0 or more")
        return cls(
            project_dir=project,
            seeds_dir=project / options.seeds_dir,
            templates_dir=project / options.templates_dir,
            docs_dir=docs_dir,
            output_dir=options.output_dir,
            cache_dir=project / options.cache_dir,
            engine=options.engine,
            apertium_pair=options.apertium_pair,
            timeout=float(options.timeout),
            jobs=jobs,
            use_directory_urls=use_directory_urls,
            seed_encoding=options.seed_encoding,
            glossary_file=project / options.glossary if options.glossary else None,
            protect=options.protect,
            libre_url=options.libre_url,
            site_name=site_name,
            site_url=site_url or None,
            request_timeout=float(options.request_timeout),
            retry_seconds=float(options.retry_seconds),
        )


def load_settings(config_file: Path) -> Settings:
    """Read ``mkdocs.yml`` the way MkDocs does and return the builder's settings."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    if not config_file.is_file():
        raise ConfigError(
            f"{str(config_file)!r} not found: run this in the project folder or pass -f"
        )
    try:
        config = load_config(config_file=str(config_file))
    except exceptions.ConfigurationError as error:
        raise ConfigError(f"{config_file}: {error}") from None
    plugin: Any = config.plugins.get(PLUGIN_NAME)
    if plugin is not None:
        options: BriefingsConfig = plugin.config
    else:
        options = BriefingsConfig()
        options.load_dict({})
        errors, _ = options.validate()
        if errors:  # pragma: no cover - the defaults are valid
            raise ConfigError(str(errors))
    return Settings.from_plugin(
        options,
        config_file=config_file,
        docs_dir=Path(config.docs_dir),
        use_directory_urls=bool(config.use_directory_urls),
        site_name=str(config.site_name),
        site_url=config.site_url,
    )
