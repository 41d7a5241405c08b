#!/usr/bin/env bash
# Runs every test (README, "The two commands"): first installs what the tests start besides the engine when this
# machine lacks it, then `dotnet test Engine.sln` with any arguments given (e.g. --filter "Category!=Soak").
#   PostgreSQL's server binaries: the cluster and PostgreSQL tests start private servers (scripts/postgres.sh).
#   Chromium: the browser tests drive Debian's chromium through Playwright (no browser download), with a CJK font
#   (fonts-noto-cjk) so that the supervision page's Chinese labels render in its screenshots.
# Installing needs root or sudo and Debian's packages; ENGINE_TEST_NO_INSTALL=1 skips it (the tests that need a
# missing program then fail, naming it).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test: the .NET SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi

missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
[ -x "${ENGINE_TEST_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ] && [ "${ENGINE_TEST_NO_INSTALL:-0}" != 1 ]; then
  echo "test: installing ${missing[*]} (Debian packages) for the tests"
  as_root=()
  [ "$(id -u)" = 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --blame-hang-timeout: a hung test fails with a dump of where it hung instead of hanging the run. The limit is per
# test, and the longest (the cluster nemesis run) takes 4.5 minutes alone and more beside the rest of the suite.
exec dotnet test Engine.sln --blame-hang-timeout 10m "$@"
