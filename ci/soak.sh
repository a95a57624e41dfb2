#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The soak: the randomized differential test (tests/stress/differential.c) for many series on
# each arch under Wine, at low priority. Not part of ci/test.sh; docs/RELIABILITY.md records the
# figures of the last run on the reference machine.
#
#   bash ci/soak.sh [SERIES [ARCH...]]      default: 10000000 series, x64 and x86
#
# Environment: WSASYNC_SEED replays a run (the seed is printed at the start of each arch's log),
# WSASYNC_THREADS (default 8). Logs: build/<arch>/soak.log. Exits non-zero if any run failed;
# an arch this machine cannot run (cmake/wine.sh: wine_can_run) is reported as not run.
set -u
cd "$(dirname "$0")/.."
. cmake/wine.sh

series=${1:-10000000}
shift || true
arches=${*:-x64 x86}
status=0

bash ci/install-deps.sh || exit 1

for arch in $arches; do
    if ! cmake --preset "$arch" >/dev/null || ! cmake --build --preset "$arch" -j2 --target stress >/dev/null; then
        echo "$arch: build FAILED"
        status=1
        continue
    fi
    if ! why=$(wine_can_run "$arch" 2>&1); then
        echo "$arch: built; NOT RUN: $why"
        continue
    fi
    wine_env "$arch" "build/$arch"
    bash cmake/wine-prefix.sh start "$arch" >/dev/null || { echo "$arch: no Wine prefix"; status=1; continue; }
    log=build/$arch/soak.log
    echo "=== $arch: $series series, log in $log"
    WSASYNC_SERIES=$series WSASYNC_SECONDS=0 WSASYNC_PROGRESS=${WSASYNC_PROGRESS:-$((series / 20 > 0 ? series / 20 : 1))} \
        nice -n 19 "$WINE" "build/$arch/bin/stress.exe" differential_random >"$log" 2>&1
    rc=$?
    bash cmake/wine-prefix.sh stop >/dev/null
    grep -E '^(seed|series)=|passed' "$log"
    if [ $rc != 0 ]; then
        grep -m 20 'Test failed' "$log"
        echo "$arch: FAILED (exit $rc)"
        status=1
    fi
done
exit $status
