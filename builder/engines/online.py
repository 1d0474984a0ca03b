"""Online engines through deep-translator: Google, DeepL, Microsoft, MyMemory, LibreTranslate.

deep-translator is imported only when an online engine is used. Its requests carry no
time-out, so each one runs in a daemon thread that is abandoned when it takes too long.
Transient failures (time-outs, dropped connections, HTTP 429 and 5xx) are retried with
exponential back-off within a bounded total time; anything else fails at once. An answer
that is a provider's error message is never taken for a translation.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from typing import Any

from builder.engines import Progress
from builder.errors import EngineError, EngineUnavailable
from builder.model import EngineInfo, Translation
from builder.text import shorten


@dataclass(frozen=True)
class Provider:
    """What differs between the deep-translator providers."""

    name: str
    label: str
    class_name: str
    max_chars: int  # per request, under the provider's limit
    key_env: str | None  # environment variable holding the API key, if one is needed
    source: str = "es"
    target: str = "en"
    # Text some providers return with status 200 instead of a translation.
    error_markers: tuple[str, ...] = ()


PROVIDERS = {
    p.name: p
    for p in (
        Provider("google", "Google Translate", "GoogleTranslator", 4500, None),
        Provider("deepl", "DeepL", "DeeplTranslator", 4500, "DEEPL_API_KEY"),
        Provider(
            "microsoft", "Microsoft Translator", "MicrosoftTranslator", 4500, "MICROSOFT_API_KEY"
        ),
        Provider(
            "mymemory",
            "MyMemory",
            "MyMemoryTranslator",
            450,
            None,
            source="es-ES",
            target="en-GB",
            error_markers=(
                "MYMEMORY WARNING",
                "QUERY LENGTH LIMIT",
                "INVALID LANGUAGE PAIR",
                "PLEASE SELECT TWO DISTINCT LANGUAGES",
            ),
        ),
        Provider("libre", "LibreTranslate", "LibreTranslator", 4500, "LIBRE_API_KEY"),
    )
}
# deep-translator's ServerException says which status it got only through its message.
_TRANSIENT_SERVER_ERRORS = {
    "ERR_TOO_MANY_REQUESTS",
    "ERR_INTERNAL_SERVER_ERROR",
    "ERR_SERVICE_NOT_AVAIBLE",
    "API server error",
}


class _Transient(Exception):
    """A failure worth trying again."""


class OnlineEngine:
    """One deep-translator provider behind the :class:`~builder.engines.Engine` interface."""

    def __init__(
        self,
        provider: Provider,
        *,
        url: str | None,
        request_timeout: float,
        retry_seconds: float,
        backoff: float = 0.5,
    ) -> None:
        self.provider = provider
        self.url = url
        self.request_timeout = request_timeout
        self.retry_seconds = retry_seconds
        self.backoff = backoff
        self._translator: Any = None

    @property
    def batch_chars(self) -> int:
        return self.provider.max_chars

    def check(self) -> None:
        try:
            import deep_translator  # noqa: F401
        except ImportError:
            raise EngineUnavailable(
                f"{self.provider.label} needs the deep-translator package: "
                "run 'pip install \"deep-translator>=1.11,<2\"' (scripts/setup.sh installs it)"
            ) from None
        if self.provider.name == "libre":
            if not self.url and not os.environ.get("LIBRE_API_KEY"):
                raise EngineUnavailable(
                    "LibreTranslate needs the address of a server: set plugins.briefings."
                    "libre_url in mkdocs.yml (or LIBRE_API_KEY for libretranslate.com)"
                )
        elif self.provider.key_env and not os.environ.get(self.provider.key_env):
            raise EngineUnavailable(
                f"{self.provider.label} needs an API key: set the environment variable "
                f"{self.provider.key_env} (keys are never read from files in the project)"
            )

    @cached_property
    def info(self) -> EngineInfo:
        label = self.provider.label + (f" ({self.url})" if self.url else "")
        try:
            version = metadata.version("deep-translator")
        except metadata.PackageNotFoundError:
            version = "unknown"
        return EngineInfo(self.provider.name, label, f"deep-translator {version}")

    def translate(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        results: list[Translation] = []
        for group in pack(texts, self.provider.max_chars):
            answer = self._call("\n".join(group))
            lines = answer.split("\n")
            if len(lines) != len(group):
                # The provider merged or split lines: ask for each sentence on its own.
                lines = [self._call(text) for text in group]
            results += [Translation(line.strip()) for line in lines]
            if progress is not None:
                progress(len(group))
        return results

    def _call(self, text: str) -> str:
        """One request, retried while failures are transient and time remains."""
        deadline = time.monotonic() + self.retry_seconds
        delay, attempts = self.backoff, 0
        while True:
            attempts += 1
            try:
                answer = self._request(text)
            except _Transient as error:
                if time.monotonic() + delay > deadline:
                    raise EngineError(
                        f"{self.info.label} failed {attempts} times in {self.retry_seconds:.0f} s,"
                        f" last: {error}"
                    ) from None
                time.sleep(delay)
                delay *= 2
                continue
            return self._accept(answer)

    def _accept(self, answer: object) -> str:
        if not isinstance(answer, str):
            raise EngineError(f"{self.info.label} answered {type(answer).__name__}, not text")
        upper = answer.upper()
        for marker in self.provider.error_markers:
            if marker in upper:
                raise EngineError(f"{self.info.label} answered with an error: {shorten(answer)}")
        return answer

    def _request(self, text: str) -> object:
        """Run the provider's request in a thread; give up on it after ``request_timeout``."""
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                if self._translator is None:
                    self._translator = self._make_translator()
                outcome["answer"] = self._translator.translate(text)
            except BaseException as error:  # handed to the caller below
                outcome["error"] = error

        worker = threading.Thread(target=work, daemon=True, name=f"{self.provider.name}-request")
        worker.start()
        worker.join(self.request_timeout)
        if worker.is_alive():
            raise _Transient(f"no answer within {self.request_timeout:.0f} s")
        if "error" in outcome:
            raise self._classify(outcome["error"])
        answer: object = outcome["answer"]
        return answer

    def _make_translator(self) -> Any:
        import deep_translator

        cls = getattr(deep_translator, self.provider.class_name)
        kwargs: dict[str, Any] = {"source": self.provider.source, "target": self.provider.target}
        key = os.environ.get(self.provider.key_env) if self.provider.key_env else None
        if self.provider.name == "deepl":
            kwargs.update(api_key=key, use_free_api=bool(key and key.endswith(":fx")))
        elif self.provider.name == "microsoft":
            kwargs.update(api_key=key, region=os.environ.get("MICROSOFT_REGION") or None)
        elif self.provider.name == "libre":
            # deep-translator insists on a key; a self-hosted server without keys ignores it.
            kwargs.update(api_key=key or "unused", custom_url=self.url, use_free_api=False)
        return cls(**kwargs)

    def _classify(self, error: BaseException) -> Exception:
        """A transient failure to retry, or the EngineError to report."""
        import requests
        from deep_translator import exceptions as dt

        name = type(error).__name__
        if isinstance(error, requests.exceptions.Timeout | requests.exceptions.ConnectionError):
            return _Transient(f"{name}: connection failed or timed out")
        if isinstance(error, dt.TooManyRequests):
            return _Transient("HTTP 429 too many requests")
        if isinstance(error, dt.RequestError):
            return _Transient("the server answered with an error status")
        if isinstance(error, dt.ServerException):
            message = str(error.args[0]) if error.args else ""
            if message in _TRANSIENT_SERVER_ERRORS:
                return _Transient(f"server error {message}")
            return EngineError(f"{self.info.label} refused the request: {message}")
        if isinstance(error, dt.AuthorizationException):
            return EngineError(f"{self.info.label} refused the API key: check it")
        if isinstance(error, dt.ApiKeyException):
            return EngineError(f"{self.info.label} needs an API key: set {self.provider.key_env}")
        return EngineError(f"{self.info.label} failed: {name}: {shorten(error, 120)[1:-1]}")


def pack(texts: Sequence[str], max_chars: int) -> list[list[str]]:
    """Group sentences, in order, into requests of at most ``max_chars`` (one per line)."""
    groups: list[list[str]] = []
    size = 0
    for text in texts:
        cost = len(text) + 1
        if groups and size + cost <= max_chars:
            groups[-1].append(text)
            size += cost
        else:
            groups.append([text])
            size = cost
    return groups
