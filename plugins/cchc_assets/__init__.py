"""cchc_assets — fingerprinted names for the theme's stylesheets and scripts.

`{{ "css/site.css" | asset }}` in a template gives the address of `theme/css/site.<hash>.css`, where
the hash is taken from the file's content: a changed stylesheet gets a new name, so the web server
can let browsers keep these files for a year (deploy/nginx) and a new release is never shown with an
old cached stylesheet. The unhashed copies Pelican makes of these files are removed, so a template that
forgot the filter shows up as a broken link in the build's own link check.

With CCHC_MINIFY_CSS (publishconf.py) stylesheets are minified with rcssmin first.
Pelican has no fingerprinting of its own and pelican-webassets would bring a whole asset pipeline for
two stylesheets and two scripts, hence this small plugin.

Settings read (cchc/settings.py): THEME, THEME_STATIC_DIR, SITEURL, CCHC_ASSETS (globs under the theme's static/
folder, default css/*.css and js/*.js), CCHC_MINIFY_CSS.
"""

from pelican import signals

from cchc import updates

from .assets import finalized, initialized


def register():
    signals.initialized.connect(initialized)
    signals.finalized.connect(finalized)
    updates.declare(finalized, updates.HEADERS)  # the theme's files
