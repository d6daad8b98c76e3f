"""cchc_content — reads what editors wrote the way the ward's site needs it.

For every article and page: text normalised (NFC, invisible characters removed, cchc.vn), ASCII
slug from the file name, and for articles the project's metadata checked against the taxonomies
in content/data/ (chuyên mục, hình thức, cơ quan, nội dung II.1, nhiệm vụ) and turned into objects
templates can use. Every plugin adds its problems to one list (settings["CCHC_PROBLEMS"], shared
with Pelican's context); when the generators are done and before the writer exists, the build
stops if the list is not empty, listing every problem with file, line, field and what to do.

Settings read (defaults set in `initialized`):
  CCHC_DATA_DIR — folder of the taxonomy files (default: PATH/data)
  CCHC_MEDIA_HOSTS — hosts allowed in `video_nhung` (default: YouTube's privacy-enhanced host)
Template context added: CCHC (cchc.data.SiteData).
"""

from pelican import signals

from . import checks, parallel, reader


def register():
    signals.initialized.connect(checks.initialized)
    signals.readers_init.connect(reader.readers_init)
    signals.article_generator_init.connect(parallel.generator_init)
    signals.page_generator_init.connect(parallel.generator_init)
    signals.get_generators.connect(checks.new_build)
    signals.get_writer.connect(checks.stop_if_problems)
    signals.content_written.connect(checks.content_written)
    signals.content_object_init.connect(checks.content_object_init)
    signals.article_generator_pretaxonomy.connect(checks.article_generator_pretaxonomy)
    signals.article_generator_finalized.connect(checks.article_generator_finalized)
    signals.all_generators_finalized.connect(checks.all_generators_finalized)
