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
set -u
cd "$(dirname "$0")/.."
root=$PWD
arches=${*:-x64 x86}

bash ci/install-deps.sh gnuplot-nox || exit 1

export WINEDEBUG=-all
out=$root/build/bench
mkdir -p "$out"
date -u '+%Y-%m-%d %H:%M UTC' >"$out/started"
cut -d' ' -f1-3 /proc/loadavg >"$out/load_before"

# The loader that runs this arch's programs. The `wine` script picks the 32-bit loader whenever
# it is installed, even for a 64-bit program and even where the kernel cannot run 32-bit code,
# so 64-bit programs go straight to wine64; 32-bit ones need the 32-bit loader to start.
wine_loader() {
    local candidate
    if [ "$1" = x64 ]; then
        for candidate in /usr/lib/wine/wine64 wine64 wine; do
            "$candidate" --version >/dev/null 2>&1 && { echo "$candidate"; return 0; }
        done
    else
        for candidate in /usr/lib/wine/wine wine; do
            "$candidate" --version >/dev/null 2>&1 && { echo "$candidate"; return 0; }
        done
    fi
    return 1
}

# One Wine prefix serves both arches: a 64-bit prefix runs 32-bit programs too, and creating a
# prefix for the 32-bit loader alone can take many minutes where that loader is emulated.
export WINEPREFIX=$root/build/x64/wineprefix

# Runs one program under Wine with a time limit, appending its output to the arch's log.
run_one() {
    local arch=$1 limit=$2
    shift 2
    echo "--- $arch: $*" | tee -a "$out/$arch.log"
    # Windows programs end their lines with CR LF: keep plain lines in the log.
    timeout "$limit" "$loader" "$@" 2>&1 | tr -d '\r' | tee -a "$out/$arch.log"
    local rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] || echo "NOTRUN $arch $(basename "$1") exit status $rc" | tee -a "$out/$arch.log"
}

for arch in $arches; do
    echo "STARTED $arch $(date -u '+%Y-%m-%d %H:%M UTC')" >"$out/$arch.log"
    if ! loader=$(wine_loader "$arch"); then
        why=$(/usr/lib/wine/wine --version 2>&1 | head -1)
        echo "NOTRUN $arch all no Wine loader for $arch starts here: ${why:-not installed}" >>"$out/$arch.log"
        continue
    fi
    echo "=== $arch: build"
    if ! cmake --preset "$arch" >/dev/null || ! cmake --build --preset "$arch" -j 2 >/dev/null; then
        echo "NOTRUN $arch all build failed" >>"$out/$arch.log"
        continue
    fi
    echo "VERSION $arch wine $("$loader" --version 2>&1 | head -1)" >>"$out/$arch.log"
    # Where the kernel refuses 32-bit code, a binfmt_misc handler (qemu-i386) may run the 32-bit
    # loader under emulation: its figures are then those of emulated code, and the document says so.
    if [ "$arch" = x86 ] && dmesg 2>/dev/null | grep -q '32-bit emulation disabled'; then
        echo "EMULATED $arch The kernel refuses 32-bit code (dmesg: 32-bit emulation disabled); the 32-bit Wine loader ran under $(grep -l enabled /proc/sys/fs/binfmt_misc/*i386* 2>/dev/null | xargs -r -n1 basename | head -1) user-mode emulation ($(sed -n 's/^interpreter //p' /proc/sys/fs/binfmt_misc/*i386* 2>/dev/null | head -1))" >>"$out/$arch.log"
    fi
    sh "$root/cmake/wine-prefix.sh" /usr/lib/wine/wine64 >/dev/null 2>&1
    bin=$root/build/$arch/bin
    echo "=== $arch: benchmarks"
    # Where the loader is emulated, each start costs a minute or more and the code runs many
    # times slower: fewer rounds, one process for all the engine's benchmarks.
    if grep -q '^EMULATED' "$out/$arch.log"; then
        rounds="--rounds 5" limit=1200 copy_size=$((16 << 20))
    else
        rounds="" limit=400 copy_size=$((64 << 20))
    fi
    run_one "$arch" "$limit" "$bin/bench_all.exe" $rounds
    # If the process died (seen with the emulated 32-bit loader), the benchmark it was running is
    # reported as such and the ones after it run once more in a new process.
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
        [ "$attempt" = 1 ] && [ -n "$missing" ] && run_one "$arch" "$limit" "$bin/bench_all.exe" $rounds $missing
    done
    if [ -f "$bin/asynccopy.exe" ]; then
        for chunks in 1 4 16; do
            run_one "$arch" "$limit" "$bin/asynccopy.exe" --chunks "$chunks" --size "$copy_size" --no-progress
        done
    fi
done

cut -d' ' -f1-3 /proc/loadavg >"$out/load_after"
bash "$root/bench/report.sh" "$out"
