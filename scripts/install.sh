#!/usr/bin/env bash
# Installs exactly what package-lock.json pins (`npm ci`), and the system packages the tests need.
# An install never changes a tracked file: a lock file that disagrees with package.json stops it instead.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

say() { printf 'install: %s\n' "$*" >&2; }

# `npm ci` checks that the lock file matches package.json before it installs anything; --dry-run makes it
# only that check, so a drifted lock fails every install (and so CI), not just the next clean one.
check=$(mktemp)
trap 'rm -f "$check"' EXIT
if ! npm ci --dry-run --no-audit --no-fund >"$check" 2>&1; then
  grep -E '^npm error' "$check" | head -n 20 >&2
  say "package-lock.json does not match package.json: run 'npm install' and commit both files"
  exit 1
fi

# npm ci starts from an empty node_modules, so it runs only when the lock file changed since the last one.
stamp=node_modules/.installed-lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "npm ci (the versions in package-lock.json)"
  npm ci --no-audit --no-fund >&2
  echo "$wanted" > "$stamp"
fi

# System packages, from Debian's archive when we are root:
#   poppler-utils  the tests read generated PDFs back (pdftotext, pdfinfo); the docs pictures use pdftoppm
#   chromium       the browser tests (test/e2e) drive it with playwright-core
apt_install() {
  local package=$1 why=$2
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    say "$package with apt-get ($why)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >&2 ||
      { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >&2; }
  else
    say "$package is missing ($why): install it with 'sudo apt-get install $package'"
  fi
}
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || apt_install poppler-utils "to read PDFs back in tests"
command -v chromium >/dev/null || apt_install chromium "for the browser tests"
