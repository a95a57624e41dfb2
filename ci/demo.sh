#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The demo: on a fresh Debian 12 machine (as root) it installs what is missing (the same
# installer as ci/test.sh), builds wsasync for x64 and x86, and runs the asynccopy example under
# Wine on each with its default input (a 256 MiB file it makes and removes itself). Prints each
# run's figures and a summary of the RESULT lines; exits non-zero if a build or a copy failed.
# Extra arguments are passed to asynccopy (e.g. --chunks 8 --size 64M).
set -u
cd "$(dirname "$0")/.."

bash ci/install-deps.sh || exit 1

export WINEDEBUG=-all
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
    if [ "$arch" = x86 ] && ! why=$(bash ci/can-run-x86.sh 2>&1); then
        echo "=== $arch: built; asynccopy NOT RUN: $why"
        results="$results
$arch: not run ($why)"
        continue
    fi
    # The Wine loader the build's tests use (wine64 for x64: see cmake/mingw-toolchain.cmake).
    wine=$(sed -n 's/^WSASYNC_WINE:FILEPATH=//p' "build/$arch/CMakeCache.txt")
    export WINEPREFIX=$PWD/build/$arch/wineprefix
    if ! sh cmake/wine-prefix.sh "${wine:-wine}" >/dev/null 2>&1; then
        echo "demo: could not create the Wine prefix $WINEPREFIX" >&2
        status=1
        continue
    fi
    echo "=== $arch: asynccopy under Wine"
    "${wine:-wine}" "build/$arch/bin/asynccopy.exe" "$@" | tee "build/$arch/asynccopy.log"
    rc=${PIPESTATUS[0]}
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
