#!/usr/bin/env bash
# Prepares a fresh machine for building and testing: the Python environment in .venv/ (pinned in
# pyproject.toml); with --test the Debian packages (Chromium, nginx, sshd…) and pinned npm tools the
# tests use; with --deploy the programs `cchc deploy` runs (ssh, rsync).
# Safe to run again: each step is skipped when its result is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
want_deploy=0
[ "${1:-}" = "--test" ] && want_test=1
[ "${1:-}" = "--deploy" ] && want_deploy=1

apt_install() {
  [ -n "$1" ] || return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $1 >/dev/null
}

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

stamp_base=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)
stamp=$stamp_base-$want_test
# An environment set up for the tests also serves building and deploying.
if [ ! -f "$stamp" ] && [ ! -f "$stamp_base-1" ]; then
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ $want_test = 1 ]; then
    .venv/bin/python -m pip install --quiet -e '.[test]'
  else
    .venv/bin/python -m pip install --quiet -e .
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ $want_test = 1 ]; then
  missing=""
  command -v chromium >/dev/null || missing="$missing chromium fonts-noto-core"
  command -v java >/dev/null || missing="$missing default-jre-headless"   # the Nu HTML Checker (vnu-jar)
  command -v nginx >/dev/null || missing="$missing nginx-light libnginx-mod-http-brotli-static"  # tests of deploy/nginx
  [ -x /usr/sbin/sshd ] || missing="$missing openssh-server"   # tests of cchc deploy (sshd on 127.0.0.1)
  command -v ssh >/dev/null || missing="$missing openssh-client"
  command -v rsync >/dev/null || missing="$missing rsync"
  apt_install "$missing"
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --silent --no-audit --no-fund
  fi
fi

if [ $want_deploy = 1 ]; then
  missing=""
  command -v ssh >/dev/null || missing="$missing openssh-client"
  command -v rsync >/dev/null || missing="$missing rsync"
  apt_install "$missing"
fi
