"""cchc_sitemap — sitemap.xml and robots.txt for every page the build wrote.

pelican-sitemap lists only what Pelican's own generators know (not procedure, plan or report pages)
and stamps listing pages with the time of the build, so two builds differ; this plugin lists every
HTML file written, with <lastmod> only where the page has a real date (its modified or published
date), which keeps the output reproducible.

Settings read (cchc/settings.py): SITEURL, OUTPUT_PATH, CCHC_SITEMAP_EXCLUDE (glob patterns, default
404.html, theme/* and ban-nhap/*).
"""

from pelican import signals

from cchc import state, updates

from .sitemap import content_written, finalized, initialized


def register():
    signals.initialized.connect(state.start)
    signals.initialized.connect(initialized)
    signals.content_written.connect(content_written)
    signals.finalized.connect(finalized)
    updates.declare(finalized, updates.HEADERS)  # the written files' names and dates
