#!/usr/bin/env bash
# The project's test command: on a fresh Debian 12 machine (as root) it installs what is
# missing, then configures, builds and runs the conformance suite for x64 and x86 under Wine.
# Prints CTest's summary for each arch; exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
root=$PWD

bash ci/install-deps.sh || exit 1
bash ci/dropin.sh || exit 1

export WINEDEBUG=-all
jobs=$(nproc 2>/dev/null || echo 2)
status=0
summary=""

for arch in x64 x86; do
    echo "=== $arch: configure and build"
    if ! cmake --preset "$arch" >/dev/null || ! cmake --build --preset "$arch" -j "$jobs"; then
        summary="$summary
$arch: build FAILED"
        status=1
        continue
    fi
    echo "=== $arch: conformance suite under Wine"
    ctest --preset "$arch" -j "$jobs" 2>&1 | tee "build/$arch/ctest.log"
    rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] || status=1
    summary="$summary
$arch: $(grep -E 'tests passed' "build/$arch/ctest.log" | tail -1)"
done

bash ci/host.sh || status=1

echo "=== summary$summary"
exit $status
