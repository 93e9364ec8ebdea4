#!/usr/bin/env bash
# The Debian packages the test suite starts or drives itself (nothing is downloaded at test time):
#   python3-pymongo  a MongoDB client written by someone else, against the embedded engine (test/db)
#   chromium         the offline playground in a headless browser (test/playground)
#   mariadb-server   a real MariaDB for the importer (test/migration), started in a temporary folder
# Installs the missing ones with apt when it can (as root, or with sudo that needs no password); otherwise, or when
# apt fails, it stops with one line that names the command to run. `npm test` (pretest) and .ci/run both call it.
set -uo pipefail

# Where the system is (tests point it at an empty folder to see what a machine without the packages gets).
sysroot="${SYSTEM_PACKAGES_ROOT:-}"

missing=()
"$sysroot/usr/bin/python3" -c "import pymongo" 2>/dev/null || missing+=(python3-pymongo)
[ -x "$sysroot/usr/bin/chromium" ] || missing+=(chromium)
{ [ -z "$sysroot" ] && command -v mariadbd >/dev/null 2>&1; } || [ -x "$sysroot/usr/sbin/mariadbd" ] || missing+=(mariadb-server)

[ ${#missing[@]} -eq 0 ] && exit 0

command_to_run="sudo apt-get update && sudo apt-get install -y ${missing[*]}"
fail() {
  echo "The tests need the Debian packages ${missing[*]}, $1. Install them with: $command_to_run" >&2
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  fail "and this user can install nothing (not root, no sudo without a password)"
fi
command -v apt-get >/dev/null 2>&1 || fail "and apt-get is not here (not Debian or Ubuntu?)"

echo "installing the Debian packages the tests need: ${missing[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Bounded waits: an unreachable mirror fails the install in seconds rather than hanging the test command.
apt_options=(-q -o Acquire::Retries=1 -o Acquire::http::Timeout=15 -o Acquire::https::Timeout=15)
if ! { "${as_root[@]}" apt-get "${apt_options[@]}" update &&
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" install -y "${missing[@]}"; } >"$log" 2>&1; then
  fail "and apt-get failed ($(grep -E '^(E|Err):' "$log" | head -n 1 | cut -c1-200))"
fi
