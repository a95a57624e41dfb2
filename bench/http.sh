#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# How a service over HTTP (an HTTP listener and reply channels, patches 0114 to 0119) compares
# with the same service over net.tcp, with the patched webservices.dll: bench_services.exe
# (bench/services.c) measures both in each process, so that each ratio HTTP/net.tcp is taken
# within one run on a machine whose load changes from run to run:
#
#   rr_1 and rr_1_http          request-reply round trips per second, one client
#   rr_8_shared and rr_8_http   8 clients at once, 8 service threads on one listener
#   memory_http                 10,000 HTTP round trips, the process's private bytes after each
#                               thousand: the service must not grow with the requests
#
# Prints the medians of N processes per arch (their ratios paired per process), and writes the
# "HTTP" section of docs/BENCHMARKS.md between its markers (bench/report.sh keeps it).
#
#   bench/http.sh [--rounds N] [--seconds S] [--no-doc] [--dll-x64 DLL] [--dll-x86 DLL] [x64] [x86]
#
#   --rounds N   processes per arch (default 5)
#   --seconds S  the timed window of each rate (default 1)
#   --dll-ARCH   default build/wine/8.0/ARCH/patched/webservices.dll (wine/build.sh builds it)
#   --no-doc     leave docs/BENCHMARKS.md as it is (the section is in build/bench/http.md)
# Nothing here fails a build: it measures and reports (exit 0 once the runs were made).
set -u
cd "$(dirname "$0")/.."
root=$PWD
. cmake/wine.sh

rounds=5 seconds=1 doc=1 arches=""
declare -A dll
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) rounds=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --no-doc) doc=0 ;;
    --dll-x64|--dll-x86) dll[${1#--dll-}]=$(realpath -m "$2"); shift ;;
    x64|x86) arches="$arches $1" ;;
    *) echo "usage: $0 [--rounds N] [--seconds S] [--no-doc] [--dll-ARCH DLL] [x64] [x86]" >&2; exit 2 ;;
    esac
    shift
done
arches=${arches:-x64 x86}
out=$root/build/bench
mkdir -p "$out"
wineserver=$(wine_server) || exit 1
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

logs=""
for arch in $arches; do
    log=$out/http-$arch.log dir=$out/http-$arch
    : "${dll[$arch]:=$root/build/wine/8.0/$arch/patched/webservices.dll}"
    echo "=== HTTP against net.tcp, $arch"
    if ! why=$(wine_can_run "$arch" 2>&1); then echo "NOTRUN $arch $why" | tee "$log"; continue; fi
    if [ ! -f "${dll[$arch]}" ]; then echo "NOTRUN $arch no DLL at ${dll[$arch]}" | tee "$log"; continue; fi
    if ! cmake --preset "$arch" >/dev/null || ! cmake --build --preset "$arch" -j 2 --target bench_services >/dev/null; then
        echo "NOTRUN $arch bench_services did not build" | tee "$log"
        continue
    fi
    rm -rf "$dir" && mkdir -p "$dir" && cp "build/$arch/bin/bench_services.exe" "${dll[$arch]}" "$dir/"
    loader=$(wine_loader "$arch")
    prepare_prefix "$arch" "$dir" "$loader"
    : >"$log"
    for round in $(seq 1 "$rounds"); do
        run_in_namespace "$arch" "$dir" "$loader" ./bench_services.exe --seconds "$seconds" --only rr_1 \
            --only rr_1_http --only rr_8_shared --only rr_8_http --only memory_http | sed "s/^/$round /" >>"$log"
        printf '  round %d of %d done\n' "$round" "$rounds"
    done
    logs="$logs $log"
done
[ -n "$logs" ] || { echo "nothing measured"; exit 0; }

# One line per arch and figure: the median of the processes' values (ratios: of each process's
# own ratio), and how many processes gave it.
summary=$(awk '
    function median(list,    n, v, i, j, t) {
        n = split(list, v, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return n ? (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) : ""
    }
    $2 == "RATE" && $5 != "-" { rate[$4, $1, $3] = $5; archs[$4] = 1; rounds[$4, $1] = 1 }
    $2 == "MEMORY" { first[$4] = first[$4] " " $5; last[$4] = last[$4] " " $6; grew[$4] = grew[$4] " " ($6 - $5) }
    END {
        for (a in archs) {
            split("rr_1 rr_1_http rr_8_shared rr_8_http", names, " ")
            for (n = 1; n <= 4; n++) {
                list = ""; for (key in rounds) { split(key, k, SUBSEP); if (k[1] == a && (a, k[2], names[n]) in rate) list = list " " rate[a, k[2], names[n]] }
                printf "%s rate %s %s\n", a, names[n], median(list)
            }
            split("rr_1 rr_8_shared", tcp, " "); split("rr_1_http rr_8_http", http, " ")
            for (n = 1; n <= 2; n++) {
                list = ""; count = 0
                for (key in rounds) {
                    split(key, k, SUBSEP)
                    if (k[1] == a && (a, k[2], tcp[n]) in rate && (a, k[2], http[n]) in rate && rate[a, k[2], tcp[n]] > 0) {
                        list = list " " rate[a, k[2], http[n]] / rate[a, k[2], tcp[n]]; count++
                    }
                }
                printf "%s ratio %s %.3f %d\n", a, http[n], median(list), count
            }
            printf "%s memory %s %s %s\n", a, median(first[a]), median(last[a]), median(grew[a])
        }
    }' $logs | sort)
echo
echo "=== HTTP against net.tcp ($rounds processes per arch, $seconds s per rate)"
printf '%s\n' "$summary"

{
    echo "<!-- http: generated by bench/http.sh; do not edit by hand -->"
    echo "## Services over HTTP against net.tcp"
    echo
    echo "Generated by \`bench/http.sh\` (started $started; $rounds processes per arch, $seconds s per rate; load"
    echo "average $load_before before). \`bench_services.exe\` runs the same request-reply service"
    echo "(\`WsReceiveMessage\`, \`WsSendReplyMessage\`) and its clients (\`WsRequestReply\`) over net.tcp and over"
    echo "HTTP in one process, with the patched \`webservices.dll\` (patches 0114 to 0119: an HTTP listener on"
    echo "Wine's HTTP server API, each \`WsAcceptChannel\` taking one request). A ratio is HTTP's rate over"
    echo "net.tcp's, taken within each process, and its median over the processes."
    echo
    echo "| arch | clients | net.tcp round trips/s | HTTP round trips/s | HTTP/net.tcp |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "$summary" | awk '
        $2 == "rate" { r[$1, $3] = $4 }
        $2 == "ratio" { q[$1, $3] = $4; c[$1, $3] = $5; a[$1] = 1 }
        END { for (x in a) {
            printf "| %s | 1 | %.0f | %.0f | %s (%d processes) |\n", x, r[x, "rr_1"], r[x, "rr_1_http"], q[x, "rr_1_http"], c[x, "rr_1_http"]
            printf "| %s | 8 | %.0f | %.0f | %s (%d processes) |\n", x, r[x, "rr_8_shared"], r[x, "rr_8_http"], q[x, "rr_8_http"], c[x, "rr_8_http"] } }'
    echo
    echo "Memory over 10,000 HTTP round trips (one client; service and client share the process): the"
    echo "process's private bytes after the first thousand and after the last, medians:"
    echo
    printf '%s\n' "$summary" | awk '$2 == "memory" { printf "- %s: %s KiB after 1,000, %s KiB after 10,000 (growth %s KiB)\n", $1, $3, $4, $5 }'
    echo
    echo "Each process's lines are in build/bench/http-ARCH.log."
    echo "<!-- end http -->"
} >"$out/http.md"
if [ "$doc" = 1 ] && [ -f docs/BENCHMARKS.md ]; then
    if grep -q '^<!-- http: ' docs/BENCHMARKS.md; then
        awk -v section="$out/http.md" '
            /^<!-- http: / { while ((getline line < section) > 0) print line; skip = 1; next }
            /^<!-- end http -->/ { skip = 0; next }
            !skip' docs/BENCHMARKS.md >"$out/BENCHMARKS.md.new" && mv "$out/BENCHMARKS.md.new" docs/BENCHMARKS.md
    else
        awk -v section="$out/http.md" '
            /^## Plots/ && !done { while ((getline line < section) > 0) print line; print ""; done = 1 }
            { print }' docs/BENCHMARKS.md >"$out/BENCHMARKS.md.new" && mv "$out/BENCHMARKS.md.new" docs/BENCHMARKS.md
    fi
    echo "docs/BENCHMARKS.md: section written"
fi
