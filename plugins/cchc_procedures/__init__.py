"""cchc_procedures — the "Tra cứu thủ tục hành chính" section, from content/procedures/.

Reads every imported record with the ward's overlay (cchc.procedures), then writes:
- one page per procedure (CCHC_PROCEDURE_URL, {slug} 1-001193 for the code 1.001193) — keyed by
  the stable national code, never by a name that may be amended; an abolished procedure keeps its
  page, marked "Đã bãi bỏ" with the decision and the replacing procedure;
- the section's landing page (CCHC_PROCEDURES_URL) and indexes by lĩnh vực, executing body, online
  level, life event (CCHC_PROCEDURE_INDEX_URL, CCHC_PROCEDURE_GROUP_URL), and A–Z in Vietnamese
  order (cchc.vn, CCHC_PROCEDURES_AZ_URL), each with counts, active procedures only;
- the change feed (CCHC_PROCEDURE_FEED_ATOM, _RSS): one entry per change (new, amended, replaced,
  abolished), with ids stable across builds, written by cchc/feeds.py (its FeedWriter is Pelican's
  writer, `get_writer`).
Articles and pages link to a procedure with `[tên]({thu-tuc}1.001193)`; the link is resolved like
Pelican's {filename} links (absolute in feeds), to the page's address of the settings, and an
unknown code is a build error.

Settings read (cchc/settings.py): CCHC_PROCEDURES_DIR (default PATH/procedures), SITEURL,
FEED_DOMAIN, CCHC_MEDIA_HOSTS, the addresses above (pelicanconf.py) and CCHC_PROCEDURE_FEED_TITLE.
Templates get each field's Vietnamese label as CCHC_PROCEDURE_LABELS[key] (the schema table,
cchc/procedures/schema.py), and the change and channel labels as CCHC_CHANGE_LABELS /
_CHANNEL_LABELS (all three set in `initialized`).
"""

from pelican import signals

from cchc import feeds, state, updates

from . import generator


def register():
    signals.initialized.connect(state.start)
    signals.initialized.connect(generator.initialized)
    signals.get_writer.connect(feeds.get_writer)
    signals.content_object_init.connect(generator.rewrite_links)
    signals.get_generators.connect(generator.get_generators)
    signals.all_generators_finalized.connect(generator.check_links)
    updates.declare(generator.check_links, generator.check_edited)  # a body edit: its {thu-tuc} links
    # A record's page-only fields: its pages alone; any other edit of a known procedure that keeps
    # its code, its abolition and what replaces it: this generator's context made again.
    updates.edits_in_place(generator.edit_in_place)
    updates.context_keys(generator.ProceduresGenerator, sets=("CCHC_PROCEDURES",))
