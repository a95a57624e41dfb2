#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds Wine's webservices.dll from Debian's Wine source of each version (WSASYNC_WINE_VERSIONS,
# default "8.0 10.0"), pristine and with the series applied (wine/patches, made against 10.0;
# wine/port.sh makes the others' from it), for x64 and x86, and tests it with Wine's own
# webservices tests and with this project's programs, under the installed Wine (docs/WINE.md).
# Rows are prefixed with the version. The driver of wine/'s scripts, each also run by hand:
#   fetch.sh       Wine's source and libwine-dev:i386 from Debian, into the cache
#   apply.sh       the pristine and patched trees; the series applies; async.c carries engine.c
#   port.sh        the series for another version (by apply.sh)
#   build-tree.sh  one tree for one arch (skipped when unchanged since its last build)
#   netns.sh       a command in a private network namespace
#   run-tests.sh   the tests of one arch: test-wine.sh (Wine's), test-project.sh (the project's)
#   install.sh     the patched DLLs into a prefix
# lib.sh holds what they share; the rows and the summary are ci/lib/results.sh's.
#
# Usage: wine/build.sh [--ci] [--install PREFIX] [BUILD_DIR]
#   BUILD_DIR   the project's x64 build (cmake --preset x64: build/x64); when given, the
#               end-to-end programs, conformance.exe spec_* and stress.exe differential_random
#               run against the patched DLL. An x86 build beside it (build/x86) is used the same
#               way where 32-bit programs run.
#   --ci        the mode of ci/test.sh: a step that cannot run is a failure (x86 ones excepted,
#               where the machine cannot run 32-bit programs).
#   --install P after a run with no failure, puts P/wine/<version>/<arch>/webservices.dll.
# Environment: see wine/lib.sh. Exits non-zero if any check failed or could not run; "NOT RUN"
# (exit 1) if nothing could be built or tested, for want of source or tools.
set -u
origin=$PWD
ci=0 install_prefix='' build_dir=''
while [ $# -gt 0 ]; do
    case $1 in
    --ci) ci=1 ;;
    --install) install_prefix=$2; shift ;;
    -*) echo "usage: $0 [--ci] [--install PREFIX] [BUILD_DIR]" >&2; exit 2 ;;
    *) build_dir=$1 ;;
    esac
    shift
done
# Paths given relative to where the script was started from.
case $build_dir in ""|/*) ;; *) build_dir=$origin/$build_dir ;; esac
case $install_prefix in ""|/*) ;; *) install_prefix=$origin/$install_prefix ;; esac

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=wine/lib.sh
. "$here/lib.sh"
mkdir -p "$out_base" "$cache"
results_init "$out_base/results" wine/build.sh
finish() {
    local v excused=()
    for v in $wine_versions; do excused+=("$v x86: "); done
    if [ "$ci" = 1 ]; then results_finish --ci "${excused[@]}"; else results_finish; fi
}

# Tools: winegcc and winebuild (wine64-tools), Wine's headers and import libraries (libwine-dev).
if ! command -v winegcc >/dev/null || ! command -v winebuild >/dev/null || ! dpkg -s libwine-dev >/dev/null 2>&1; then
    bash ci/install-deps.sh wine64-tools libwine-dev ||
        { result NOT-RUN "tools" "wine64-tools/libwine-dev missing and could not be installed"; finish; }
fi
# one_version: fetch, apply, build and test WSASYNC_WINE_VERSION (in $out), its rows in its own
# results file.
one_version() {
    local vstart arch tarball runnable reason start entry pbuild
    echo "=== Wine $wine_version" && vstart=$(date +%s)
    tarball=$(bash "$here/fetch.sh" "$wine_version") || return
    bash "$here/apply.sh" "$tarball" || return
    # The mechanical rules hold for the committed series, the one made against series_version.
    [ "$wine_version" = "$series_version" ] && bash "$here/check-series.sh"
    for arch in x64 x86; do
        if [ "$arch" = x86 ] && [ ! -f "$x86lib/libwinecrt0.a" ]; then
            result NOT-RUN "$wine_version x86: build" "libwine-dev:i386 could not be fetched (x86 import libraries)"
            continue
        fi
        runnable=1
        if [ "$arch" = x86 ] && ! reason=$(wine_can_run x86 2>&1); then runnable=0; fi
        echo "=== $wine_version $arch: building webservices.dll and Wine's tests"
        start=$(date +%s)
        if ! bash "$here/build-tree.sh" "$arch" patched >"$out/build-$arch-patched.log" 2>&1; then
            result FAIL "$wine_version $arch: build patched" "see $out/build-$arch-patched.log"; continue
        fi
        # The pristine tree is only the tests' baseline: not built where they cannot run.
        if [ "$runnable" = 1 ] && ! bash "$here/build-tree.sh" "$arch" pristine >"$out/build-$arch-pristine.log" 2>&1; then
            result FAIL "$wine_version $arch: build pristine" "see $out/build-$arch-pristine.log"; continue
        fi
        # A DLL linked without Wine's CRT start-up code would have no entry point.
        entry=$("$( [ "$arch" = x86 ] && echo i686 || echo x86_64)-w64-mingw32-objdump" -p "$out/$arch/patched/webservices.dll" |
                awk '$1 == "AddressOfEntryPoint" { print $2 }')
        if [ -z "$entry" ] || [ "$((16#$entry))" = 0 ]; then
            result FAIL "$wine_version $arch: build patched" "webservices.dll has no entry point"; continue
        fi
        result pass "$wine_version $arch: build" "$( [ "$runnable" = 1 ] && echo "pristine and patched" || echo patched) DLL (entry point $entry) and tests in $(( $(date +%s) - start ))s"
        if [ "$runnable" = 0 ]; then
            result NOT-RUN "$wine_version x86: tests" "built, not run: $reason"
            continue
        fi
        # The project's build of this arch: BUILD_DIR for x64, the x86 build beside it.
        pbuild=$build_dir
        [ -n "$build_dir" ] && [ "$arch" = x86 ] && pbuild=$(dirname "$build_dir")/x86
        echo "=== $wine_version $arch: running the tests"
        start=$(date +%s)
        bash "$here/netns.sh" bash "$here/run-tests.sh" "$arch" "$pbuild"
        echo "=== $wine_version $arch: tests ran in $(( $(date +%s) - start ))s"
    done
    echo "=== Wine $wine_version: built and tested in $(( $(date +%s) - vstart ))s"
}

# The versions run side by side, each with its own work tree, Wine prefix and network namespace:
# their tests mostly wait, so two take little longer than one. One after the other where no
# namespace can be made (their tests' fixed ports would clash) or WSASYNC_WINE_SERIAL=1. The
# cache they share is filled first.
serial=${WSASYNC_WINE_SERIAL:-0}
unshare -n true 2>/dev/null || serial=1
for wine_version in $wine_versions; do WSASYNC_RESULTS='' bash "$here/fetch.sh" "$wine_version" >/dev/null 2>&1; done
for wine_version in $wine_versions; do
    out=$out_base/$wine_version
    mkdir -p "$out" && : >"$out/results"
    (export WSASYNC_WINE_VERSION=$wine_version WSASYNC_RESULTS=$out/results; one_version) >"$out/build.log" 2>&1 &
    [ "$serial" = 1 ] && wait
done
wait
for wine_version in $wine_versions; do
    cat "$out_base/$wine_version/build.log"
    cat "$out_base/$wine_version/results" >>"$WSASYNC_RESULTS"
done

[ -z "$install_prefix" ] || bash "$here/install.sh" "$install_prefix"
finish
