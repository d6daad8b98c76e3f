from __future__ import annotations

import functools
import hashlib
import pathlib

import rcssmin

from cchc import state

_ASSETS: dict[str, tuple[str, bytes]] = {}  # "css/site.css" → ("css/site.<hash>.css", content)


def fingerprinted(rel: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:10]
    path = pathlib.PurePosixPath(rel)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def initialized(pelican) -> None:
    state.start(pelican)  # the settings checked and their defaults set before they are read here
    settings = pelican.settings
    static = pathlib.Path(settings["THEME"]) / "static"
    _ASSETS.clear()
    for pattern in settings["CCHC_ASSETS"]:
        for file in sorted(static.glob(pattern)):
            rel = file.relative_to(static).as_posix()
            content = file.read_bytes()
            if file.suffix == ".css" and settings["CCHC_MINIFY_CSS"]:
                content = rcssmin.cssmin(content.decode("utf-8")).encode("utf-8")
            _ASSETS[rel] = (fingerprinted(rel, content), content)
    base = f"{settings['SITEURL']}/{settings['THEME_STATIC_DIR']}"
    # A partial of a module-level function: Pelican's content cache pickles the settings.
    names = {rel: hashed for rel, (hashed, _) in _ASSETS.items()}
    settings.setdefault("JINJA_FILTERS", {})["asset"] = functools.partial(asset_url, base, names)


def asset_url(base: str, names: dict[str, str], rel: str) -> str:
    if rel not in names:
        raise ValueError(f"theme/static/{rel} không có trong danh sách tệp giao diện (CCHC_ASSETS)")
    return f"{base}/{names[rel]}"


def finalized(pelican) -> None:
    folder = pathlib.Path(pelican.settings["OUTPUT_PATH"]) / pelican.settings["THEME_STATIC_DIR"]
    for rel, (hashed, content) in _ASSETS.items():
        (folder / hashed).parent.mkdir(parents=True, exist_ok=True)
        (folder / hashed).write_bytes(content)
        (folder / rel).unlink(missing_ok=True)
