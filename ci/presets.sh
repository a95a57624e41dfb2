#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Configures, builds and runs the suite under Wine for each CMake preset named, in order:
#   bash ci/presets.sh x64 x86 x64-clang x86-clang
# Prints CTest's summary for each; exits non-zero if any build failed or any test failed. A test
# runs once: one that fails is a failure of the run, never retried.
set -u
cd "$(dirname "$0")/.."
. cmake/wine.sh
# shellcheck source=ci/lib/results.sh
. ci/lib/results.sh

[ -n "${WSASYNC_DEPS_INSTALLED:-}" ] || bash ci/install-deps.sh || exit 1

export WINEDEBUG=-all
jobs=$(nproc 2>/dev/null || echo 2)
results_init build/presets.results ci/presets.sh

for preset in "$@"; do
    echo "=== $preset: configure and build"
    if ! cmake --preset "$preset" >/dev/null || ! cmake --build --preset "$preset" -j "$jobs"; then
        result FAIL "$preset: build" "see the output above"
        continue
    fi
    result pass "$preset: build" ""
    # A machine that cannot run 32-bit Windows programs still builds x86 (compiler, linker and
    # export checks), but its suite cannot run: say so plainly rather than fail on the machine.
    arch=${preset%%-*}
    if ! why=$(wine_can_run "$arch" 2>&1); then
        result NOT-RUN "$preset: suite" "$why"
        continue
    fi
    echo "=== $preset: conformance suite under Wine"
    ctest --preset "$preset" -j "$jobs" 2>&1 | tee "build/$preset/ctest.log"
    rc=${PIPESTATUS[0]}
    failed=$(awk '/The following tests FAILED:/ { listed = 1; next } listed && $2 == "-" { print $3 }' \
             "build/$preset/ctest.log" | tr '\n' ' ')
    result "$([ "$rc" = 0 ] && echo pass || echo FAIL)" "$preset: suite" \
        "$(grep -E 'tests passed' "build/$preset/ctest.log" | tail -1)${failed:+ (failed: $failed)}"
done

results_finish
