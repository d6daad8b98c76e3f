"""`cchc deploy`: publish a built site to the portal's web server without ever leaving it half-updated.

Layout on the server (BASE is the configured path):

    BASE/releases/20261126T140512Z-83216e5/   one complete site per publication
    BASE/current -> releases/20261126T140512Z-83216e5
                                              the live release; nginx's `root` is BASE/current

A publication uploads the built site with rsync over SSH into BASE/releases/.NAME.partial (files that
did not change are hard-linked to the live release, so only changes travel and each release costs
little disk), renames it to NAME once the upload is complete, and then replaces the `current` symlink
with one rename(2) (`mv -T`), which is atomic: every request is served either wholly from the old
release or wholly from the new one. Until that rename nothing a resident can reach has changed, so a
failed or interrupted upload leaves the live site exactly as it was. The newest KEEP releases stay on
the server; `--rollback` switches `current` back to the release before it the same way.

rsync, ssh and a POSIX shell with GNU coreutils (`mv -T`, `ln -sfn`) on the server are all it needs:
no agent, no sudo. Where nginx reads files from the release (the redirects map), a reload command can
be configured and is run after each switch.

Configuration comes from a TOML file (`--config`, or the file named by CCHC_DEPLOY_CONFIG) and from
environment variables, which win over the file:

    CCHC_DEPLOY_HOST         the web server (required)
    CCHC_DEPLOY_USER         the SSH user (required)
    CCHC_DEPLOY_PATH         BASE on the server, e.g. /srv/cchc-chilinh (required)
    CCHC_DEPLOY_PORT         SSH port (22)
    CCHC_DEPLOY_KEY          private key file for SSH
    CCHC_DEPLOY_KNOWN_HOSTS  known_hosts file holding the server's host key (the host key is always
                             checked; default: the user's ~/.ssh/known_hosts)
    CCHC_DEPLOY_KEEP         how many releases to keep (5, at least 2)
    CCHC_DEPLOY_SITEURL      the address the build must have been made for; a build for another
                             address (e.g. a local preview) is refused
    CCHC_DEPLOY_RELOAD       a command run on the server after each switch, e.g.
                             "sudo systemctl reload nginx"
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pathlib
import re
import shlex
import subprocess
import tomllib

RELEASE_NAME = re.compile(r"^\d{8}T\d{6}Z(-[0-9a-f]{4,40})?$")
FIELDS = ("host", "user", "path", "port", "key", "known_hosts", "keep", "siteurl", "reload")


class DeployError(Exception):
    """A problem the IT staff can act on; the message says what happened and what to do."""


@dataclasses.dataclass(frozen=True)
class Config:
    host: str
    user: str
    path: str
    port: int = 22
    key: str | None = None
    known_hosts: str | None = None
    keep: int = 5
    siteurl: str | None = None
    reload: str | None = None


def load_config(config_file: pathlib.Path | None = None, environ=None) -> Config:
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    config_file = config_file or (pathlib.Path(environ["CCHC_DEPLOY_CONFIG"]) if environ.get("CCHC_DEPLOY_CONFIG") else None)
    if config_file is not None:
        try:
            values.update(tomllib.loads(config_file.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise DeployError(f"Không thấy tệp cấu hình {config_file}.") from None
        except tomllib.TOMLDecodeError as error:
            raise DeployError(f"{config_file}: tệp cấu hình không đúng cú pháp TOML ({error}).") from None
        unknown = sorted(set(values) - set(FIELDS))
        if unknown:
            raise DeployError(f"{config_file}: khóa không dùng được: {', '.join(unknown)}; "
                              f"các khóa dùng được: {', '.join(FIELDS)}.")
    for field in FIELDS:
        if environ.get(f"CCHC_DEPLOY_{field.upper()}"):
            values[field] = environ[f"CCHC_DEPLOY_{field.upper()}"]
    missing = [field for field in ("host", "user", "path") if not values.get(field)]
    if missing:
        raise DeployError("Thiếu cấu hình xuất bản: " + ", ".join(f"CCHC_DEPLOY_{m.upper()}" for m in missing)
                          + " (đặt biến môi trường hoặc khai báo trong tệp cấu hình, xem deploy/cchc-deploy.toml.example).")
    for field, low in (("port", 1), ("keep", 2)):
        if field in values:
            try:
                values[field] = int(values[field])
            except (TypeError, ValueError):
                raise DeployError(f"CCHC_DEPLOY_{field.upper()} phải là một số nguyên, không phải {values[field]!r}.") from None
            if values[field] < low:
                raise DeployError(f"CCHC_DEPLOY_{field.upper()} phải từ {low} trở lên.")
    if not str(values["path"]).startswith("/"):
        raise DeployError(f"CCHC_DEPLOY_PATH phải là đường dẫn tuyệt đối trên máy chủ, không phải {values['path']!r}.")
    values["path"] = str(values["path"]).rstrip("/") or "/"
    return Config(**values)


def check_output(output: pathlib.Path, config: Config) -> None:
    """Refuse a folder that is not a complete production build for this site."""
    if not (output / "index.html").is_file():
        raise DeployError(f"{output} không có trang chủ (index.html): dựng bản chính thức trước (make publish).")
    sitemap = output / "sitemap.xml"
    if config.siteurl:
        text = sitemap.read_text(encoding="utf-8") if sitemap.is_file() else ""
        found = re.search(r"<loc>([^<]+)</loc>", text)
        if not found or not found.group(1).startswith(config.siteurl.rstrip("/") + "/"):
            address = found.group(1) if found else "không rõ"
            raise DeployError(f"{output} được dựng cho địa chỉ khác ({address}), không phải {config.siteurl}: "
                              "dựng bản chính thức bằng make publish rồi xuất bản lại.")


class Server:
    """The web server, reached with ssh and rsync. Every remote command is one `sh -c` script."""

    def __init__(self, config: Config):
        self.config = config
        options = ["-p", str(config.port), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                   "-o", "ConnectTimeout=15"]
        if config.key:
            options += ["-i", config.key, "-o", "IdentitiesOnly=yes"]
        if config.known_hosts:
            options += ["-o", f"UserKnownHostsFile={config.known_hosts}"]
        self.ssh = ["ssh", *options]
        self.target = f"{config.user}@{config.host}"
        self.base = config.path

    def run(self, script: str) -> str:
        try:
            result = subprocess.run([*self.ssh, self.target, "sh -c " + shlex.quote("set -eu\n" + script)],
                                    capture_output=True, text=True, timeout=600)
        except FileNotFoundError:
            raise DeployError("Không có chương trình ssh trên máy này: chạy bash scripts/setup.sh --deploy.") from None
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip()
            raise DeployError(f"Lệnh trên máy chủ {self.target} không thành công (mã {result.returncode}): {detail}")
        return result.stdout

    def state(self) -> tuple[list[str], str | None]:
        """The releases on the server, oldest first, and the one `current` points to."""
        q = shlex.quote(self.base)
        out = self.run(f"mkdir -p {q}/releases\ncd {q}/releases\nls -1A\necho '--'\n"
                       f"readlink {q}/current || true")
        names, _, current = out.partition("--\n")
        releases = sorted(n for n in names.split() if RELEASE_NAME.match(n))
        current = current.strip().rsplit("/", 1)[-1] or None
        return releases, current

    def upload(self, output: pathlib.Path, name: str, link_dest: str | None) -> None:
        partial = f"{self.base}/releases/.{name}.partial/"
        # Files are compared by content (every build writes new modification times), and times are
        # not copied: a file that did not change stays the same file with the same date, so
        # browsers' cached copies stay valid (nginx's ETag and Last-Modified do not move).
        command = ["rsync", "--recursive", "--links", "--checksum", "--delete",
                   "--chmod=D755,F644", "-e", shlex.join(self.ssh)]
        if link_dest:
            # Relative to the destination: unchanged files become hard links to the live release.
            command.append(f"--link-dest=../{link_dest}/")
        command += [f"{output}/", f"{self.target}:{partial}"]
        try:
            result = subprocess.run(command, capture_output=True, text=True)
        except FileNotFoundError:
            raise DeployError("Không có chương trình rsync trên máy này: chạy bash scripts/setup.sh --deploy.") from None
        if result.returncode != 0:
            raise DeployError(f"Tải lên không thành công (rsync mã {result.returncode}): {result.stderr.strip()}\n"
                              "Trang đang chạy không bị thay đổi; thử xuất bản lại.")

    def switch(self, name: str) -> None:
        """Point `current` at releases/NAME with one atomic rename."""
        q = shlex.quote(self.base)
        link = shlex.quote(f"{self.base}/.current-{name}")
        self.run(f"test -d {q}/releases/{name}\nln -sfn releases/{name} {link}\nmv -T {link} {q}/current")

    def reload(self, live: str) -> None:
        if not self.config.reload:
            return
        try:
            self.run(self.config.reload)
        except DeployError as error:
            raise DeployError(f"Bản {live} đã chạy, nhưng lệnh tải lại máy chủ web (CCHC_DEPLOY_RELOAD) không thành "
                              f"công, nên các chuyển hướng mới chưa có hiệu lực. {error}") from None


def release_name(now: dt.datetime | None = None, revision: str | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    name = now.strftime("%Y%m%dT%H%M%SZ")
    return f"{name}-{revision}" if revision else name


def git_revision(root: pathlib.Path) -> str | None:
    try:
        result = subprocess.run(["git", "rev-parse", "--short=8", "HEAD"], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        return None
    revision = result.stdout.strip()
    return revision if result.returncode == 0 and re.fullmatch(r"[0-9a-f]{4,40}", revision) else None


def publish(output: pathlib.Path, config: Config, name: str, say=print) -> str:
    if not RELEASE_NAME.match(name):
        raise DeployError(f"Tên bản {name!r} không đúng dạng NămThángNgàyTGiờPhútGiâyZ-mã.")
    check_output(output, config)
    server = Server(config)
    releases, current = server.state()
    if name in releases:
        raise DeployError(f"Trên máy chủ đã có bản {name}; chờ một giây rồi xuất bản lại.")
    say(f"Đang tải bản {name} lên {server.target}:{config.path}/releases/ …")
    server.upload(output, name, current if current in releases else None)
    q = shlex.quote(config.path)
    server.run(f"mv {q}/releases/.{name}.partial {q}/releases/{name}")
    server.switch(name)
    say(f"Đã chuyển trang đang chạy sang bản {name}" + (f" (bản trước: {current})." if current else "."))
    prune(server, releases + [name], keep=config.keep, live=name, previous=current)
    server.reload(name)
    return name


def prune(server: Server, releases: list[str], keep: int, live: str, previous: str | None) -> None:
    """Remove all but the newest KEEP of RELEASES (never the live one or the one before it), and the
    leftovers of interrupted uploads."""
    releases = sorted(releases)
    doomed = [r for r in releases[:-keep] if r not in (live, previous)]
    q = shlex.quote(server.base)
    script = f"cd {q}/releases\n" + "".join(f"rm -rf -- {r}\n" for r in doomed)
    script += f"for d in .*.partial; do [ -e \"$d\" ] && [ \"$d\" != .{live}.partial ] && rm -rf -- \"$d\"; done; true"
    server.run(script)


def rollback(config: Config, to: str | None = None, say=print) -> str:
    server = Server(config)
    releases, current = server.state()
    if to is not None:
        if to not in releases:
            raise DeployError(f"Trên máy chủ không có bản {to}; các bản có: {', '.join(releases) or 'không có'}.")
        target = to
    else:
        older = [r for r in releases if current is None or r < current]
        if not older:
            raise DeployError("Không có bản nào cũ hơn bản đang chạy để quay lại.")
        target = older[-1]
    server.switch(target)
    say(f"Đã quay lại bản {target}" + (f" (thay cho {current})." if current else "."))
    server.reload(target)
    return target


def list_releases(config: Config) -> list[tuple[str, bool]]:
    releases, current = Server(config).state()
    return [(r, r == current) for r in releases]
