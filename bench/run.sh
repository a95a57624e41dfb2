#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every benchmark for x64 and x86 under Wine and writes docs/BENCHMARKS.md (figures against
# their targets, machine, versions) with its plots (docs/bench-*.svg, made by gnuplot).
#
#   bench/run.sh            both arches
#   bench/run.sh x64        one arch (the document then says the other was not run)
#
# Every figure is a ratio measured in one process, engine and baseline in alternating rounds
# (bench/bench.h): the machine may be busy, and only side-by-side figures survive that.
# An arch is measured only where this machine runs its programs natively (cmake/wine.sh:
# wine_can_run; emulated x86 gives no figure worth publishing); otherwise the document says it
# was not run, and why. Where wine/build.sh has built Wine's webservices.dll (build/wine), the
# services benchmark compares its patched and pristine DLLs too (bench/services.sh).
set -u
cd "$(dirname "$0")/.."
root=$PWD
arches=${*:-x64 x86}
. cmake/wine.sh

bash ci/install-deps.sh gnuplot-nox || exit 1

out=$root/build/bench
mkdir -p "$out"
date -u '+%Y-%m-%d %H:%M UTC' >"$out/started"
cut -d' ' -f1-3 /proc/loadavg >"$out/load_before"

# Runs one program under Wine with a time limit, appending its output to the arch's log.
run_one() {
    local arch=$1 limit=$2
    shift 2
    echo "--- $arch: $*" | tee -a "$out/$arch.log"
    # Windows programs end their lines with CR LF: keep plain lines in the log.
    timeout "$limit" "$WINE" "$@" 2>&1 | tr -d '\r' | tee -a "$out/$arch.log"
    local rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] || echo "NOTRUN $arch $(basename "$1") exit status $rc" | tee -a "$out/$arch.log"
}

for arch in $arches; do
    echo "STARTED $arch $(date -u '+%Y-%m-%d %H:%M UTC')" >"$out/$arch.log"
    if ! why=$(wine_can_run "$arch" 2>&1); then
        echo "NOTRUN $arch all $why" >>"$out/$arch.log"
        continue
    fi
    echo "=== $arch: build"
    if ! cmake --preset "$arch" >/dev/null || ! cmake --build --preset "$arch" -j 2 >/dev/null; then
        echo "NOTRUN $arch all build failed" >>"$out/$arch.log"
        continue
    fi
    # The arch's own loader, in its build tree's prefix, with one wineserver for the whole run.
    wine_env "$arch" "build/$arch"
    echo "VERSION $arch wine $("$WINE" --version 2>&1 | head -1)" >>"$out/$arch.log"
    if ! bash "$root/cmake/wine-prefix.sh" start "$arch" >/dev/null 2>&1; then
        echo "NOTRUN $arch all the Wine prefix $WINEPREFIX could not be made" >>"$out/$arch.log"
        continue
    fi
    bin=$root/build/$arch/bin
    echo "=== $arch: benchmarks"
    limit=400 copy_size=$((64 << 20))
    run_one "$arch" "$limit" "$bin/bench_all.exe"
    # If the process died, the benchmark it was running is reported as such and the ones after it
    # run once more in a new process.
    dead=""
    for attempt in 1 2; do
        missing="" died=""
        for name in sync_step async_hop scale primitives; do
            grep -qx "DONE $name" "$out/$arch.log" && continue
            case " $dead " in *" $name "*) continue ;; esac
            if [ -z "$died" ]; then died=$name; else missing="$missing --only $name"; fi
        done
        [ -n "$died" ] || break
        dead="$dead $died"
        echo "NOTRUN $arch $died the process died while running it; its figures above, if any, are those it printed first" >>"$out/$arch.log"
        [ "$attempt" = 1 ] && [ -n "$missing" ] && run_one "$arch" "$limit" "$bin/bench_all.exe" $missing
    done
    if [ -f "$bin/asynccopy.exe" ]; then
        for chunks in 1 4 16; do
            run_one "$arch" "$limit" "$bin/asynccopy.exe" --chunks "$chunks" --size "$copy_size" --no-progress
        done
    fi
    bash "$root/cmake/wine-prefix.sh" stop >/dev/null 2>&1
done

# The services against Wine's pristine and patched webservices.dll (bench/services.sh), where
# wine/build.sh has left them; its section goes into the document with the rest.
if ls build/wine/8.0/*/pristine/webservices.dll build/wine/8.0/*/patched/webservices.dll >/dev/null 2>&1; then
    echo "=== services: patched against pristine webservices.dll"
    bash "$root/bench/services.sh" --no-doc $arches
fi

cut -d' ' -f1-3 /proc/loadavg >"$out/load_after"
bash "$root/bench/report.sh" "$out"
