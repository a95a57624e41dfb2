#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The demo: on a fresh Debian 12 machine (as root) it installs what is missing (the same
# installer as ci/test.sh), builds wsasync for x64 and x86, and runs the asynccopy example under
# Wine on each with its default input (a 256 MiB file it makes and removes itself). Prints each
# run's figures and a summary of the RESULT lines; exits non-zero if a build or a copy failed.
# Extra arguments are passed to asynccopy (e.g. --chunks 8 --size 64M).
set -u
cd "$(dirname "$0")/.."
. cmake/wine.sh

bash ci/install-deps.sh || exit 1

jobs=$(nproc 2>/dev/null || echo 2)
status=0
results=""

for arch in x64 x86; do
    echo "=== $arch: configure and build"
    if ! cmake --preset "$arch" >/dev/null || ! cmake --build --preset "$arch" -j "$jobs" >/dev/null; then
        echo "demo: $arch build failed" >&2
        status=1
        continue
    fi
    if ! why=$(wine_can_run "$arch" 2>&1); then
        echo "=== $arch: built; asynccopy NOT RUN: $why"
        results="$results
$arch: not run ($why)"
        continue
    fi
    # The loader and the prefix the build's tests use (cmake/wine.sh).
    wine_env "$arch" "build/$arch"
    if ! bash cmake/wine-prefix.sh start "$arch" >/dev/null 2>&1; then
        echo "demo: could not create the Wine prefix $WINEPREFIX" >&2
        status=1
        continue
    fi
    echo "=== $arch: asynccopy under Wine"
    "$WINE" "build/$arch/bin/asynccopy.exe" "$@" | tee "build/$arch/asynccopy.log"
    rc=${PIPESTATUS[0]}
    bash cmake/wine-prefix.sh stop >/dev/null 2>&1
    if [ "$rc" != 0 ]; then
        echo "demo: asynccopy failed on $arch (exit $rc)" >&2
        status=1
        continue
    fi
    results="$results
$(grep '^RESULT ' "build/$arch/asynccopy.log")"
done

echo "=== results (MB/s = 10^6 bytes per second; ratio = async / sync)$results"
exit $status
