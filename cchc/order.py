"""The one order of dated content: by date, and items with the same date in the order of their
source files' paths.

Editors publish at round times, so two articles often share a date to the minute. An order by date
alone leaves such ties to the order the items came in, and that order is no property of the items:
Pelican reads files in the order of a set (Python's hash seed changes it in every process), and a
list an item is added to keeps it where it was added. The source path is the item's own, the same
in every build of the same sources, so every list made from it (listings, feeds, neighbours, task
products, reports) is too. Items that have no source file (a report of task 02) are known by their
address instead.
"""

from __future__ import annotations


def identity(item) -> str:
    """What puts two items with the same date in order: the path of the item's source file, or the
    address of an item generated without one."""
    return getattr(item, "source_path", None) or item.url


def newest_first(items) -> list:
    """Newest first; the same date in path order."""
    ordered = sorted(items, key=identity)
    ordered.sort(key=lambda item: item.date, reverse=True)  # stable, also reversed: ties keep path order
    return ordered


def oldest_first(items) -> list:
    """Oldest first; the same date in path order."""
    return sorted(items, key=lambda item: (item.date, identity(item)))
