"""cchc_content — reads what editors wrote the way the ward's site needs it.

For every article and page: text normalised (NFC, invisible characters removed, cchc.vn), ASCII
slug from the file name, and for articles the project's metadata checked against the taxonomies
in content/data/ (chuyên mục, hình thức, cơ quan, nội dung II.1, nhiệm vụ) and turned into objects
templates can use. Every plugin adds its problems to one list (the build's state, cchc.state,
which cchc.state.start creates at `initialized` after checking the settings); when the generators
are done and before the writer exists, the build stops if the list is not empty, listing every
problem with file, line, field and what to do.

Settings read (cchc/settings.py): CCHC_DATA_DIR, CCHC_MEDIA_HOSTS, CCHC_MEDIA_LIMITS_MB,
CCHC_PARALLEL_READING.
"""

from pelican import signals
from pelican.generators import ArticlesGenerator

from cchc import state, updates

from . import checks, parallel, reader


def register():
    if not getattr(ArticlesGenerator._build_period_archives, "cchc", False):  # once per process
        ArticlesGenerator._build_period_archives = checks.period_archives(ArticlesGenerator._build_period_archives)
    signals.initialized.connect(state.start)
    signals.readers_init.connect(reader.readers_init)
    signals.article_generator_init.connect(parallel.generator_init)
    signals.page_generator_init.connect(parallel.generator_init)
    signals.get_generators.connect(checks.new_build)
    signals.get_writer.connect(checks.stop_if_problems)
    signals.content_written.connect(checks.content_written)
    signals.content_object_init.connect(checks.content_object_init)
    signals.article_generator_pretaxonomy.connect(checks.article_generator_pretaxonomy)
    signals.article_generator_finalized.connect(checks.article_generator_finalized)
    signals.page_generator_finalized.connect(checks.page_generator_finalized)
    signals.all_generators_finalized.connect(checks.all_generators_finalized)
    # The preview's updates (cchc/updates.py): ordering and tag checks read headers only; the link
    # checks of a body edit are made on the edited item and the items linking into it.
    updates.declare(checks.article_generator_pretaxonomy, updates.HEADERS)
    updates.declare(checks.article_generator_finalized, updates.HEADERS)
    updates.declare(checks.page_generator_finalized, updates.HEADERS)  # the order of pages
    updates.declare(checks.all_generators_finalized, checks.check_edited)
    # Reading an article uses the data files for the entries its headers name, and nothing else.
    updates.rebinds(checks.rebind)
    updates.derives("category", "_category_written")  # (kept for rebind: checks._name_entries)
