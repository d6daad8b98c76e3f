"""`cchc deploy` for real: an OpenSSH server and nginx (the shipped configuration) on 127.0.0.1, two
production builds that differ in one article, and readers fetching pages over HTTP the whole time a
release is uploaded, switched, interrupted and rolled back. No reader may ever see an error or a page
of one release with a file of the other, and once a reader has seen the new release it never sees
the old one again."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

import servers
from conftest import ROOT, SITEURL, run_pelican
from cchc import deploy

ARTICLE = "hai-phat-thanh-vien-cua-phuong-vao-vong-chung-ket-cap-thanh-pho"
ARTICLE_PATH = f"/tin-tuc/2026/11/{ARTICLE}/"
NEW_TITLE = "Hai phát thanh viên phường Chí Linh vào chung kết Cuộc thi phát thanh viên thành phố"
OLD_ADDRESS = "/tin-tuc/2026/11/hai-thi-sinh-cua-phuong-vao-chung-ket/"


@pytest.fixture(scope="module")
def release_b(tmp_path_factory):
    """The sample site after an editor retitled the newest article and gave it an old address."""
    work = tmp_path_factory.mktemp("release-b")
    content = work / "content"
    shutil.copytree(ROOT / "content", content)
    source = content / "articles" / "2026" / f"{ARTICLE}.md"
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"^Title: .*$", f"Title: {NEW_TITLE}", text, count=1, flags=re.M)
    text = text.replace("nhiem_vu: 03\n", f"nhiem_vu: 03\ndia_chi_cu: {OLD_ADDRESS.strip('/')}/\n", 1)
    source.write_text(text, encoding="utf-8")
    out = work / "site"
    result = run_pelican(content, out, cache=work / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """sshd on 127.0.0.1 and the folder it publishes into; nginx starts after the first release."""
    work = tmp_path_factory.mktemp("portal")
    base = work / "srv" / "cchc-chilinh"
    with servers.sshd(work / "ssh") as env:
        env.update(CCHC_DEPLOY_PATH=str(base), CCHC_DEPLOY_KEEP="2", CCHC_DEPLOY_SITEURL=SITEURL,
                   CCHC_DEPLOY_RELOAD=f"if [ -f {work}/nginx.pid ]; then kill -HUP $(cat {work}/nginx.pid); fi")
        yield {"work": work, "base": base, "env": env}


def cchc_deploy(env, *args, **popen):
    command = [sys.executable, "-m", "cchc.cli", "deploy", *args]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_DEPLOY_")} | env
    if popen:
        return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, **popen)
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)


def deploy_ok(env, *args):
    # Release names have one-second resolution: never publish twice within the same second.
    time.sleep(1.05)
    result = cchc_deploy(env, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def live(base: pathlib.Path) -> str:
    return os.readlink(base / "current").rsplit("/", 1)[-1]


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def eventually(url, status, seconds=10):
    """nginx reloads its configuration (the redirects map) a moment after the signal."""
    deadline = time.monotonic() + seconds
    while True:
        response = fetch(url)
        if response[0] == status or time.monotonic() > deadline:
            assert response[0] == status, url
            return response
        time.sleep(0.05)


def local(site: pathlib.Path, path: str) -> bytes | None:
    file = site / path.lstrip("/")
    file = file / "index.html" if path.endswith("/") else file
    return file.read_bytes() if file.is_file() else None


class Readers:
    """Residents reading the site while it is published: each visit fetches a page and every
    stylesheet and script it links to, and says which release each response came from."""

    PAGES = ("/", ARTICLE_PATH, "/feeds/tat-ca.atom.xml", "/thu-tuc/1-001193/")

    def __init__(self, url, a, b, count=2):
        self.url, self.sites = url, {"A": a, "B": b}
        self.stop = threading.Event()
        self.problems: list[str] = []
        self.seen: list[list[str]] = [[] for _ in range(count)]
        self.requests = 0
        self.threads = [threading.Thread(target=self.read, args=(i,)) for i in range(count)]

    def which(self, path, body) -> set[str]:
        return {name for name, site in self.sites.items() if local(site, path) == body}

    def get(self, path) -> set[str]:
        status, body, _ = fetch(self.url + path)
        self.requests += 1
        releases = self.which(path, body)
        if status != 200 or not releases:
            self.problems.append(f"{path}: HTTP {status}, matches {releases or 'no release'}")
        return releases

    def read(self, index):
        while not self.stop.is_set():
            for path in self.PAGES:
                releases = self.get(path)
                if path.endswith("/") and releases:
                    html = local(self.sites[sorted(releases)[0]], path).decode("utf-8")
                    for asset in re.findall(r'<(?:link rel="stylesheet"|script)[^>]* (?:href|src)="([^"]+)"', html):
                        both = releases & self.get(asset.removeprefix(SITEURL))
                        if not both:
                            self.problems.append(f"{path} from {releases} with {asset} from another release")
                if len(releases) == 1:
                    self.seen[index].append(next(iter(releases)))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        time.sleep(0.3)
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def switched(self, old, new) -> bool:
        """Every reader saw OLD, then NEW, and never OLD after NEW."""
        return all(seen and seen[0] == old and seen[-1] == new and old not in seen[seen.index(new):]
                   for seen in self.seen)


def test_config_from_file_and_environment(tmp_path):
    config_file = tmp_path / "deploy.toml"
    config_file.write_text('host = "may-chu"\nuser = "ci"\npath = "/srv/cchc-chilinh/"\nkeep = 3\n', encoding="utf-8")
    config = deploy.load_config(config_file, environ={"CCHC_DEPLOY_HOST": "cong.example", "CCHC_DEPLOY_PORT": "2222"})
    assert (config.host, config.user, config.path, config.port, config.keep) == ("cong.example", "ci", "/srv/cchc-chilinh", 2222, 3)
    with pytest.raises(deploy.DeployError, match="CCHC_DEPLOY_PATH"):
        deploy.load_config(None, environ={"CCHC_DEPLOY_HOST": "h", "CCHC_DEPLOY_USER": "u"})
    with pytest.raises(deploy.DeployError, match="CCHC_DEPLOY_KEEP phải từ 2"):
        deploy.load_config(config_file, environ={"CCHC_DEPLOY_KEEP": "1"})
    config_file.write_text('host = "h"\nuser = "u"\npath = "/srv"\nmat_khau = "x"\n', encoding="utf-8")
    with pytest.raises(deploy.DeployError, match="khóa không dùng được: mat_khau"):
        deploy.load_config(config_file, environ={})


def test_unreachable_server_and_wrong_build_are_refused(portal, site, tmp_path):
    env = dict(portal["env"], CCHC_DEPLOY_PORT=str(servers.free_port()))
    result = cchc_deploy(env, str(site))
    assert result.returncode == 1 and "không thành công" in result.stderr
    preview = tmp_path / "preview"
    preview.mkdir()
    (preview / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    (preview / "sitemap.xml").write_text("<urlset><url><loc>http://127.0.0.1:8000/</loc></url></urlset>", encoding="utf-8")
    result = cchc_deploy(portal["env"], str(preview))
    assert result.returncode == 1
    assert "được dựng cho địa chỉ khác (http://127.0.0.1:8000/)" in result.stderr
    assert not portal["base"].exists()


def test_publish_update_and_rollback_under_load(portal, site, release_b):
    env, base, work = portal["env"], portal["base"], portal["work"]
    assert "Đã chuyển trang đang chạy sang bản" in deploy_ok(env, str(site))
    first = live(base)
    with servers.nginx(work, base / "current", base / "current" / "redirects.map") as url:
        portal["url"] = url
        assert fetch(url + "/")[1] == (site / "index.html").read_bytes()
        assert fetch(url + OLD_ADDRESS)[0] == 404

        with Readers(url, site, release_b) as readers:
            deploy_ok(env, str(release_b))
        assert readers.problems == [] and readers.requests > 100
        assert readers.switched("A", "B"), readers.seen
        second = live(base)
        assert second != first and sorted(os.listdir(base / "releases")) == [first, second]
        # Unchanged files are hard links to the previous release, not second copies.
        logo = "theme/favicon.svg"
        assert (base / "releases" / first / logo).stat().st_ino == (base / "releases" / second / logo).stat().st_ino
        assert NEW_TITLE.encode() in fetch(url + ARTICLE_PATH)[1]
        status, _, headers = eventually(url + OLD_ADDRESS, 301)  # the new release's redirects, after the reload
        assert headers["Location"].endswith(ARTICLE_PATH)

        listing = cchc_deploy(env, "--list").stdout.splitlines()
        assert listing == [first, f"{second}  ← đang chạy"]

        with Readers(url, site, release_b) as readers:
            result = cchc_deploy(env, "--rollback")
        assert result.returncode == 0 and f"Đã quay lại bản {first}" in result.stdout
        assert readers.problems == [] and readers.switched("B", "A"), readers.seen
        assert live(base) == first and eventually(url + OLD_ADDRESS, 404)

        result = cchc_deploy(env, "--rollback", "--to", second)
        assert result.returncode == 0 and live(base) == second
        result = cchc_deploy(env, "--rollback", "--to", "20200101T000000Z")
        assert result.returncode == 1 and "không có bản 20200101T000000Z" in result.stderr


def test_interrupted_upload_leaves_the_live_site_alone(portal, site, release_b):
    env, base, work = portal["env"], portal["base"], portal["work"]
    before = live(base)
    releases_before = sorted(os.listdir(base / "releases"))
    time.sleep(1.05)
    with servers.nginx(work, base / "current", base / "current" / "redirects.map") as url:
        with Readers(url, site, release_b, count=1) as readers:
            process = cchc_deploy(env, str(site), start_new_session=True)
            deadline = time.monotonic() + 60
            while not any(p.name.endswith(".partial") for p in (base / "releases").iterdir()):
                assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
                time.sleep(0.005)
            os.killpg(process.pid, signal.SIGKILL)  # the CI runner is cancelled mid-upload
            process.wait()
        assert readers.problems == [] and set(readers.seen[0]) == {"B"}
        assert live(base) == before
        assert [p for p in sorted(os.listdir(base / "releases")) if not p.startswith(".")] == releases_before

        # The next publication completes, keeps two releases (CCHC_DEPLOY_KEEP=2) and clears the leftovers.
        deploy_ok(env, str(site))
        releases = sorted(os.listdir(base / "releases"))
        assert len(releases) == 2 and releases[0] == before and live(base) == releases[1]
        assert fetch(url + "/")[1] == (site / "index.html").read_bytes()


def test_example_configuration_and_pipeline_use_real_commands():
    example = deploy.load_config(ROOT / "deploy" / "cchc-deploy.toml.example", environ={})
    assert example.path == "/srv/cchc-chilinh" and example.keep >= 2
    import yaml

    pipeline = yaml.safe_load((ROOT / "deploy" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8"))
    assert pipeline["stages"] == ["build", "test", "deploy"]
    assert pipeline["deploy"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert "output/" in pipeline["build"]["artifacts"]["paths"]
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M))
    lines = [line for job in pipeline.values() if isinstance(job, dict) for line in job.get("script", [])]
    for line in lines:
        if line.startswith("make "):
            assert line.split()[1] in targets, line
        if line.startswith(".venv/bin/cchc "):
            args = line.split("#")[0].split()[1:]
            result = subprocess.run([sys.executable, "-m", "cchc.cli", *args, "--help"], cwd=ROOT,
                                    capture_output=True, text=True)
            assert result.returncode == 0, line
    assert ".venv/bin/cchc deploy output" in pipeline["deploy"]["script"]  # deploys the tested artifact


def test_failed_reload_is_reported_but_the_release_stays_live(portal, site):
    base = portal["base"]
    time.sleep(1.05)
    result = cchc_deploy(dict(portal["env"], CCHC_DEPLOY_RELOAD="exit 3"), str(site))
    assert result.returncode == 1
    assert f"Bản {live(base)} đã chạy, nhưng lệnh tải lại máy chủ web (CCHC_DEPLOY_RELOAD) không thành công" in result.stderr
    assert len(os.listdir(base / "releases")) == 2
