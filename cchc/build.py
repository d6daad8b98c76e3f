"""Running Pelican in this process, and putting a build in place of the old one only when it
succeeded. The command line (cchc build, check, report) and the preview (cchc.incremental) both
build through here, so neither imports the other.
"""

from __future__ import annotations

import logging
import os
import pathlib
import shutil
import sys
import tempfile

from . import state
from .errors import ContentError, sort_key

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run_pelican(production: bool, override: dict, fatal: bool = True, pelican_class=None):
    """Builds the site in this process; returns the settings (the build's state, notices included,
    is cchc.state.of(settings)), or None after printing the editors' error list (content or
    settings). pelican_class: a Pelican subclass that keeps what it built (cchc.incremental)."""
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    settings_file = ROOT / ("publishconf.py" if production else "pelicanconf.py")
    # Warnings are fatal, as in CI: a build that warns is not published.
    init_logging(level=logging.WARNING, fatal="warnings" if fatal else "")
    try:
        settings = read_settings(str(settings_file), override=override)
        (pelican_class or Pelican)(settings).run()
    except ContentError as error:
        print(str(error), file=sys.stderr)
        return None
    except RuntimeError as error:  # pelican.log turns a warning into RuntimeError
        print(f"Lỗi khi dựng trang ({error}); xem cảnh báo in ở trên.", file=sys.stderr)
        return None
    from .linkcheck import broken_links

    broken = broken_links(settings["OUTPUT_PATH"], settings["SITEURL"], state.of(settings).written)
    if broken:
        print(str(ContentError(broken)), file=sys.stderr)
        return None
    return settings


def print_notices(settings) -> None:
    notices = state.of(settings).notices
    if notices:
        print(f"Có {len(notices)} lưu ý (đã tự xử lý, không phải lỗi):")
        for notice in sorted(set(notices), key=sort_key):
            print(f"  - {notice}")


def build_and_swap(target: pathlib.Path, production: bool, override: dict, pelican_class=None,
                   after_build=None):
    """Builds into a fresh folder beside target and renames it into place on success (the old
    folder is removed); returns the settings, or None (problems printed, target untouched).
    after_build(fresh) runs after the swap with the folder the build wrote into."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = pathlib.Path(tempfile.mkdtemp(prefix=f".{target.name}.moi-", dir=target.parent))
    try:
        settings = run_pelican(production, {**override, "OUTPUT_PATH": str(fresh)}, pelican_class=pelican_class)
        if settings is None:
            return None
        old = target.with_name(f".{target.name}.cu-{os.getpid()}")
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        if after_build is not None:
            after_build(fresh)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return settings
