"""cchc_plan — the plan's task matrix, its progress, the communication reports and the exports.

- `[[ma-tran-nhiem-vu]]` alone on a line of any page or article becomes the task matrix. It is
  expanded after reading (all_generators_finalized), never inside the Markdown reader, so it stays
  right when only content/data/ke-hoach.yaml changes, also with Pelican's content cache on.
- Each task's status (chưa đến hạn, đang thực hiện, hoàn thành, quá hạn) is computed against the
  build date from the articles that declare it (`nhiem_vu`) and, for task 02, the reports below.
- Pages: a task and its products (CCHC_PLAN_TASK_URL), what a body leads or supports
  (CCHC_PLAN_BODY_URL), the list of reports (CCHC_REPORTS_URL) and each quarterly and annual report
  with its CSV and .docx files (CCHC_REPORT_URL); the task matrix exported as CSV and JSON for the
  city's communication office (CCHC_PLAN_MATRIX_CSV, _JSON). The addresses: pelicanconf.py.

Reads the build date from the build's state (cchc.state: the setting or environment variable
CCHC_BUILD_DATE, else today in Vietnam; tests fix it).
Settings read (cchc/settings.py):
  CCHC_REPORTS      — extra periods to report on, e.g. ["Quý I/2026"] (besides every quarter of the
                      plan's year that has started, and the year).
  CCHC_REPORT_STATS, CCHC_STATS_DIR — readership figures for the reports.
  CCHC_PLAN_*, CCHC_REPORTS_*, CCHC_REPORT_* — the addresses above.
"""

import os

from pelican import signals

from cchc import state, updates

from . import generator


def register():
    signals.initialized.connect(state.start)
    signals.get_generators.connect(generator.get_generators)
    # (the preview: an edit that makes the procedures' context again makes the plan's again: the
    # reports list procedure changes)
    # (its Word reports print a cơ quan's short name: cchc.report_docx)
    updates.context_keys(generator.PlanGenerator, reads=("CCHC_PROCEDURES", "articles", updates.DATA_NAMES),
                         sets=("CCHC_PLAN",))
    signals.all_generators_finalized.connect(generator.expand_placeholders)
    updates.declare(generator.expand_placeholders, generator.expand_edited)  # a body edit: its own table
    updates.shows("title", generator.rewrite_shown)  # the reports and exports list items by title
    # The readership figures are read by the generator in each run (the preview's too).
    updates.files_read_in_each_run(lambda settings: [os.path.join(settings["CCHC_STATS_DIR"], "*.json")])
