"""A build's state: one object, created when the build starts, that every plugin and module reads.

It holds what used to travel through six settings keys (CCHC, CCHC_PROBLEMS, CCHC_NOTICES,
CCHC_WRITTEN, CCHC_NOW, CCHC_BUILD_DATE):

  site      the taxonomies and the plan of content/data/ (cchc.data.SiteData)
  now       the moment the build is for: today in Vietnam, or 23:59:59 of the build date given by
            the setting CCHC_BUILD_DATE or else the CCHC_BUILD_DATE environment variable
            (YYYY-MM-DD; the tests, benchmarks and `cchc report --date` fix it); build_date is its day
  problems  every problem plugins find (cchc.errors.Problem); cchc_content stops the build when
            Pelican asks for its writer, before anything is written
  notices   things fixed automatically, told to the editor but not fatal
  written   built page → the source file it came from (cchc_content fills it while Pelican writes;
            cchc.linkcheck reads it)

`start` runs at Pelican's `initialized` signal: each plugin that reads the state or the project's
settings connects it (blinker calls a receiver once however many plugins connected it), so it runs
whichever plugins a settings file lists and in whatever order blinker calls them. It first checks the
settings and sets their defaults (cchc.settings), so a misspelt key stops the build before anything
is read. The object lives in the settings under one key (cchc.settings.STATE_KEY), so readers,
generators, content objects and Pelican's context (a copy of the settings) all reach the same one
through `of(settings_or_context)`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

from . import data, settings as project_settings, vn
from .errors import Problem
from .settings import STATE_KEY, SettingsError


@dataclasses.dataclass(eq=False)
class BuildState:
    site: data.SiteData
    now: dt.datetime
    problems: list[Problem] = dataclasses.field(default_factory=list)
    notices: list[str] = dataclasses.field(default_factory=list)
    written: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def build_date(self) -> dt.date:
        return self.now.date()

    def new_run(self) -> None:
        """Each run of the same Pelican object (Pelican's autoreload) starts with empty lists."""
        self.problems.clear()
        self.notices.clear()
        self.written.clear()


def build_now(settings, environ=None) -> dt.datetime:
    """The setting CCHC_BUILD_DATE, else the environment variable, else now in Vietnam."""
    environ = os.environ if environ is None else environ
    day = settings.get("CCHC_BUILD_DATE")
    if day is None and environ.get("CCHC_BUILD_DATE"):
        day = environ["CCHC_BUILD_DATE"]
        if not project_settings.DATE.accepts(day):
            raise SettingsError([f"Biến môi trường CCHC_BUILD_DATE phải là {project_settings.DATE.label}, "
                                 f"không phải {day!r}. Cách sửa: đặt lại biến, hoặc bỏ nó để dựng cho hôm nay."])
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    if day:
        return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=vn.TIMEZONE)
    return dt.datetime.now(vn.TIMEZONE)


def create(settings) -> BuildState:
    """Checks the settings, sets their defaults and makes the state (ContentError: what to fix)."""
    project_settings.prepare(settings)
    now = build_now(settings)
    # Raises ContentError (file, line, what to do) before anything is read or written.
    site = data.load(settings["CCHC_DATA_DIR"])
    state = BuildState(site, now)
    settings[STATE_KEY] = state
    return state


def start(pelican) -> None:
    """Pelican's `initialized` signal; does nothing when the state is already there."""
    if not isinstance(pelican.settings.get(STATE_KEY), BuildState):
        create(pelican.settings)


def of(settings) -> BuildState:
    """The state of the build these settings (or this context, or an item's settings) belong to."""
    try:
        return settings[STATE_KEY]
    except KeyError:
        raise RuntimeError("The build has no state: a plugin that reads cchc.state must connect "
                           "cchc.state.start to Pelican's initialized signal.") from None
