"""cchc_writing — the news pages written by two processes (cchc/parallel_writes.py): the page
writes of Pelican's ArticlesGenerator.generate_pages (articles, tags, archives, chuyên mục, home
pagination; its feeds are written before, in one process).

Settings read: CCHC_PARALLEL_WRITING (cchc/parallel_writes.py).
"""

from pelican import signals
from pelican.generators import ArticlesGenerator

from cchc import parallel_writes

_pelican_generate_pages = ArticlesGenerator.generate_pages


def generate_pages(self, writer):
    """ArticlesGenerator.generate_pages, its pages written by two processes."""
    with parallel_writes.shared(writer, self.settings):
        _pelican_generate_pages(self, writer)


def initialized(pelican):
    ArticlesGenerator.generate_pages = generate_pages


def register():
    signals.initialized.connect(initialized)
