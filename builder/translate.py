"""Translate stage: every unique Spanish segment gets an English translation, cache first.

Missing segments go to the engine in large batches; each batch is stored in the cache as
soon as it is done, so a failure later in the build loses nothing already translated. A
failed batch is never stored: its segments stay untranslated and their seeds are reported.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from tqdm import tqdm

from builder.cache import TranslationCache
from builder.engines import Engine, Progress
from builder.errors import EngineError
from builder.model import Translation
from builder.protect import Protector
from builder.text import clean_line

log = logging.getLogger(__name__)


@dataclass
class TranslationOutcome:
    """Translations found for each source text, and what it took to get them."""

    translations: dict[str, Translation] = field(default_factory=dict)
    from_cache: int = 0
    translated: int = 0
    error: EngineError | None = None


def translate_all(
    sources: Sequence[str],
    engine: Engine,
    cache: TranslationCache,
    *,
    show_progress: bool = False,
) -> TranslationOutcome:
    """Translate each unique text in ``sources``, using and filling the cache."""
    unique = list(dict.fromkeys(sources))
    info = engine.info
    outcome = TranslationOutcome(translations=cache.lookup(info, unique))
    outcome.from_cache = len(outcome.translations)
    missing = [text for text in unique if text not in outcome.translations]
    if not missing:
        return outcome
    with tqdm(
        total=len(missing),
        desc=f"Translating with {info.label}",
        unit="seg",
        disable=not show_progress,
        leave=False,
    ) as bar:
        for batch in batches(missing, engine.batch_chars):
            attempt = _translate_isolating(engine, batch, bar.update)
            if attempt.done:
                cache.store(info, attempt.done)
                outcome.translations.update(attempt.done)
                outcome.translated += len(attempt.done)
            if attempt.error is not None:
                outcome.error = attempt.error
                log.debug("segments of a batch of %d failed: %s", len(batch), attempt.error)
                if not attempt.isolated:
                    break  # the engine itself fails: the next batch would too
    return outcome


@dataclass(frozen=True)
class _Attempt:
    done: dict[str, Translation]
    error: EngineError | None = None
    isolated: bool = True  # the failure (if any) belongs to some segments, not to the engine


def _translate_isolating(
    engine: Engine, batch: Sequence[str], progress: Progress | None
) -> _Attempt:
    """Translate ``batch``; when a failure may be one segment's fault, split the batch in
    halves to translate the rest. Both halves failing means the engine fails: stop there."""
    try:
        return _Attempt(accepted(engine.info.label, batch, engine.translate(batch, progress)))
    except EngineError as error:
        if not error.isolatable:
            return _Attempt({}, error, isolated=False)
        if len(batch) == 1:
            return _Attempt({}, error)
        half = len(batch) // 2
        left = _translate_isolating(engine, batch[:half], None)
        right = _translate_isolating(engine, batch[half:], None)
        if not left.done and not right.done:
            return _Attempt(
                {}, error, isolated=len(batch) == 2 and left.isolated and right.isolated
            )
        return _Attempt(
            {**left.done, **right.done},
            left.error or right.error,
            isolated=left.isolated and right.isolated,
        )


def translate_protected(
    sources: Sequence[str],
    engine: Engine,
    cache: TranslationCache,
    protector: Protector,
    *,
    show_progress: bool = False,
) -> TranslationOutcome:
    """Translate ``sources`` with their protected spans kept; results keyed by source text.

    A segment whose placeholders the engine lost is translated again without protection.
    """
    unique = list(dict.fromkeys(sources))
    protected = {source: protector.protect(source) for source in unique}
    outcome = translate_all(
        [p.text for p in protected.values()], engine, cache, show_progress=show_progress
    )
    result = TranslationOutcome(
        from_cache=outcome.from_cache, translated=outcome.translated, error=outcome.error
    )
    lost = []
    for source, guarded in protected.items():
        translation = outcome.translations.get(guarded.text)
        if translation is None:
            continue
        restored = guarded.restore(translation)
        if restored is None:
            lost.append(source)
        else:
            result.translations[source] = restored
    if lost and result.error is None:
        log.debug("%d segments lost a placeholder; translating them unprotected", len(lost))
        retry = translate_all(lost, engine, cache, show_progress=show_progress)
        result.translations.update(retry.translations)
        result.translated += retry.translated
        result.error = retry.error
    return result


# An answer longer than this is not a translation of its segment (English runs about as long
# as the Spanish; a glossary term or an expanded abbreviation adds a little).
MAX_GROWTH = 4
MAX_EXTRA = 200


def accepted(
    label: str, batch: Sequence[str], results: Sequence[Translation]
) -> dict[str, Translation]:
    """The engine's answers, cleaned, or an error if they cannot be its translations."""
    if len(results) != len(batch):
        raise EngineError(f"{label} returned {len(results)} translations for {len(batch)} segments")
    done = {}
    for source, result in zip(batch, results, strict=True):
        if not isinstance(result, Translation) or not isinstance(result.text, str):
            raise EngineError(f"{label} returned something that is not a translation")
        text = clean_line(result.text)
        if not text and any(ch.isalnum() for ch in source):
            raise EngineError(f"{label} returned an empty translation for {source[:60]!r}")
        if len(text) > MAX_GROWTH * len(source) + MAX_EXTRA:
            raise EngineError(
                f"{label} returned {len(text):,} characters for a segment of {len(source):,} "
                f"({source[:60]!r}): not a translation of it",
                isolatable=True,  # that segment's answer: the others may be good
            )
        done[source] = Translation(text, tuple(str(word) for word in result.unknown))
    return done


def batches(texts: Sequence[str], max_chars: int) -> list[Sequence[str]]:
    """Cut ``texts`` into as few runs of about equal size as keep each under ``max_chars``."""
    total = sum(len(text) for text in texts)
    limit = math.ceil(total / max(1, math.ceil(total / max_chars))) if total else max_chars
    runs: list[Sequence[str]] = []
    start, size = 0, 0
    for index, text in enumerate(texts):
        # Cut where the text would end nearer the limit than it starts, never above max_chars.
        if size and (size + len(text) > max_chars or size + len(text) / 2 > limit):
            runs.append(texts[start:index])
            start, size = index, 0
        size += len(text)
    if start < len(texts):
        runs.append(texts[start:])
    return runs
