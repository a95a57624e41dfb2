#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Configures, builds and runs the suite under Wine for each CMake preset named, in order:
#   bash ci/presets.sh x64 x86
# Prints CTest's summary for each; exits non-zero if any build or test failed.
# Shared by ci/test.sh (MinGW gcc) and ci/clang.sh (clang), which install the tools first.
set -u
cd "$(dirname "$0")/.."

export WINEDEBUG=-all
jobs=$(nproc 2>/dev/null || echo 2)
status=0
summary=""

for preset in "$@"; do
    echo "=== $preset: configure and build"
    if ! cmake --preset "$preset" >/dev/null || ! cmake --build --preset "$preset" -j "$jobs"; then
        summary="$summary
$preset: build FAILED"
        status=1
        continue
    fi
    # A machine that cannot run 32-bit Windows programs still builds x86 (compiler, linker and
    # export checks), but its suite cannot run: say so plainly rather than fail on the machine.
    if [ "${preset#x86}" != "$preset" ] && ! why=$(bash ci/can-run-x86.sh 2>&1); then
        echo "=== $preset: built; suite NOT RUN: $why"
        summary="$summary
$preset: built; suite NOT RUN ($why)"
        continue
    fi
    echo "=== $preset: conformance suite under Wine"
    # A test gets a second run if its first fails: on a loaded 2-core machine a Wine process has
    # been seen to die at start-up in 20 ms, before running a line of the test. A failure that
    # repeats still fails the run, and every first-run failure is listed in the summary.
    ctest --preset "$preset" -j "$jobs" --repeat until-pass:2 2>&1 | tee "build/$preset/ctest.log"
    rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] || status=1
    retried=$(grep -E '\*\*\*(Failed|Exception)' "build/$preset/ctest.log" | sed -E 's/.*Test +#[0-9]+: ([^ ]+).*/\1/' | sort -u | tr '\n' ' ')
    summary="$summary
$preset: $(grep -E 'tests passed' "build/$preset/ctest.log" | tail -1)${retried:+ (failed on a first run: $retried)}"
done

echo "=== summary$summary"
exit $status
