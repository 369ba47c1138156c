#!/usr/bin/env bash
# Installs the npm dependencies at the versions pinned in package-lock.json, unless already installed.
#
# Why `npm install` and not `npm ci`: the package mirror our machines use does not carry the macOS and
# Windows builds of an optional native add-on (msgpackr-extract, used by BullMQ), so the lock file cannot
# list them and `npm ci` refuses it. `npm install` with a lock file installs exactly the locked versions.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install: npm install (versions from package-lock.json)" >&2
  npm install --no-audit --no-fund >&2
fi

# The tests read generated PDFs back with poppler (pdftotext, pdfinfo); the docs pictures use pdftoppm.
if ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "install: poppler-utils with apt-get (to read PDFs back in tests)" >&2
    apt-get install -y -q poppler-utils >&2 || { apt-get update -q >&2 && apt-get install -y -q poppler-utils >&2; }
  else
    echo "install: pdftotext not found; PDF tests need the package poppler-utils (sudo apt-get install poppler-utils)" >&2
  fi
fi
