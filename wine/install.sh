#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the patched webservices.dll of each arch that wine/build-tree.sh built as
# PREFIX/wine/ARCH/webservices.dll, unless a check of this run failed.
#
# Usage: wine/install.sh PREFIX   (after the checks of wine/build.sh, in its results)
set -u
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
prefix=$1
if results_has FAIL; then
    result NOT-RUN "install" "not installed: a check failed"
    exit 0
fi
for arch in x64 x86; do
    [ -f "$out/$arch/patched/webservices.dll" ] || continue
    mkdir -p "$prefix/wine/$arch"
    cp "$out/$arch/patched/webservices.dll" "$prefix/wine/$arch/webservices.dll"
    result pass "install" "$prefix/wine/$arch/webservices.dll$(results_has NOT-RUN "$arch: tests" && echo " (built, not run here)")"
done
