"""Servers the tests run on 127.0.0.1 and stop afterwards: nginx with the site configuration shipped in
deploy/nginx/, and an OpenSSH server that `cchc deploy` publishes to. Both come from Debian packages
that scripts/setup.sh --test installs."""

from __future__ import annotations

import contextlib
import os
import pathlib
import pwd
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT

CONF = ROOT / "deploy" / "nginx" / "cchc-chilinh.conf"
SNIPPET = ROOT / "deploy" / "nginx" / "cchc-chilinh-headers.conf"
BROTLI = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"
SSHD = "/usr/sbin/sshd"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(ready, process: subprocess.Popen, what: str) -> None:
    for _ in range(100):
        if ready():
            return
        if process.poll() is not None:
            pytest.fail(f"{what} stopped: {process.stdout.read()}")
        time.sleep(0.1)
    pytest.fail(f"{what} did not start")


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError):
        return False
    return True


@contextlib.contextmanager
def nginx(work: pathlib.Path, root: pathlib.Path, redirects: pathlib.Path, port: int | None = None):
    """The shipped site configuration, changed only in `listen` and `root`; yields the base URL."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        pytest.fail("nginx is missing: run `make test` (scripts/setup.sh --test installs it)")
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = CONF.read_text(encoding="utf-8")
    server = re.sub(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", server, flags=re.M)
    server = re.sub(r"^(\s*)root [^;]+;", rf"\1root {root};", server, flags=re.M)
    server = server.replace("/etc/nginx/snippets/cchc-chilinh-headers.conf", str(SNIPPET))
    temp = "".join(f"{kind}_temp_path {work}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # The test's folders are private to the user running it; nginx's workers must run as that user.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(
        f"{user}load_module {BROTLI};\npid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\n"
        f"http {{\ninclude /etc/nginx/mime.types;\ninclude {redirects};\naccess_log {work}/access.log;\n{temp}{server}\n}}\n",
        encoding="utf-8")
    process = subprocess.Popen([binary, "-c", str(work / "nginx.conf"), "-p", str(work), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: answers(base + "/"), process, "nginx")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def sshd(work: pathlib.Path):
    """An OpenSSH server on 127.0.0.1 that lets the current user in with a fresh key. Yields the
    environment `cchc deploy` needs (port, key, known_hosts) apart from the path."""
    if not os.path.exists(SSHD):
        pytest.fail("sshd is missing: run `make test` (scripts/setup.sh --test installs openssh-server)")
    work.mkdir(parents=True, exist_ok=True)
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(work / name)], check=True)
    (work / "authorized_keys").write_text((work / "client_key.pub").read_text())
    os.chmod(work / "authorized_keys", 0o600)
    port = free_port()
    (work / "known_hosts").write_text(f"[127.0.0.1]:{port} " + " ".join((work / "host_key.pub").read_text().split()[:2]) + "\n")
    (work / "sshd_config").write_text(
        f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {work}/host_key\nPidFile {work}/sshd.pid\n"
        f"AuthorizedKeysFile {work}/authorized_keys\nAuthenticationMethods publickey\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
        "MaxStartups 100\nMaxSessions 100\nLogLevel ERROR\n")
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(work / "sshd_config")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def listening():
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_for(listening, process, "sshd")
        yield {
            "CCHC_DEPLOY_HOST": "127.0.0.1",
            "CCHC_DEPLOY_USER": pwd.getpwuid(os.geteuid()).pw_name,
            "CCHC_DEPLOY_PORT": str(port),
            "CCHC_DEPLOY_KEY": str(work / "client_key"),
            "CCHC_DEPLOY_KNOWN_HOSTS": str(work / "known_hosts"),
        }
    finally:
        process.terminate()
        process.wait(timeout=10)
