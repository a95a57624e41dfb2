#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the project's own programs of one arch against the patched webservices.dll that
# wine/build-tree.sh built ($WSASYNC_WINE_OUT/ARCH/patched):
#   - the end-to-end programs of tests/wine/, through tests/wine/run.sh in patched mode;
#   - conformance.exe with every spec_* test and stress.exe differential_random, copied beside
#     the patched DLL and loading it as webservices.dll (WSASYNC_TEST_DLL, tests/test.h): the
#     runner prints the path of the DLL it calls, which must be the patched one.
#
# Usage: wine/test-project.sh x64|x86 [PROJECT_BUILD]   (inside wine/run-tests.sh)
# PROJECT_BUILD is the project's build of that arch (build/x64, build/x86); without it, or
# without its conformance.exe and stress.exe, the row says NOT-RUN.
set -u
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
arch=$1 pbuild=${2:-}
b=$out/$arch run=$out/$arch/run-conformance
mkdir -p "$b/logs"

if [ -z "$pbuild" ]; then
    result NOT-RUN "$wine_version $arch: project conformance, patched DLL" "no project build dir given (wine/build.sh build/x64)"
    exit 0
fi
if [ ! -f "$pbuild/bin/conformance.exe" ] || [ ! -f "$pbuild/bin/stress.exe" ]; then
    result NOT-RUN "$wine_version $arch: project conformance, patched DLL" "no conformance.exe/stress.exe in $pbuild/bin"
    exit 0
fi

# The end-to-end programs (built with the project).
log=$b/logs/e2e.log
WINEPREFIX=$prefix bash "$root/tests/wine/run.sh" "$pbuild/bin" "$b/patched" patched >"$log" 2>&1
rc=$?
summary=$(grep -aE '^[a-z_-]+ \(patched\)' "$log" | tr '\n' ' ')
case $rc in
0) result pass "$wine_version $arch: tests/wine end-to-end programs, patched DLL" "$summary" ;;
77) result NOT-RUN "$wine_version $arch: tests/wine end-to-end programs" "$(grep -am1 skipped "$log")" ;;
*) result FAIL "$wine_version $arch: tests/wine end-to-end programs, patched DLL" "exit $rc: $summary(log $log)" ;;
esac

# The conformance suite and the differential stress test, beside the patched DLL.
rm -rf "$run" && mkdir -p "$run"
cp "$pbuild/bin/conformance.exe" "$pbuild/bin/stress.exe" "$pbuild/bin/wsasync.dll" "$run/"
cp "$b/patched/webservices.dll" "$run/webservices.dll"
# run_suite EXE WHAT ARGS...: EXE with ARGS in the run directory, its row named after WHAT.
run_suite() {
    local exe=$1 what=$2 log=$b/logs/${1%.exe}.log rc target counts
    shift 2
    WSASYNC_TEST_DLL=webservices.dll run_wine "$arch" "$run" "$log" "$exe" "$@"
    rc=$?
    target=$(sed -n 's/^WsAsyncExecute under test: //p' "$log" | tr -d '\r')
    counts=$(grep -a 'passed, .* failed' "$log" | tail -1 | tr -d '\r')
    case $rc:$target in
    0:*[/\\]run-conformance[/\\]webservices.dll) result pass "$wine_version $arch: project $exe $what, patched DLL" "$counts" ;;
    *) result FAIL "$wine_version $arch: project $exe, patched DLL" "exit $rc, target '${target:-none}', $counts (log $log)" ;;
    esac
}
run_suite conformance.exe 'spec_*' $(sed -n 's/^TEST(\(spec_[A-Za-z0-9_]*\)).*/\1/p' "$root"/tests/spec_*.c)
run_suite stress.exe differential_random differential_random
