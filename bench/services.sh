#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Measures whether the patched webservices.dll (Wine 8.0 + wine/patches) makes services slower
# than Wine 8.0's pristine one: runs bench_services.exe (bench/services.c) against each DLL in
# alternating processes, N rounds each, and prints for every measure the median of each, the
# ratio patched/pristine and whether the rule holds:
#
#   patched/pristine >= 0.95 for every measure that the pristine DLL runs at all.
#
# The rule is reported as met or missed; it never fails anything (exit code 0 once the runs
# were made, whatever they measured). Then writes the "Services" section of docs/BENCHMARKS.md
# (between its markers; bench/report.sh keeps that section when it rewrites the document).
#
#   bench/services.sh [--rounds N] [--seconds S] [--report] [--no-doc]
#                     [--pristine-x64 DLL] [--patched-x64 DLL] [--pristine-x86 DLL] [--patched-x86 DLL]
#                     [x64] [x86]
#
#   --rounds N       processes per DLL and arch (default 9), alternating which DLL goes first
#   --seconds S      the timed window of each measure in each process (default 1)
#   --pristine-ARCH  default build/wine/8.0/ARCH/pristine/webservices.dll (wine/build.sh's tree of the installed Wine)
#   --patched-ARCH   default build/wine/8.0/ARCH/patched/webservices.dll
#   --report         run nothing: summarise the logs of the last run (and write the section)
#   --no-doc         leave docs/BENCHMARKS.md as it is (bench/run.sh then puts build/bench/
#                    services.md in it with the rest)
#   ARCH...          default x64 x86; an arch this machine cannot run (cmake/wine.sh) is reported
#                    as not run
#
# Every process runs in a private network namespace (wine/netns.sh) with a wineserver
# of its own started inside it, in a Wine prefix kept for this script alone (build/bench/
# services-prefix-ARCH), and killed after it. The program is built from the arch's CMake preset
# (build/ARCH/bin/bench_services.exe) and copied beside a copy of each DLL, loaded with
# WINEDLLOVERRIDES=webservices=n. Output: build/bench/services-ARCH.log (every process's lines)
# and build/bench/services.md (the document's section).
set -u
cd "$(dirname "$0")/.."
root=$PWD
. cmake/wine.sh

rounds=9 seconds=1 doc=1 runs=1 arches=""
declare -A dll
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) rounds=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --no-doc) doc=0 ;;
    --report) runs=0 ;;
    --pristine-x64|--patched-x64|--pristine-x86|--patched-x86)
        key=${1#--}; dll[$key]=$(realpath -m "$2"); shift ;;
    x64|x86) arches="$arches $1" ;;
    *) echo "usage: $0 [--rounds N] [--seconds S] [--no-doc] [--pristine-ARCH DLL] [--patched-ARCH DLL] [x64] [x86]" >&2
       exit 2 ;;
    esac
    shift
done
arches=${arches:-x64 x86}
for arch in x64 x86; do
    for kind in pristine patched; do
        : "${dll[$kind-$arch]:=$root/build/wine/8.0/$arch/$kind/webservices.dll}"
    done
done

out=$root/build/bench
mkdir -p "$out"
wineserver=$(wine_server) || exit 1
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
[ "$runs" = 1 ] || arches=""   # --report: only the summary of the logs already there

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

for arch in $arches; do
    log=$out/services-$arch.log
    echo "STARTED $arch $started" >"$log"
    echo "SETTINGS $arch $rounds $seconds" >>"$log"
    echo "LOAD $arch before $load_before" >>"$log"
    echo "=== services, $arch"
    if ! why=$(wine_can_run "$arch" 2>&1); then
        echo "NOTRUN $arch $why" | tee -a "$log"
        continue
    fi
    missing=""
    for kind in pristine patched; do
        [ -f "${dll[$kind-$arch]}" ] || missing="$missing ${dll[$kind-$arch]}"
    done
    if [ -n "$missing" ]; then
        echo "NOTRUN $arch no DLL at$missing (bash wine/build.sh builds both)" | tee -a "$log"
        continue
    fi
    if ! cmake --preset "$arch" >/dev/null || ! cmake --build --preset "$arch" -j 2 --target bench_services >/dev/null ||
       [ ! -f "build/$arch/bin/bench_services.exe" ]; then
        echo "NOTRUN $arch bench_services did not build" | tee -a "$log"
        continue
    fi
    loader=$(wine_loader "$arch")
    echo "VERSION $arch $("$loader" --version 2>&1 | head -1)" >>"$log"
    for kind in pristine patched; do
        rm -rf "$out/services-$arch-$kind" && mkdir -p "$out/services-$arch-$kind"
        cp "build/$arch/bin/bench_services.exe" "${dll[$kind-$arch]}" "$out/services-$arch-$kind/"
        echo "DLL $arch $kind ${dll[$kind-$arch]#$root/} sha256 $(sha256sum "${dll[$kind-$arch]}" | cut -c1-16)" >>"$log"
    done
    prepare_prefix "$arch" "$out/services-$arch-pristine" "$loader"
    for round in $(seq 1 "$rounds"); do
        order="pristine patched"
        [ $((round % 2)) = 0 ] && order="patched pristine"
        for kind in $order; do
            echo "RUN $arch $kind $round" >>"$log"
            run_in_namespace "$arch" "$out/services-$arch-$kind" "$loader" ./bench_services.exe --seconds "$seconds" \
                    --only rr_1 --only rr_8 --only rr_8_shared --only stream --only stream_full |
                sed "s/^RATE /RATE $kind $round /" >>"$log"
            echo "EXIT $arch $kind $round ${PIPESTATUS[0]}" >>"$log"
        done
        printf '  round %d of %d done\n' "$round" "$rounds"
    done
    echo "LOAD $arch after $(cut -d' ' -f1-3 /proc/loadavg)" >>"$log"
done

# What the logs say of the runs (with --report, those of the last run).
logs=""
for arch in x64 x86; do
    [ -f "$out/services-$arch.log" ] && { [ "$runs" = 0 ] || case " $arches " in *" $arch "*) true ;; *) false ;; esac; } &&
        logs="$logs $out/services-$arch.log"
done
[ -n "$logs" ] || { echo "no logs in $out (services-ARCH.log)"; exit 1; }
started=$(awk '$1 == "STARTED" { $1 = $2 = ""; sub(/^ +/, ""); print; exit }' $logs)
rounds=$(awk '$1 == "SETTINGS" { print $3; exit }' $logs)
seconds=$(awk '$1 == "SETTINGS" { print $4; exit }' $logs)
load_before=$(awk '$1 == "LOAD" && $3 == "before" { $1 = $2 = $3 = ""; sub(/^ +/, ""); print; exit }' $logs)
load_after=$(awk '$1 == "LOAD" && $3 == "after" { $1 = $2 = $3 = ""; sub(/^ +/, ""); v = $0 } END { print v }' $logs)

# --- the summary -------------------------------------------------------------------------------
# One line per measure and arch: patched median, pristine median, unit, ratio, verdict, and the
# rounds that gave a figure and the failure that took the others.
summarise() {
    awk -v rounds="$rounds" '
        # The value at fraction q of the sorted list (0.5: the median), between neighbours.
        function quantile(list, q,    n, v, i, j, t, x) {
            n = split(list, v, " ")
            for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
            if (!n) return ""
            x = 1 + q * (n - 1); i = int(x)
            return i >= n ? v[n] : v[i] + (x - i) * (v[i + 1] - v[i])
        }
        function median(list) { return quantile(list, 0.5) }
        # The interquartile range over the median, in per cent: how far the processes spread.
        function spread(list,    m) {
            m = median(list)
            return m == "" || m == 0 ? "-" : sprintf("%.0f%%", 100 * (quantile(list, 0.75) - quantile(list, 0.25)) / m)
        }
        $1 == "RATE" {
            kind = $2; name = $4; arch = $5; key = name " " arch
            if (!(key in seen)) { seen[key] = 1; order[count++] = key }
            unit[key] = $7
            if ($6 != "-") { values[key, kind] = values[key, kind] " " $6; ok[key, kind]++; round[key, $3, kind] = $6 }
            else if (!((key, kind) in why)) why[key, kind] = $8 " " $9
        }
        END {
            for (k = 0; k < count; k++) {
                key = order[k]; split(key, f, " ")
                pat = median(values[key, "patched"]); pri = median(values[key, "pristine"])
                # The two processes of a round ran back to back: the median of their ratios.
                pairs = ""
                for (r = 1; r <= rounds; r++)
                    if ((key, r, "patched") in round && (key, r, "pristine") in round && round[key, r, "pristine"] > 0)
                        pairs = pairs " " round[key, r, "patched"] / round[key, r, "pristine"]
                paired = pairs == "" ? "-" : sprintf("%.3f", median(pairs))
                if (pri == "" && pat == "") { ratio = "-"; verdict = "neither DLL runs it" }
                else if (pri == "") { ratio = "-"; verdict = "pristine cannot run it" }
                else if (pat == "") { ratio = "-"; verdict = "missed (the patched DLL cannot run it)" }
                else {
                    ratio = sprintf("%.3f", pat / pri)
                    verdict = (pat / pri >= 0.95) ? "met" : "missed"
                }
                printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\t%d/%d\t%s\t%s\t%s\t%s\t%s\n", f[1], f[2],
                    pat == "" ? "-" : sprintf("%.1f", pat), pri == "" ? "-" : sprintf("%.1f", pri),
                    unit[key], ratio, verdict, ok[key, "patched"], rounds, ok[key, "pristine"], rounds,
                    ((key, "patched") in why) ? why[key, "patched"] : "-",
                    ((key, "pristine") in why) ? why[key, "pristine"] : "-",
                    spread(values[key, "patched"]), spread(values[key, "pristine"]), paired
            }
        }' "$@"
}

summary=$(summarise $logs)

echo
echo "=== services: patched against pristine webservices.dll, medians of $rounds processes each ($seconds s per measure)"
echo "rule: patched/pristine >= 0.95 for every measure the pristine DLL runs at all"
printf '%-15s %-4s %12s %12s %-18s %8s %7s %7s %7s  %s\n' measure arch patched pristine unit ratio pairs spread+ spread- rule
printf '%s\n' "$summary" | while IFS=$'\t' read -r name arch pat pri unit ratio verdict okp okq whyp whyq spp spq paired; do
    [ -n "$name" ] || continue
    extra=""
    [ "$whyq" != - ] && extra="$extra; pristine failed at $whyq in $((rounds - ${okq%/*})) of $rounds"
    [ "$whyp" != - ] && extra="$extra; patched failed at $whyp in $((rounds - ${okp%/*})) of $rounds"
    printf '%-15s %-4s %12s %12s %-18s %8s %7s %7s %7s  %s%s\n' "$name" "$arch" "$pat" "$pri" "$unit" "$ratio" "$paired" "$spp" "$spq" "$verdict" "$extra"
done
grep -h '^NOTRUN' $logs 2>/dev/null | sed 's/^NOTRUN /not run: /'
met=$(printf '%s\n' "$summary" | awk -F'\t' '$7 == "met"' | wc -l)
judged=$(printf '%s\n' "$summary" | awk -F'\t' '$7 == "met" || $7 ~ /^missed/' | wc -l)
echo "rule met for $met of the $judged measures the pristine DLL runs"
echo "(ratio: of the medians; pairs: median of the ratios of the rounds' two processes, run back to back;"
echo " spread+, spread-: interquartile range over median of the patched and the pristine processes)"
# The typical spread of the processes' figures, against the 5% the rule allows.
typical=$(printf '%s\n' "$summary" | awk -F'\t' '{ for (i = 12; i <= 13; i++) if ($i != "-") { sub(/%/, "", $i); print $i } }' |
          sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
noisy=""
if [ -n "$typical" ] && [ "$typical" -gt 10 ]; then
    noisy="The processes' figures spread by $typical% (the median interquartile range over median of the rows above), more than the 5% the rule allows: in this run a verdict says more about the machine's load while each process ran than about the DLL."
    echo "$noisy"
fi

# --- the document's section --------------------------------------------------------------------
section=$out/services.md
{
echo "<!-- services: generated by bench/services.sh; do not edit by hand -->"
echo "## Services: the patched webservices.dll against Wine 8.0's own"
echo
echo "Generated by \`bench/services.sh\` (started $started; $rounds processes per DLL and arch, alternating"
echo "which DLL goes first, $seconds s per measure in each). The rule: the patched DLL (Wine 8.0 with"
echo "\`wine/patches\`) must not make services slower, **patched/pristine >= 0.95** for every measure"
echo "the pristine DLL runs at all. It is reported here, not asserted by any test."
echo
echo "\`bench_services.exe\` (bench/services.c) runs a net.tcp service and its clients in one process on"
echo "the loopback, with synchronous WWSAPI calls only, against the \`webservices.dll\` beside it:"
echo
echo "- **rr_1**, **rr_8**: \`WsRequestReply\` round trips per second with 1 and 8 clients, against a"
echo "  service that receives with \`WsReceiveMessage\` and answers with \`WsSendReplyMessage\`; each"
echo "  client has a channel, a listener and a service thread of its own."
echo "- **rr_8_shared**: the same 8 clients on one listener, whose 8 service threads each accept their"
echo "  channel on it (8 \`WsAcceptChannel\` calls pending at once), as one service serves many clients."
echo "- **stream**: records per second in messages of 200 records, written with \`WsWriteMessageStart\`,"
echo "  \`WsWriteBody\` per record and \`WsWriteMessageEnd\`, read with \`WsReadMessageStart\`, \`WsReadBody\`"
echo "  per record (the service knows their number) and \`WsReadMessageEnd\`."
echo "- **stream_full**: the same stream in the shape of \`tests/wine/streaming.c\`: the action set with"
echo "  \`WsSetHeader\`, \`WsFlushBody\` every 25 records, \`WsFillBody\`, \`WsReadBody\` with"
echo "  \`WS_READ_OPTIONAL_POINTER\` until it gives NULL."
echo
echo "The other shapes avoid what Wine 8.0's pristine DLL cannot do (docs/WINE.md, rows 2 to 10): a"
echo "header set with \`WsSetHeader\` on a binary channel, \`WsFlushBody\`, \`WsFillBody\`, reading until"
echo "\`WS_READ_OPTIONAL_POINTER\` gives NULL, a second channel accepted on one listener, and \`WS_S_END\`"
echo "when the peer closes. Each process runs in a private network namespace with a wineserver of its own."
echo
echo "Each measure runs untimed until its clients are connected and warm, then for $seconds s read in ten"
echo "slices; a process's figure is its best slice (other load on the machine only ever slows a slice"
echo "down), and the table gives the median of the processes' figures. The machine is shared: how far"
echo "single processes of one DLL still differ is in the spread column and in the figures of every"
echo "process below."
echo
echo "Each measure has a second row, **NAME_cpu**: the operations per second of the process's own CPU"
echo "time (all its threads, user and kernel, over the whole window; the wineserver's time is not in"
echo "it). Time spent waiting for a CPU does not count there, which the elapsed-time rows cannot leave"
echo "out; the rule is applied to both."
echo
echo "| measure | arch | patched (median) | pristine (median) | unit | patched / pristine | pairs | spread patched, pristine | rule |"
echo "|---|---|---:|---:|---|---:|---:|---|---|"
printf '%s\n' "$summary" | while IFS=$'\t' read -r name arch pat pri unit ratio verdict okp okq whyp whyq spp spq paired; do
    [ -n "$name" ] || continue
    case $verdict in met) shown=met ;; missed*) shown="**$verdict**" ;; *) shown="($verdict)" ;; esac
    printf '| %s | %s | %s | %s | %s | %s | %s | %s, %s | %s |\n' "$name" "$arch" "$pat" "$pri" "$unit" "$ratio" "$paired" "$spp" "$spq" "$shown"
done
echo
echo "Rule met for $met of the $judged measures the pristine DLL runs; it applies to the ratio of the"
echo "medians. **pairs** is the median of each round's own ratio (its two processes ran back to back, so"
echo "a slow drift of the load cancels there). The spread is the interquartile range of the processes'"
echo "figures over their median."
[ -n "$noisy" ] && { echo; echo "$noisy"; }
fails=$(printf '%s\n' "$summary" | awk -F'\t' '$1 !~ /_cpu$/ && ($11 != "-" || $10 != "-")')
if [ -n "$fails" ]; then
    echo
    echo "Where a DLL could not run a measure, the first call that failed (side:call HRESULT) and in how many"
    echo "of its processes:"
    echo
    printf '%s\n' "$fails" | while IFS=$'\t' read -r name arch pat pri unit ratio verdict okp okq whyp whyq spp spq paired; do
        [ "$whyq" != - ] && echo "- $name, $arch, pristine: \`$whyq\` in $((rounds - ${okq%/*})) of $rounds"
        [ "$whyp" != - ] && echo "- $name, $arch, patched: \`$whyp\` in $((rounds - ${okp%/*})) of $rounds"
    done
fi
notrun=$(grep -h '^NOTRUN' $logs 2>/dev/null)
if [ -n "$notrun" ]; then
    echo
    printf '%s\n' "$notrun" | awk '{ arch = $2; $1 = $2 = ""; sub(/^ +/, ""); printf "- %s not run: %s\n", arch, $0 }'
fi
echo
echo "| | |"
echo "|---|---|"
echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores seen) |"
echo "| system | $(uname -sr), $( . /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}") |"
echo "| load average (1, 5, 15 min) | before: $load_before; after: $load_after |"
echo "| Wine | $(awk '$1 == "VERSION" { arch = $2; $1 = $2 = ""; sub(/^ +/, ""); printf "%s%s: %s", sep, arch, $0; sep = "; " }' $logs) |"
echo "| DLLs | $(awk '$1 == "DLL" { printf "%s%s %s: %s (sha256 %s...)", sep, $2, $3, $4, $6; sep = "; " }' $logs) |"
echo
echo "To reproduce: \`bash wine/build.sh\` (builds both DLLs into build/wine), then"
echo "\`bash bench/services.sh\` (about 2 minutes per arch; \`--rounds N\`, \`--seconds S\`, or other DLLs"
echo "with \`--pristine-x64 DLL --patched-x64 DLL\` and the same for x86)."
echo
echo "Every process's figures, in the order they ran (round: pristine, patched):"
echo
echo '```'
awk '$1 == "RATE" && $6 != "-" { v[$5 " " $4, $3, $2] = $6; k[$5 " " $4] = 1; if ($3 > n) n = $3 }
     $1 == "RATE" && $6 == "-" { v[$5 " " $4, $3, $2] = "n/a"; k[$5 " " $4] = 1; if ($3 > n) n = $3 }
     END {
         for (key in k) {
             line = key ":"
             for (r = 1; r <= n; r++) line = line " " (((key, r, "pristine") in v) ? v[key, r, "pristine"] : "?") "/" (((key, r, "patched") in v) ? v[key, r, "patched"] : "?")
             print line
         }
     }' $logs | sort
echo '```'
echo "<!-- end services -->"
} >"$section"

# Into the document: in place of the section between the markers, else before "## Plots".
[ "$doc" = 1 ] || exit 0
doc_file=$root/docs/BENCHMARKS.md
if grep -q '^<!-- services: ' "$doc_file"; then
    awk -v section="$section" '
        /^<!-- services: / { while ((getline line < section) > 0) print line; skip = 1; next }
        skip && /^<!-- end services -->/ { skip = 0; next }
        !skip { print }' "$doc_file" >"$doc_file.new"
else
    awk -v section="$section" '
        /^## Plots/ && !done { while ((getline line < section) > 0) print line; print ""; done = 1 }
        { print }' "$doc_file" >"$doc_file.new"
fi
mv "$doc_file.new" "$doc_file"
echo "wrote the services section of $doc_file"
