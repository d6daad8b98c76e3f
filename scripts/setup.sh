#!/usr/bin/env bash
# Prepares a fresh machine for building and testing: the Python environment in .venv/ (pinned in
# pyproject.toml), and with --test the Debian packages (Chromium) and pinned npm tools the tests use.
# Safe to run again: each step is skipped when its result is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-$want_test
if [ ! -f "$stamp" ]; then
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
  if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing >/dev/null
  fi
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --silent --no-audit --no-fund
  fi
fi
