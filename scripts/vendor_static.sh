#!/usr/bin/env bash
# Re-vendor the third-party front-end assets served from our own static files:
#   static/vendor/bootstrap/      Bootstrap (CSS + JS bundle, MIT)
#   static/vendor/kantumruy-pro/  Kantumruy Pro variable font, khmer + latin subsets (OFL-1.1)
#
# Maintainer tool only: it is not run by CI or at deploy time. It needs `npm`
# (used only as a download client via `npm pack`; nothing is installed into the
# project) and writes nothing outside the two directories above.
#
# Usage (from anywhere):
#   scripts/vendor_static.sh
#   BOOTSTRAP_VERSION=5.3.10 FONT_VERSION=5.3.1 scripts/vendor_static.sh
#
# After an update: check static/css/fonts.css still matches the font file names
# and unicode ranges (the script prints the upstream ranges), then update the
# versions and sizes in docs/static-assets.md.
set -euo pipefail

# Pinned versions. Change them here (or override via the environment) to update.
BOOTSTRAP_VERSION="${BOOTSTRAP_VERSION:-5.3.9}"
FONT_PACKAGE="${FONT_PACKAGE:-@fontsource-variable/kantumruy-pro}"
FONT_VERSION="${FONT_VERSION:-5.3.0}"
FONT_SUBSETS=(khmer latin)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
BS_DIR="$VENDOR/bootstrap"
FONT_DIR="$VENDOR/kantumruy-pro"

command -v npm >/dev/null || { echo "error: npm is required" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Download a package tarball with `npm pack` (npm checks its registry integrity)
# and extract it; prints the extracted package directory.
fetch() {
    local spec="$1" dest="$TMP/$2" tgz
    mkdir -p "$dest"
    tgz="$(cd "$TMP" && npm pack --silent --pack-destination "$TMP" "$spec" | tail -n 1)"
    tar -xzf "$TMP/$tgz" -C "$dest"
    echo "$dest/package"
}

# Delete a trailing source-map comment: Django's ManifestStaticFilesStorage
# (used via whitenoise) would otherwise fail on the missing .map file.
strip_sourcemap() {
    sed -i -e '/^\/\*# sourceMappingURL=.*\*\/[[:space:]]*$/d' \
           -e '/^\/\/# sourceMappingURL=/d' "$1"
    if grep -q 'sourceMappingURL' "$1"; then
        echo "error: sourceMappingURL still present in $1" >&2
        exit 1
    fi
}

echo "==> bootstrap@$BOOTSTRAP_VERSION"
BS_PKG="$(fetch "bootstrap@$BOOTSTRAP_VERSION" bootstrap)"
got="$(node -p 'require(process.argv[1]).version' "$BS_PKG/package.json")"
[ "$got" = "$BOOTSTRAP_VERSION" ] || { echo "error: got bootstrap $got" >&2; exit 1; }
rm -rf "$BS_DIR"
mkdir -p "$BS_DIR"
cp "$BS_PKG/dist/css/bootstrap.min.css" "$BS_PKG/dist/js/bootstrap.bundle.min.js" \
   "$BS_PKG/LICENSE" "$BS_DIR/"
strip_sourcemap "$BS_DIR/bootstrap.min.css"
strip_sourcemap "$BS_DIR/bootstrap.bundle.min.js"
echo "$BOOTSTRAP_VERSION" > "$BS_DIR/VERSION"

echo "==> $FONT_PACKAGE@$FONT_VERSION"
FONT_PKG="$(fetch "$FONT_PACKAGE@$FONT_VERSION" font)"
rm -rf "$FONT_DIR"
mkdir -p "$FONT_DIR"
for subset in "${FONT_SUBSETS[@]}"; do
    f="$FONT_PKG/files/kantumruy-pro-$subset-wght-normal.woff2"
    [ -f "$f" ] || { echo "error: missing $f" >&2; exit 1; }
    cp "$f" "$FONT_DIR/"
done
cp "$FONT_PKG/LICENSE" "$FONT_DIR/OFL.txt"
echo "$FONT_PACKAGE@$FONT_VERSION" > "$FONT_DIR/VERSION"

# Sanity checks: woff2 magic bytes, and show what fonts.css has to match.
for f in "$FONT_DIR"/*.woff2; do
    [ "$(head -c 4 "$f")" = "wOF2" ] || { echo "error: $f is not woff2" >&2; exit 1; }
done
echo "Upstream unicode ranges (keep static/css/fonts.css in line with these):"
cat "$FONT_PKG/unicode.json"
echo

echo "==> vendored files (bytes)"
(cd "$VENDOR" && find bootstrap kantumruy-pro -type f | sort | xargs wc -c)
