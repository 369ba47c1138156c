#!/usr/bin/env bash
# Regenerates the pictures in docs/ that the README shows:
#   pack-cover.png, pack-list.png   the sample hand-in pack (src/demo/sample-pack.ts): its cover and first list page
#   web-upload-mapping.png          a coordinator checking an export whose columns need a choice (browser test)
#   web-activist.png                an activist's pack page on a phone (browser test)
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

# The browser tests write a screenshot of every page they check (test/support/browser.ts).
bash scripts/test.sh --selectProjects e2e --testPathPattern '(coordinator-upload|activist)\.spec'
cp .data/e2e-screenshots/coordinator-upload-mapping-1280.png docs/web-upload-mapping.png
cp .data/e2e-screenshots/activist-pack-390.png docs/web-activist.png
echo "docs/pack-cover.png, docs/pack-list.png, docs/web-upload-mapping.png and docs/web-activist.png written"
