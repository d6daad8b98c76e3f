"""cchc_writing — the news pages written by two processes.

Pelican renders every page in one process, one after another. At 5,000 articles the articles'
generator writes about 7,900 pages (articles, tags, archives, chuyên mục, home pagination): 35–40 s
of a build, on one of the machine's two cores, while the other waits (benchmarks/HISTORY.md).
Pelican has no setting for this, so split.py takes the page writes of
ArticlesGenerator.generate_pages (its feeds are written before, sequentially), lets a forked copy
of the build render every other one, renders the rest itself, and then tells every
`content_written` handler about the child's files in the order Pelican would have written them.
Each page is rendered from the same objects as before, so the output is byte for byte that of one
process (tests/test_site.py builds both).

It is off in daemonic processes (the preview's worker: its updates record which write read which
article) and for fewer than MIN_ITEMS articles, and when an item overrides another page's address
(Save_as), where Pelican's order decides which page is kept.

Settings read: CCHC_PARALLEL_WRITING (default True: at least MIN_ITEMS articles; False: never; a
number: at least that many articles, as tests/test_site.py sets it).
"""

from pelican import signals

from . import split


def register():
    signals.initialized.connect(split.initialized)
