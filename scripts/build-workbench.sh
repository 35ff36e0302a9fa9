#!/usr/bin/env bash
# Rebuilds workbench/static/editor.js (the workbench's CodeMirror 6 query editor) from npm
# packages pinned in workbench/web/package.json and package-lock.json. The built bundle is
# committed, so `go build` never needs npm; run this only to change or update the editor.
set -euo pipefail
cd "$(dirname "$0")/../workbench/web"
npm ci --no-audit --no-fund
./node_modules/.bin/esbuild editor.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --outfile=../static/editor.js
for p in state view commands language autocomplete lang-sql; do
  echo "@codemirror/$p $(node -p "require('./node_modules/@codemirror/$p/package.json').version")"
done
ls -l ../static/editor.js
