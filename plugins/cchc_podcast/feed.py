"""Handlers of cchc_podcast (module level: blinker keeps only weak references)."""

from __future__ import annotations

from cchc import feeds


def article_generator_finalized(generator):
    generator.context["CCHC_PODCAST_EPISODES"] = [a for a in generator.articles if getattr(a, "audio", None)]


def write_feed(generator, writer):
    feeds.write_podcast(writer, generator.context, generator.context.get("CCHC_PODCAST_EPISODES") or [])
