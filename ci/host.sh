#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The host stage: builds src/engine.c unchanged on Linux with the test seam in tests/host, then
# runs the conformance and stress tests under AddressSanitizer + UndefinedBehaviorSanitizer (gcc
# and clang) and ThreadSanitizer (clang), and fuzzes the engine with libFuzzer for a fixed time
# from the committed corpus. Exits non-zero if any build, test or fuzzing run fails.
# Environment: WSASYNC_FUZZ_SECONDS (default 30), WSASYNC_HOST_SERIES (randomized series per
# sanitizer run, default 8000; a quarter of it under ThreadSanitizer).
set -u
cd "$(dirname "$0")/.."

[ -n "${WSASYNC_DEPS_INSTALLED:-}" ] || bash ci/install-deps.sh || exit 1

out=build/host
mkdir -p "$out"
fuzz_seconds=${WSASYNC_FUZZ_SECONDS:-30}
series=${WSASYNC_HOST_SERIES:-8000}
status=0
summary=""

common="-std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror
        -Itests/host/include -Iinclude -Isrc -Itests -Itests/stress -Itests/host"
engine="src/engine.c tests/host/platform_host.c tests/stress/series.c tests/stress/platform_pthread.c"
tests="tests/runner.c tests/spec_2_arguments.c tests/spec_3_sync.c tests/stress/differential.c tests/stress/faults.c"
asan="-fsanitize=address,undefined -fno-sanitize-recover=all"
tsan="-fsanitize=thread"

# Every report is an error: halt_on_error makes a sanitizer finding fail the run, and there are
# no suppressions.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

record() {
    summary="$summary
$1: $2"
    [ "$2" = passed ] || status=1
}

# build NAME COMPILER FLAGS SOURCES...
build() {
    local name=$1 cc=$2 flags=$3
    shift 3
    echo "=== host: build $name"
    # shellcheck disable=SC2086
    $cc $common $flags "$@" -o "$out/$name" -lpthread
}

# run_tests NAME SERIES: the whole suite, randomized test included, with its seed printed.
run_tests() {
    local name=$1
    echo "=== host: $name"
    if WSASYNC_SERIES=$2 "$out/$name" >"$out/$name.log" 2>&1; then
        grep -E '^(seed|series)=|passed' "$out/$name.log"
        record "$name" passed
    else
        tail -40 "$out/$name.log"
        record "$name" FAILED
    fi
}

for variant in "asan-gcc gcc" "asan-clang clang"; do
    set -- $variant
    if build "$1" "$2" "$asan" $engine $tests; then run_tests "$1" "$series"; else record "$1" "build FAILED"; fi
done
if build tsan-clang clang "$tsan" $engine $tests; then
    run_tests tsan-clang $((series / 4))
else
    record tsan-clang "build FAILED"
fi

# Fuzzing: a copy of the corpus grows during the run; the committed one stays as it is.
echo "=== host: fuzz for ${fuzz_seconds}s"
if build fuzz-clang clang "-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all" \
        $engine tests/fuzz/fuzz_series.c; then
    rm -rf "$out/corpus" && cp -r tests/fuzz/corpus "$out/corpus"
    if "$out/fuzz-clang" -max_total_time="$fuzz_seconds" -max_len=256 -timeout=30 \
            -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" >"$out/fuzz.log" 2>&1; then
        grep -E 'stat::number_of_executed_units|Done' "$out/fuzz.log" | tail -2
        record fuzz passed
    else
        tail -40 "$out/fuzz.log"
        record fuzz FAILED
    fi
else
    record fuzz "build FAILED"
fi

echo "=== host summary$summary"
exit $status
