"""cchc_redirects — renamed or moved pages keep working.

An article or page lists the addresses it had before in `dia_chi_cu` (comma-separated, e.g.
`dia_chi_cu: tin-tuc/2026/03/ten-cu/`). The build then writes
- a page at each old address (theme template redirect.html: meta refresh, link, canonical,
  noindex), which works on any web server, and
- redirects.map, an nginx `map` of old → new addresses that deploy/nginx/ turns into 301s.
An old address that another page uses, or that two pages claim, is an error.

Settings read (cchc/settings.py): SITEURL, CCHC_REDIRECT_MAP (default "redirects.map").
"""

from pelican import signals

from cchc import state, updates

from .redirects import RedirectsGenerator, get_generators


def register():
    signals.initialized.connect(state.start)
    signals.get_generators.connect(get_generators)
    updates.context_keys(RedirectsGenerator, reads=("articles", "pages"))  # (cchc/updates.py)
