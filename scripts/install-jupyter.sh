#!/usr/bin/env bash
# Installs what the notebook tests need to execute the example notebooks headless: Debian's
# jupyter-nbconvert and python3-jupyter-client (the kernel itself is Go; Jupyter is only
# the client that runs the notebooks). Idempotent: does nothing when `jupyter nbconvert`
# works already. Uses apt (as root, or with sudo when available), waiting for another apt or
# dpkg process to release its lock. Exits 0 with a message when it cannot install, so the
# notebook tests skip; set HUNTKIT_REQUIRE_JUPYTER=1 to make that fatal.
set -euo pipefail

# The client library is checked with the Python that jupyter itself runs on (its shebang),
# which need not be the python3 first on PATH.
have() {
  command -v jupyter >/dev/null 2>&1 && jupyter nbconvert --version >/dev/null 2>&1 || return 1
  local py
  py=$(head -n 1 "$(command -v jupyter)" | sed -e 's/^#! *//')
  $py -c 'import jupyter_client, nbclient' >/dev/null 2>&1
}
if have; then
  echo "jupyter: nbconvert $(jupyter nbconvert --version 2>/dev/null)"
  exit 0
fi

fail() {
  echo "jupyter: $*" >&2
  if [ "${HUNTKIT_REQUIRE_JUPYTER:-}" = "1" ]; then
    exit 1
  fi
  echo "jupyter: the notebook tests will be skipped" >&2
  exit 0
}

command -v apt-get >/dev/null 2>&1 || fail "not installed and no apt-get here; install jupyter-nbconvert and python3-jupyter-client"
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null 2>&1 || fail "not installed and not root (no sudo)"
  SUDO="sudo -n"
fi
echo "jupyter: installing jupyter-nbconvert and python3-jupyter-client with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt/dpkg process (up to 10 minutes) rather than skipping the tests.
APT=($SUDO apt-get -o DPkg::Lock::Timeout=600)
apt_retry() {
  local i
  for i in $(seq 1 60); do
    if "${APT[@]}" "$@"; then
      return 0
    fi
    if ! pgrep -x 'apt|apt-get|dpkg|unattended-upgr' >/dev/null 2>&1; then
      return 1
    fi
    echo "jupyter: waiting for another apt/dpkg process to finish ($i)" >&2
    sleep 10
  done
  return 1
}
apt_retry update -qq || fail "apt-get update failed"
apt_retry install -y -qq --no-install-recommends jupyter-nbconvert python3-jupyter-client >/dev/null ||
  fail "apt-get install jupyter-nbconvert python3-jupyter-client failed"
have || fail "installed, but jupyter nbconvert does not run"
echo "jupyter: installed $(command -v jupyter) (nbconvert $(jupyter nbconvert --version))"
