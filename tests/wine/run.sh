#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the end-to-end programs of tests/wine/ under Wine against one webservices.dll and checks
# the outcome expected of that DLL.
#
#   run.sh BINDIR DLLDIR MODE
#
# BINDIR holds e2e_streaming.exe, e2e_fileservice.exe, e2e_reqreply.exe, e2e_xml.exe, e2e_udp.exe,
# e2e_fuzz.exe and e2e_calculator.exe (one arch); DLLDIR holds the webservices.dll to run them with;
# MODE says what that DLL is:
#   patched  Wine's webservices.dll built with the wine/ patch series: every program must pass
#            (exit 0 and "<name>: passed"); then the streaming program once more, slowed down:
#            WINEDEBUG=fixme+webservices and a CPU-burning process beside it for its duration
#            (bounded by a timeout, killed after), which must pass too.
#   dropin   the project's forwarding drop-in, over Wine's builtin: every program must fail, and
#            its first failure must be the symptom of the bug given below (by the number of the
#            patch that fixes it, wine/bugs.tsv), the first Wine bug that program runs into.
# Each program runs in a scratch directory of its own beside a copy of the DLL, with
# WINEDLLOVERRIDES=webservices=n (dropin: n,b, so the drop-in reaches Wine's builtin). The
# Wine loader is $WINE if set, else cmake/wine.sh's for the programs' arch; the prefix is $WINEPREFIX
# if set, else one made under the scratch directory. Programs of an arch this machine cannot run
# (cmake/wine.sh's rule) are skipped: exit code 77. Exit code 0 when every program behaved as
# expected, 1 otherwise. Each program has its own watchdog; `timeout` backs it up.
set -u
bindir=${1:?usage: run.sh BINDIR DLLDIR patched|dropin}
dlldir=${2:?usage: run.sh BINDIR DLLDIR patched|dropin}
mode=${3:?usage: run.sh BINDIR DLLDIR patched|dropin}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../cmake/wine.sh"

# The first failure of each program with the drop-in over Wine 8.0's builtin, as the number of the
# patch that fixes it: the bug's line in wine/bugs.tsv (wine/bugs.sh --check checks it has one).
# The calculator needs the service host, which Wine 8.0 has as stubs: its row is that of the first
# patch of the service host.
declare -A dropin_row=([streaming]=0004 [fileservice]=0014 [reqreply]=0033 [xml]=0067 [udp]=0033 [fuzz]=0061 [calculator]=0107 [streaming-http]=0114 [fileservice-http]=0114 [reqreply-http]=0114 [streaming-pipe]=0103 [fileservice-pipe]=0103 [reqreply-pipe]=0103)

case $mode in
    patched) overrides=webservices=n ;;
    dropin) overrides=webservices=n,b ;;
    *) echo "run.sh: unknown mode '$mode' (patched or dropin)" >&2; exit 1 ;;
esac
[ -f "$dlldir/webservices.dll" ] || { echo "run.sh: no webservices.dll in $dlldir" >&2; exit 1; }

# PE32+ (magic 0x20b) is 64-bit, PE32 (0x10b) 32-bit.
pe_magic() {
    local offset
    offset=$(od -An -tu4 -j60 -N4 "$1" | tr -d ' ')
    od -An -tx2 -j$((offset + 24)) -N2 "$1" | tr -d ' '
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/wsasync-e2e.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export WINEPREFIX=${WINEPREFIX:-$scratch/prefix}
export WINEDEBUG=${WINEDEBUG:--all}

status=0
# run_program NAME LABEL [VAR=VALUE...] [-- ARG...]: runs e2e_NAME.exe with the environment and
# the arguments given and checks its outcome for MODE; LABEL names the run in what it prints (and
# its dropin_row, where it has one of its own).
run_program() {
    local name=$1 label=$2 exe arch why wine dir out rc first bug debug expected
    local -a vars=() args=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
    [ $# -gt 0 ] && shift && args=("$@")
    expected=${dropin_row[$label]:-${dropin_row[$name]}}
    exe=$bindir/e2e_$name.exe
    [ -f "$exe" ] || { echo "$label: $exe not found"; status=1; return; }
    arch=x86
    [ "$(pe_magic "$exe")" = 020b ] && arch=x64
    if ! why=$(wine_can_run $arch 2>&1); then
        echo "$label: skipped: $why"
        [ $status = 0 ] && status=77
        return
    fi
    wine=${WINE:-$(wine_loader $arch)}
    dir=$scratch/$label
    mkdir -p "$dir"
    cp "$exe" "$dlldir/webservices.dll" "$dir/"
    out=$(cd "$dir" && env WINEDLLOVERRIDES=$overrides "${vars[@]}" timeout 300 "$wine" "./e2e_$name.exe" "${args[@]}" 2>&1)
    rc=$?
    # Wine's own debug lines (the slowed run's fixme channel) are counted, not shown.
    printf '%s\n' "$out" | grep -v '^[0-9a-f]*:[a-z]*:' | sed "s/^/  $label: /"
    debug=$(printf '%s\n' "$out" | grep -c '^[0-9a-f]*:[a-z]*:')
    [ "$debug" = 0 ] || echo "  $label: ($debug lines of Wine debug output not shown)"
    if [ $mode = patched ]; then
        if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "^$name: passed"; then
            echo "$label ($mode): passed"
        else
            echo "$label ($mode): FAILED, exit code $rc"
            status=1
        fi
    else
        first=$(printf '%s\n' "$out" | grep -m1 '^FAILED')
        bug=$(printf '%s\n' "$first" | sed -n 's/.*: bug \([0-9]\{4\}\) (.*/\1/p')
        if [ $rc != 0 ] && [ "$bug" = "$expected" ]; then
            echo "$label ($mode): failed as expected, at bug $bug: $first"
        else
            echo "$label ($mode): UNEXPECTED, exit code $rc, first failure '${first:-none}' (expected bug $expected)"
            status=1
        fi
    fi
}

for name in streaming fileservice reqreply xml udp fuzz calculator; do
    run_program $name $name
done
# The service programs once more over HTTP (an HTTP listener and reply channels) and over named
# pipes.
for name in streaming fileservice reqreply; do
    run_program $name $name-http -- http
    run_program $name $name-pipe -- pipe
done

# The slowed-down run: Wine's fixme channel of webservices on (every FIXME of the DLL written to
# the terminal) and one core kept busy by a shell loop, so that the program's threads are
# scheduled late and in other orders. The loop is bounded by its own timeout and killed after.
if [ $mode = patched ]; then
    timeout 330 sh -c 'while :; do :; done' &
    burner=$!
    run_program streaming streaming-slowed WINEDEBUG=fixme+webservices
    kill $burner 2>/dev/null
    wait $burner 2>/dev/null
fi
exit $status
