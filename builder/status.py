"""The state of the archive at a glance, from the page records a build keeps: for each
briefing its review state and figures, the unknown words across the archive (each a
candidate glossary entry), and the machine English the last build changed.

``briefings status`` prints it; the editors' page (shown by ``mkdocs serve``, never
published) shows the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from builder.state import PageRecord
from builder.text import printable


@dataclass(frozen=True)
class BriefingStatus:
    """One briefing as an editor sees it."""

    seed: str
    slug: str
    title_es: str
    state: str  # machine, partly reviewed, reviewed; "not built" when it never was
    sentences: int
    reviewed: int
    unknown: int
    stale: int
    draft: bool
    error: str = ""  # why it was not built this time (its last good page stays)

    def to_json(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "slug": self.slug,
            "title_es": self.title_es,
            "state": self.state,
            "sentences": self.sentences,
            "reviewed": self.reviewed,
            "unknown_words": self.unknown,
            "stale_corrections": self.stale,
            "draft": self.draft,
            "error": self.error,
        }


@dataclass(frozen=True)
class UnknownWord:
    """A word the engine did not know, how often, and where."""

    word: str
    count: int
    seeds: tuple[str, ...]  # seed file names, most occurrences first
    slugs: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"word": self.word, "count": self.count, "seeds": list(self.seeds)}


@dataclass(frozen=True)
class MachineChange:
    seed: str
    es: str
    old: str
    new: str

    def to_json(self) -> dict[str, object]:
        return {"seed": self.seed, "es": self.es, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ArchiveStatus:
    briefings: tuple[BriefingStatus, ...]
    unknown_words: tuple[UnknownWord, ...]
    changed_at: str  # when the machine English last changed ("" never)
    changes: tuple[MachineChange, ...]

    def counts(self) -> Counter[str]:
        return Counter(b.state for b in self.briefings)

    def summary(self) -> str:
        counts = self.counts()
        total = len(self.briefings)
        parts = [
            f"{total} briefing{'s' if total != 1 else ''}: {counts['reviewed']} reviewed, "
            f"{counts['partly reviewed']} partly reviewed, {counts['machine']} machine"
        ]
        drafts = sum(1 for b in self.briefings if b.draft)
        stale = sum(b.stale for b in self.briefings)
        failed = sum(1 for b in self.briefings if b.error)
        if drafts:
            parts.append(f"{drafts} draft{'s' if drafts != 1 else ''}")
        if stale:
            parts.append(f"{stale} stale correction{'s' if stale != 1 else ''}")
        if failed:
            parts.append(f"{failed} not built this time")
        words = len(self.unknown_words)
        parts.append(f"{words} distinct unknown word{'s' if words != 1 else ''}")
        return "; ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "briefings": [b.to_json() for b in self.briefings],
            "unknown_words": [w.to_json() for w in self.unknown_words],
            "machine_english_changed": {
                "build": self.changed_at,
                "sentences": [c.to_json() for c in self.changes],
            },
        }


def archive_status(
    records: Mapping[str, PageRecord],
    errors: Mapping[str, str],
    changed_at: str = "",
    changes: Iterable[tuple[str, str, str, str]] = (),
) -> ArchiveStatus:
    """The status of every briefing the manifest records, and of seeds that failed;
    ``errors`` holds why each seed that failed this time failed, by seed file name."""
    briefings = [
        BriefingStatus(
            seed=name,
            slug=record.entry.slug,
            title_es=record.entry.title_es,
            state=record.entry.review,
            sentences=record.stats.sentences,
            reviewed=record.stats.reviewed,
            unknown=len(record.stats.unknown),
            stale=record.stats.stale,
            draft=record.entry.draft,
            error=errors.get(name, ""),
        )
        for name, record in sorted(records.items())
    ]
    for name in sorted(set(errors) - set(records)):
        if name.lower().endswith(".txt"):  # a name that cannot be shown is shown escaped
            briefings.append(
                BriefingStatus(
                    printable(name), "", "", "not built", 0, 0, 0, 0, False, errors[name]
                )
            )
    return ArchiveStatus(
        tuple(sorted(briefings, key=lambda b: b.seed)),
        rank_unknown_words(records),
        changed_at,
        tuple(MachineChange(*change) for change in changes),
    )


def rank_unknown_words(records: Mapping[str, PageRecord]) -> tuple[UnknownWord, ...]:
    """Unknown words, most frequent across the archive first, with where they occur."""
    where: dict[str, Counter[str]] = {}
    for name, record in records.items():
        for word in record.stats.unknown:
            found = where.get(word)
            if found is None:
                found = where[word] = Counter()
            found[name] += 1
    ranked = sorted(where.items(), key=lambda item: (-item[1].total(), item[0]))
    words = []
    for word, found in ranked:
        seeds = sorted(found, key=lambda seed: (-found[seed], seed))
        slugs = tuple(records[seed].entry.slug for seed in seeds)
        words.append(UnknownWord(word, found.total(), tuple(seeds), slugs))
    return tuple(words)


def table(status: ArchiveStatus) -> str:
    """The per-briefing table, for a terminal."""
    head = ("seed", "state", "sentences", "reviewed", "unknown", "stale", "draft")
    rows = [
        (
            b.seed,
            b.state + (" (error: last good page kept)" if b.error and b.slug else ""),
            str(b.sentences),
            str(b.reviewed),
            str(b.unknown),
            str(b.stale),
            "draft" if b.draft else "",
        )
        for b in status.briefings
    ]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    numeric = {2, 3, 4, 5}

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([line(head), *(line(row) for row in rows)])
