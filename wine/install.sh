#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the patched webservices.dll of each version and arch that wine/build-tree.sh built as
# DEST/wine/VERSION/ARCH/webservices.dll, unless a check of this run failed.
#
# Usage: wine/install.sh DEST   (after the checks of wine/build.sh, in its results)
set -u
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
dest=$1
if results_has FAIL; then
    result NOT-RUN "install" "not installed: a check failed"
    exit 0
fi
for version in $wine_versions; do for arch in x64 x86; do
    dll=$out_base/$version/$arch/patched/webservices.dll
    [ -f "$dll" ] || continue
    mkdir -p "$dest/wine/$version/$arch"
    cp "$dll" "$dest/wine/$version/$arch/webservices.dll"
    result pass "install" "$dest/wine/$version/$arch/webservices.dll$(results_has NOT-RUN "$version $arch: tests" && echo " (built, not run here)")"
done; done
