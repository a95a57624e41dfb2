#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The host stage: configures, builds and runs the host presets (CMakePresets.json), which build
# src/engine.c unchanged on Linux with the test seam in tests/host: the conformance and stress
# tests under AddressSanitizer + UndefinedBehaviorSanitizer (host-asan-gcc, host-asan-clang) and
# ThreadSanitizer (host-tsan), and libFuzzer from a copy of the committed corpus (host-fuzz).
# What each builds and runs, and with which options, is tests/host/CMakeLists.txt's. Exits
# non-zero if any build or test fails.
# Environment: WSASYNC_FUZZ_SECONDS (default 30), WSASYNC_HOST_SERIES (randomized series per
# sanitizer run, default 8000; a quarter of it under ThreadSanitizer).
set -u
cd "$(dirname "$0")/.."
# shellcheck source=ci/lib/results.sh
. ci/lib/results.sh

[ -n "${WSASYNC_DEPS_INSTALLED:-}" ] || bash ci/install-deps.sh || exit 1

results_init build/host.results ci/host.sh

for preset in host-asan-gcc host-asan-clang host-tsan host-fuzz; do
    echo "=== host: build $preset"
    # Empty values leave the defaults of tests/host/CMakeLists.txt.
    if ! cmake --preset "$preset" -DWSASYNC_HOST_SERIES="${WSASYNC_HOST_SERIES:-}" \
            -DWSASYNC_FUZZ_SECONDS="${WSASYNC_FUZZ_SECONDS:-}" >/dev/null ||
       ! cmake --build --preset "$preset" -j 2; then
        result FAIL "$preset" "build FAILED"
        continue
    fi
    echo "=== host: $preset"
    log=build/$preset/ctest.log
    ctest --preset "$preset" >"$log" 2>&1
    rc=$?
    # The randomized test's seed and counts, the fuzzer's, and CTest's line.
    grep -hE '^(seed|series)=|stat::number_of_executed_units|^Done' \
        "build/$preset/Testing/Temporary/LastTest.log" 2>/dev/null
    counts=$(grep -E 'tests passed' "$log" | tail -1)
    if [ "$rc" = 0 ]; then
        result pass "$preset" "$counts"
    else
        tail -40 "$log"
        result FAIL "$preset" "${counts:-no CTest summary} (log $log)"
    fi
done

results_finish
