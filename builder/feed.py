"""The Atom feed (RFC 4287) of the latest dated briefings. Each entry's title is the
authoritative one (the Spanish, unless an editor reviewed the English); the summary gives the
other title and the first sentence."""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from builder import __version__
from builder.clock import build_time
from builder.render import IndexEntry, newest_first
from builder.text import make_safe

FEED_NAME = "feed.xml"
FEED_SIZE = 20
ATOM = "http://www.w3.org/2005/Atom"


def _stamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _id(site: str, slug: str) -> str:
    """A stable, globally unique id: a name-based UUID of the site and the briefing."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{site}#{slug}").urn


def atom_feed(
    entries: Sequence[IndexEntry],
    *,
    site_name: str,
    site_url: str | None,
    area_url: str,
    briefing_url: dict[str, str],
) -> str:
    """The feed as text. ``area_url`` is where the generated area is published ("briefings/"),
    ``briefing_url`` maps a slug to its URL relative to the area."""
    base = (site_url.rstrip("/") + "/" + area_url) if site_url else None
    dated = [e for e in newest_first(entries) if e.date][:FEED_SIZE]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "en"})
    if base:
        feed.set("xml:base", base)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        # Every value is made safe for XML: no entry, however odd, breaks the feed.
        safe_attrs = {name: make_safe(value) for name, value in attrs.items()}
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", safe_attrs)
        if text is not None:
            element.text = make_safe(text)
        return element

    add(feed, "title", f"{site_name}: latest briefings")
    add(
        feed, "subtitle", "Spanish news articles with an English translation, sentence by sentence."
    )
    add(feed, "id", _id(site_url or site_name, "feed"))
    updated = dated[0].date if dated and dated[0].date else build_time().date()
    add(feed, "updated", _stamp(updated))
    add(feed, "link", rel="alternate", type="text/html", href="./")
    if base:
        add(feed, "link", rel="self", type="application/atom+xml", href=base + FEED_NAME)
    author = add(feed, "author")
    add(author, "name", site_name)
    add(feed, "generator", "briefings-builder", version=__version__)
    for entry in dated:
        item = add(feed, "entry")
        add(item, "title", entry.lead_title).set("xml:lang", entry.title_lead)
        add(item, "id", _id(site_url or site_name, entry.slug))
        add(item, "updated", _stamp(entry.date))  # type: ignore[arg-type]
        add(item, "link", rel="alternate", type="text/html", href=briefing_url[entry.slug])
        if entry.title_reviewed:
            summary = entry.title_es + (f" — {entry.first_es}" if entry.first_es else "")
            add(item, "summary", summary, type="text").set("xml:lang", "es")
        else:
            summary = f"{entry.title_en} (machine translation)"
            summary += f" — {entry.first_en}" if entry.first_en else ""
            add(item, "summary", summary, type="text").set("xml:lang", "en")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
