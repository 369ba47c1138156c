#!/usr/bin/env bash
# Regenerates the pictures of a hand-in pack in docs/ (shown in the README) from the sample pack
# (src/demo/sample-pack.ts): its cover and its first list page, as PNG.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
bash scripts/install.sh
npx nest build
mkdir -p docs .data
node dist/src/demo/sample-pack.js .data/sample-pack.pdf
# The sample has a one-page cover and two pages of petition texts, so page 4 is the first page of the list.
pdftoppm -png -r 70 -f 1 -l 1 -singlefile .data/sample-pack.pdf docs/pack-cover
pdftoppm -png -r 70 -f 4 -l 4 -singlefile .data/sample-pack.pdf docs/pack-list
echo "docs/pack-cover.png and docs/pack-list.png written"
