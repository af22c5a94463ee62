#!/usr/bin/env bash
# Runs the infrastructure tests (Dockerfiles, compose, proxy config, Terraform, workflows,
# shell scripts) with pytest from a venv kept in ${AGENTNET_CACHE:-~/.cache/agentnet}/venv.
# Needs python3 with venv (Debian: python3-venv) and shellcheck; everything else comes
# from PyPI. Best effort: Debian's nginx binary is unpacked into the cache (no install, no
# service) so the proxy config also gets `nginx -t`; without it that one test is skipped.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${AGENTNET_CACHE:-$HOME/.cache/agentnet}
VENV=$CACHE/venv
REQUIREMENTS=$ROOT/infrastructure/tests/requirements.txt
STAMP=$VENV/.agentnet-infrastructure-requirements

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! cmp -s "$REQUIREMENTS" "$STAMP"; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS"
  cp "$REQUIREMENTS" "$STAMP"
fi

if [ -z "${AGENTNET_NGINX:-}" ] && ! command -v nginx >/dev/null; then
  nginx_root=$CACHE/nginx
  if [ ! -x "$nginx_root/usr/sbin/nginx" ] && command -v apt-get >/dev/null; then
    mkdir -p "$nginx_root/debs"
    if (cd "$nginx_root/debs" && apt-get download -q nginx >/dev/null 2>&1); then
      for deb in "$nginx_root"/debs/nginx_*.deb; do dpkg-deb -x "$deb" "$nginx_root"; done
    fi
  fi
  if [ -x "$nginx_root/usr/sbin/nginx" ] && "$nginx_root/usr/sbin/nginx" -v >/dev/null 2>&1; then
    export AGENTNET_NGINX=$nginx_root/usr/sbin/nginx
  fi
fi

cd "$ROOT"
exec "$VENV/bin/python" -m pytest -q infrastructure/tests "$@"
