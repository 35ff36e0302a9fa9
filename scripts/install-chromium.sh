#!/usr/bin/env bash
# Installs headless Chromium for the browser tests of the HTML views (package vis). Idempotent:
# does nothing when a Chromium or Chrome binary is already on PATH (or $HUNTKIT_CHROMIUM is set).
# Uses Debian/Ubuntu apt (as root, or with sudo when available). Exits 0 with a message when it
# cannot install, so the browser tests skip; set HUNTKIT_REQUIRE_BROWSER=1 to make that fatal.
set -euo pipefail

if [ -n "${HUNTKIT_CHROMIUM:-}" ] && [ -x "${HUNTKIT_CHROMIUM}" ]; then
  echo "chromium: using \$HUNTKIT_CHROMIUM=${HUNTKIT_CHROMIUM}"
  exit 0
fi
for b in chromium chromium-browser google-chrome google-chrome-stable headless_shell; do
  if command -v "$b" >/dev/null 2>&1; then
    echo "chromium: $(command -v "$b") ($("$b" --version 2>/dev/null || echo version unknown))"
    exit 0
  fi
done

fail() {
  echo "chromium: $*" >&2
  if [ "${HUNTKIT_REQUIRE_BROWSER:-}" = "1" ]; then
    exit 1
  fi
  echo "chromium: the browser tests will be skipped" >&2
  exit 0
}

command -v apt-get >/dev/null 2>&1 || fail "not installed and no apt-get here; install Chromium and/or set HUNTKIT_CHROMIUM"
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null 2>&1 || fail "not installed and not root (no sudo)"
  SUDO="sudo -n"
fi
echo "chromium: installing with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg process (an unattended upgrade, a parallel install) may hold the locks:
# wait for it (up to 10 minutes) rather than skipping the browser tests. DPkg::Lock::Timeout
# covers the dpkg frontend lock; the loop also covers the package-lists lock of apt-get update.
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
    echo "chromium: waiting for another apt/dpkg process to finish ($i)" >&2
    sleep 10
  done
  return 1
}
apt_retry update -qq || fail "apt-get update failed"
# Debian names the package chromium; Ubuntu's chromium-browser is a snap shim, tried second.
if ! apt_retry install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; then
  apt_retry install -y -qq chromium-browser >/dev/null || fail "apt-get install chromium failed"
fi
for b in chromium chromium-browser; do
  if command -v "$b" >/dev/null 2>&1; then
    echo "chromium: installed $(command -v "$b") ($("$b" --version 2>/dev/null || true))"
    exit 0
  fi
done
fail "installed, but no chromium binary on PATH"
