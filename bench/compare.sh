#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Compares pairs of bench_services.exe (bench/services.c) measures taken in the same processes,
# with the patched webservices.dll: each ratio is taken within one process, so that it holds on
# a machine whose load changes from run to run. A section names the pairs, a memory measure and
# the text of its section of docs/BENCHMARKS.md; bench/http.sh and bench/host.sh are its callers.
#
# Prints the medians of N processes per arch (their ratios paired per process), and writes the
# section of docs/BENCHMARKS.md between its markers (bench/report.sh keeps it).
#
#   bench/compare.sh http|host [--rounds N] [--seconds S] [--no-doc] [--dll-ARCH DLL] [x64] [x86]
#
#   --rounds N   processes per arch (default 5)
#   --seconds S  the timed window of each rate (default 1)
#   --dll-ARCH   default build/wine/8.0/ARCH/patched/webservices.dll (wine/build.sh builds it)
#   --no-doc     leave docs/BENCHMARKS.md as it is (the section is in build/bench/SECTION.md)
# Nothing here fails a build: it measures and reports (exit 0 once the runs were made).
set -u
cd "$(dirname "$0")/.."
root=$PWD
. cmake/wine.sh

section=${1:-}
# Each section: its title; its pairs, CLIENTS:BASE:OTHER (the ratio is OTHER/BASE); its memory
# measure; the names of BASE and OTHER in its table; the text before its table, and after it.
case $section in
http)
    title="Services over HTTP against net.tcp"
    pairs="1:rr_1:rr_1_http 8:rr_8_shared:rr_8_http"
    memory=memory_http
    base_name="net.tcp round trips/s" other_name="HTTP round trips/s" ratio_name="HTTP/net.tcp"
    memory_what="HTTP round trips"
    intro="\`bench_services.exe\` runs the same request-reply service
(\`WsReceiveMessage\`, \`WsSendReplyMessage\`) and its clients (\`WsRequestReply\`) over net.tcp and over
HTTP in one process, with the patched \`webservices.dll\` (patches 0114 to 0119: an HTTP listener on
Wine's HTTP server API, each \`WsAcceptChannel\` taking one request). A ratio is HTTP's rate over
net.tcp's, taken within each process, and its median over the processes."
    ;;
host)
    title="Service host against a hand-written channel loop"
    pairs="1:rr_1:host_1 8:rr_8_shared:host_8"
    memory=memory_host
    base_name="hand-written round trips/s" other_name="host calls/s" ratio_name="host/hand-written"
    memory_what="calls through the host"
    intro="\`bench_services.exe\` runs one request-reply service over net.tcp two ways in one
process, with the patched \`webservices.dll\` (patches 0106 to 0113): a hand-written loop of
\`WsReceiveMessage\` and \`WsSendReplyMessage\` on a listener's channels, called by \`WsRequestReply\`; and
the service host (\`WsCreateServiceHost\`, one two-way operation that echoes the request's int, as
many channels served at once as there are clients), called by \`WsCall\` through one
\`WS_SERVICE_PROXY\` per client thread. The messages on the wire are the same; a ratio is the host's
rate over the loop's, taken within each process, and its median over the processes: what the host's
dispatch and the proxy cost (the goal is 0.8 or more)."
    ;;
*) echo "usage: $0 http|host [--rounds N] [--seconds S] [--no-doc] [--dll-ARCH DLL] [x64] [x86]" >&2; exit 2 ;;
esac
shift

rounds=5 seconds=1 doc=1 arches=""
declare -A dll
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) rounds=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --no-doc) doc=0 ;;
    --dll-x64|--dll-x86) dll[${1#--dll-}]=$(realpath -m "$2"); shift ;;
    x64|x86) arches="$arches $1" ;;
    *) echo "usage: bench/$section.sh [--rounds N] [--seconds S] [--no-doc] [--dll-ARCH DLL] [x64] [x86]" >&2; exit 2 ;;
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

only=""
for pair in $pairs; do
    IFS=: read -r _ base other <<<"$pair"
    only="$only --only $base --only $other"
done
only="$only --only $memory"

logs=""
for arch in $arches; do
    log=$out/$section-$arch.log dir=$out/$section-$arch
    : "${dll[$arch]:=$root/build/wine/8.0/$arch/patched/webservices.dll}"
    echo "=== $title, $arch"
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
        # shellcheck disable=SC2086 # the --only options, one word each
        run_in_namespace "$arch" "$dir" "$loader" ./bench_services.exe --seconds "$seconds" $only |
            sed "s/^/$round /" >>"$log"
        printf '  round %d of %d done\n' "$round" "$rounds"
    done
    logs="$logs $log"
done
[ -n "$logs" ] || { echo "nothing measured"; exit 0; }

# One line per arch and figure: the median of the processes' values (ratios: of each process's
# own ratio), and how many processes gave it. Each pair's ratio is taken of the best slices' rates
# and of the rates per CPU second (the <name>_cpu lines), which other load disturbs far less.
summary=$(awk -v pairs="$pairs" -v memory="$memory" '
    function median(list,    n, v, i, j, t) {
        n = split(list, v, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return n ? (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) : ""
    }
    $2 == "RATE" && $5 != "-" { rate[$4, $1, $3] = $5; archs[$4] = 1; rounds[$4, $1] = 1 }
    $2 == "MEMORY" && $3 == memory { first[$4] = first[$4] " " $5; last[$4] = last[$4] " " $6; grew[$4] = grew[$4] " " ($6 - $5) }
    END {
        count_pairs = split(pairs, pair, " ")
        for (a in archs) {
            for (p = 1; p <= count_pairs; p++) {
                split(pair[p], names, ":")
                for (n = 2; n <= 3; n++) {
                    list = ""; for (key in rounds) { split(key, k, SUBSEP); if (k[1] == a && (a, k[2], names[n]) in rate) list = list " " rate[a, k[2], names[n]] }
                    printf "%s rate %s %s\n", a, names[n], median(list)
                }
                for (cpu = 0; cpu <= 1; cpu++) {
                    base = names[2] (cpu ? "_cpu" : ""); other = names[3] (cpu ? "_cpu" : "")
                    list = ""; count = 0
                    for (key in rounds) {
                        split(key, k, SUBSEP)
                        if (k[1] == a && (a, k[2], base) in rate && (a, k[2], other) in rate && rate[a, k[2], base] > 0) {
                            list = list " " rate[a, k[2], other] / rate[a, k[2], base]; count++
                        }
                    }
                    printf "%s ratio %s %.3f %d\n", a, other, median(list), count
                }
            }
            printf "%s memory %s %s %s\n", a, median(first[a]), median(last[a]), median(grew[a])
        }
    }' $logs | sort)
echo
echo "=== $title ($rounds processes per arch, $seconds s per rate)"
printf '%s\n' "$summary"

{
    echo "<!-- $section: generated by bench/$section.sh; do not edit by hand -->"
    echo "## $title"
    echo
    echo "Generated by \`bench/$section.sh\` (started $started; $rounds processes per arch, $seconds s per rate; load"
    echo "average $load_before before). $intro"
    echo "The last column is the same ratio of the rates per CPU second of the process (all its threads,"
    echo "not the wineserver's), which the machine's other load disturbs far less."
    echo
    echo "| arch | clients | $base_name | $other_name | $ratio_name | $ratio_name per CPU second |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "$summary" | awk -v pairs="$pairs" '
        $2 == "rate" { r[$1, $3] = $4 }
        $2 == "ratio" { q[$1, $3] = $4; c[$1, $3] = $5; a[$1] = 1 }
        END { count_pairs = split(pairs, pair, " ")
            for (x in a) for (p = 1; p <= count_pairs; p++) {
                split(pair[p], names, ":")
                printf "| %s | %s | %.0f | %.0f | %s (%d processes) | %s (%d processes) |\n", x, names[1],
                       r[x, names[2]], r[x, names[3]], q[x, names[3]], c[x, names[3]], q[x, names[3] "_cpu"],
                       c[x, names[3] "_cpu"] } }' | sort
    echo
    echo "Memory over 10,000 $memory_what (one client; service and client share the process): the"
    echo "process's private bytes (its committed private memory) after the first thousand and after the"
    echo "last, medians:"
    echo
    printf '%s\n' "$summary" | awk '$2 == "memory" { printf "- %s: %s KiB after 1,000, %s KiB after 10,000 (growth %s KiB)\n", $1, $3, $4, $5 }'
    echo
    echo "Each process's lines are in build/bench/$section-ARCH.log."
    echo "<!-- end $section -->"
} >"$out/$section.md"
if [ "$doc" = 1 ] && [ -f docs/BENCHMARKS.md ]; then
    if grep -q "^<!-- $section: " docs/BENCHMARKS.md; then
        awk -v section="$out/$section.md" -v name="$section" '
            index($0, "<!-- " name ": ") == 1 { while ((getline line < section) > 0) print line; skip = 1; next }
            $0 == "<!-- end " name " -->" { skip = 0; next }
            !skip' docs/BENCHMARKS.md >"$out/BENCHMARKS.md.new" && mv "$out/BENCHMARKS.md.new" docs/BENCHMARKS.md
    else
        awk -v section="$out/$section.md" '
            /^## Plots/ && !done { while ((getline line < section) > 0) print line; print ""; done = 1 }
            { print }' docs/BENCHMARKS.md >"$out/BENCHMARKS.md.new" && mv "$out/BENCHMARKS.md.new" docs/BENCHMARKS.md
    fi
    echo "docs/BENCHMARKS.md: section written"
fi
