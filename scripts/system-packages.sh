#!/usr/bin/env bash
# The Debian packages the test suite starts or drives itself (nothing is downloaded at test time):
#   python3-pymongo  a MongoDB client written by someone else, against the embedded engine (test/db)
#   chromium         the offline playground in a headless browser (test/playground)
#   mariadb-server   a real MariaDB for the importer (test/migration), started in a temporary folder
# Installs the missing ones with apt when it can (root); otherwise says what to install and fails.
set -euo pipefail

missing=()
/usr/bin/python3 -c "import pymongo" 2>/dev/null || missing+=(python3-pymongo)
[ -x /usr/bin/chromium ] || missing+=(chromium)
{ command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; } || missing+=(mariadb-server)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need these Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages the tests need: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
