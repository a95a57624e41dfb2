#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds Wine's webservices.dll from Debian's Wine source, pristine and with the series in
# wine/patches applied, for x64 and x86, and tests it with Wine's own webservices tests and with
# this project's conformance suite (docs/WINE.md).
#
# Usage: wine/build.sh [--ci] [--install PREFIX] [BUILD_DIR]
#   BUILD_DIR   the project's x64 build (cmake --preset x64: build/x64); when given, its
#               conformance.exe spec_* tests and stress.exe differential_random run against the
#               patched DLL. An x86 build beside it (build/x86) is used the same way where 32-bit
#               programs run.
#   --ci        the mode of ci/test.sh: a step that cannot run is a failure.
#   --install P after a run with no failure, puts P/wine/<arch>/webservices.dll.
# Environment: WSASYNC_WINE_CACHE (default ~/.cache/wsasync-wine) keeps the downloaded source
# and packages; WSASYNC_WINE_OUT (default build/wine) is the work tree.
#
# Checks, each a row of the summary: the series applies with no fuzz; async.c carries
# src/engine.c unchanged; both trees build for both arches; Wine's tests of the pristine tree
# give the same counts against the patched DLL as against the pristine one, with 0 failures;
# the patched tree's tests pass against the patched DLL; run against the pristine DLL they fail
# exactly where wine/pristine-failures.txt says; the end-to-end programs of tests/wine/ pass; the conformance
# suite passes against the patched DLL. Exits non-zero if any check failed or could not run.
set -u
origin=$PWD
cd "$(dirname "$0")/.."
root=$PWD

ci=0
install_prefix=
build_dir=
while [ $# -gt 0 ]; do
    case $1 in
    --ci) ci=1 ;;
    --install) install_prefix=$2; shift ;;
    --run-tests) shift; run_phase=1; break ;;
    -*) echo "usage: $0 [--ci] [--install PREFIX] [BUILD_DIR]" >&2; exit 2 ;;
    *) build_dir=$1 ;;
    esac
    shift
done

# Paths given relative to where the script was started from.
case $build_dir in ""|/*) ;; *) build_dir=$origin/$build_dir ;; esac
case $install_prefix in ""|/*) ;; *) install_prefix=$origin/$install_prefix ;; esac

cache=${WSASYNC_WINE_CACHE:-${HOME:-/root}/.cache/wsasync-wine}
out=${WSASYNC_WINE_OUT:-$root/build/wine}
results=$out/results
# The project's one way to run Wine (ci/wine.sh): the loader of each arch, the server, and the
# rule that decides whether 32-bit programs can run here.
. cmake/wine.sh
wine64=$(wine_loader x64 2>/dev/null || echo wine64)
wine32=$(wine_loader x86 2>/dev/null || echo wine)
test_timeout=${WSASYNC_WINE_TIMEOUT:-300}

# The six test files Wine 8.0 has; their counts must not change under the patched DLL.
wine_tests="url reader writer msg proxy channel"

# ---------------------------------------------------------------------------------------------
# Results: one line per check in $results: "STATUS<TAB>CHECK<TAB>DETAIL", STATUS one of
# pass, FAIL, NOT-RUN.
record() {
    printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"
    [ "$1" = pass ] || echo "wine/build.sh: $1: $2: $3" >&2
}

# Parses a Wine test program's output: prints "TESTS TODO FAILURES SKIPPED" from its summary
# line, or nothing if it has none (the program crashed or aborted).
summary_counts() {
    sed -n 's/.*: \([0-9]*\) tests executed (\([0-9]*\) marked as todo, [0-9]* as flaky, \([0-9]*\) failures\{0,1\}), \([0-9]*\) skipped\..*/\1 \2 \3 \4/p' "$1" | tail -1
}

# Prints "function" for every failure line of a test log, mapping "file.c:LINE: Test failed"
# (and "Test succeeded inside todo block") to the function of source that encloses LINE.
failed_functions() {
    local log=$1 source=$2 file
    file=$(basename "$source")
    grep -aoE "^${file//./\\.}:[0-9]+(:[0-9.]+)?:? (Test failed|Test succeeded inside todo block)" "$log" |
        cut -d: -f2 | sort -un |
        while read -r line; do
            awk -v target="$line" '
                NR > target { exit }
                /^[A-Za-z_][A-Za-z0-9_ \t\*]*\(/ && !/;[ \t]*$/ {
                    name = $0; sub(/[ \t]*\(.*/, "", name); sub(/.*[ \t\*]/, "", name)
                }
                /^START_TEST\(/ { name = $0; sub(/^START_TEST\(/, "", name); sub(/\).*/, "", name); name = "START_TEST(" name ")" }
                END { print (name == "" ? "(outside-any-function)" : name) }' "$source"
        done | sort -u
}

# The words given, one a line, sorted, without empty lines.
lines() {
    printf '%s\n' "$@" | grep -v '^$' | sort -u
}

# run_wine ARCH DIR LOG PROGRAM ARGS...: runs a program in DIR under Wine, with the
# webservices.dll in DIR; status 124 means it hung and was killed.
run_wine() {
    local arch=$1 dir=$2 log=$3
    shift 3
    local loader=$wine64
    [ "$arch" = x86 ] && loader=$wine32
    (cd "$dir" && WINEPREFIX=$out/prefix WINEDEBUG=-all WINEDLLOVERRIDES="webservices=n;winedbg.exe=d" \
        timeout -k 10 "$test_timeout" "$loader" "$@") >"$log" 2>&1
}

# ---------------------------------------------------------------------------------------------
# The test phase, run inside a private network namespace where one can be made (Wine's channel
# tests and ours listen on fixed loopback ports; a namespace keeps parallel runs apart).
if [ "${run_phase:-0}" = 1 ]; then
    arch=$1 build_dir=${2:-}
    b=$out/$arch
    wineserver=$(wine_server)
    # The prefix's wineserver must start inside this namespace: it makes the sockets.
    WINEPREFIX=$out/prefix "$wineserver" -k >/dev/null 2>&1
    WINEPREFIX=$out/prefix "$wineserver" -w >/dev/null 2>&1
    mkdir -p "$out/prefix"
    WINEPREFIX=$out/prefix WINEDEBUG=-all timeout 120 "$wine64" wineboot -i >/dev/null 2>&1 ||
        { record FAIL "$arch: wine prefix" "wineboot failed"; exit 0; }

    # 1. Wine's pristine tests against the pristine DLL (the baseline) and the patched DLL.
    for t in $wine_tests; do
        run_wine "$arch" "$b/run-pristine" "$b/logs/pristine-$t.log" webservices_test.exe "$t"
        rc_p=$?
        run_wine "$arch" "$b/run-patched-dll" "$b/logs/pristine-tests-patched-dll-$t.log" webservices_test.exe "$t"
        rc_q=$?
        base=$(summary_counts "$b/logs/pristine-$t.log")
        seen=$(summary_counts "$b/logs/pristine-tests-patched-dll-$t.log")
        set -- $base; base_tests=${1:-?} base_todo=${2:-?} base_fail=${3:-?}
        set -- $seen; tests=${1:-?} todo=${2:-?} fail=${3:-?}
        detail="pristine DLL $base_tests tests ($base_todo todo, $base_fail failed), patched DLL $tests tests ($todo todo, $fail failed)"
        todo_fixed=$(awk -v f="$t.c" '$1 !~ /^#/ && $2 == f && $3 == "todo-fixed" { print $1 }' "$root/wine/pristine-failures.txt")
        if [ -n "$todo_fixed" ] && [ "$rc_q" != 124 ] && [ -n "$seen" ] && [ "$tests" = "$base_tests" ] &&
           [ "$(grep -ac ': Test failed' "$b/logs/pristine-tests-patched-dll-$t.log")" = 0 ]; then
            record pass "$arch: Wine's $t tests, pristine vs patched DLL" "$detail; todos fixed by $todo_fixed"
        elif [ "$rc_p" = 0 ] && [ "$rc_q" = 0 ] && [ -n "$base" ] && [ "$base" = "$seen" ] && [ "$fail" = 0 ]; then
            record pass "$arch: Wine's $t tests, pristine vs patched DLL" "$detail"
        else
            record FAIL "$arch: Wine's $t tests, pristine vs patched DLL" "$detail (exit $rc_p/$rc_q; logs in $b/logs)"
        fi
    done

    # 2. The patched tree's tests against the patched DLL: every file, new ones included.
    for src in "$out/src/patched/dlls/webservices/tests/"*.c; do
        t=$(basename "$src" .c)
        [ "$t" = testlist ] && continue
        run_wine "$arch" "$b/run-patched" "$b/logs/patched-$t.log" webservices_test.exe "$t"
        rc=$?
        seen=$(summary_counts "$b/logs/patched-$t.log")
        set -- $seen; tests=${1:-?} todo=${2:-?} fail=${3:-?} skipped=${4:-?}
        if [ "$rc" = 0 ] && [ -n "$seen" ] && [ "$fail" = 0 ]; then
            record pass "$arch: patched $t tests, patched DLL" "$tests tests ($todo todo, $skipped skipped), 0 failed"
        else
            record FAIL "$arch: patched $t tests, patched DLL" "exit $rc, $tests tests, $fail failed (log $b/logs/patched-$t.log)"
        fi
    done

    # 3. The patched tree's tests against the pristine DLL: they must fail exactly where the
    #    manifest says, so that each patch's tests are known to test what it changes.
    for src in "$out/src/patched/dlls/webservices/tests/"*.c; do
        t=$(basename "$src" .c)
        [ "$t" = testlist ] && continue
        log=$b/logs/patched-tests-pristine-dll-$t.log
        run_wine "$arch" "$b/run-pristine-dll" "$log" webservices_test.exe "$t"
        rc=$?
        expected=$(awk -v f="$t.c" '$1 !~ /^#/ && $2 == f && $3 != "todo-fixed" { print $3 }' "$root/wine/pristine-failures.txt" | sort -u)
        if [ "$rc" = 124 ]; then
            record FAIL "$arch: patched $t tests, pristine DLL" "hung: killed after ${test_timeout}s (log $log)"
            continue
        fi
        seen=$(failed_functions "$log" "$src")
        missing=$(comm -23 <(lines "$expected" | grep -vx '\*') <(lines "$seen") | tr '\n' ' ')
        extra=$(comm -13 <(lines "$expected") <(lines "$seen") | tr '\n' ' ')
        in_list=$(printf '%s\n' "$seen" | paste -sd' ')
        if [ -z "$(summary_counts "$log")" ] || grep -aq 'unimplemented function' "$log"; then
            # The program did not finish: it aborted (an unimplemented stub) or crashed. What
            # failed before that must still be what the manifest lists.
            if ! printf '%s\n' "$expected" | grep -qx '\*'; then
                record FAIL "$arch: patched $t tests, pristine DLL" "did not finish (exit $rc) but the manifest does not list $t.c * (log $log)"
            elif [ -n "$missing" ] || [ -n "$extra" ]; then
                record FAIL "$arch: patched $t tests, pristine DLL" "aborted as listed, but listed and passed: ${missing:-none}; failed unlisted: ${extra:-none} (log $log)"
            else
                record pass "$arch: patched $t tests, pristine DLL" "fails as listed${in_list:+ in: $in_list}, then $(grep -aom1 'unimplemented function [A-Za-z0-9_.]*' "$log" || echo "exit $rc, no summary")"
            fi
            continue
        fi
        if printf '%s\n' "$expected" | grep -qx '\*'; then
            if [ "$rc" != 0 ]; then
                record pass "$arch: patched $t tests, pristine DLL" "fails as listed (exit $rc; in: $in_list)"
            else
                record FAIL "$arch: patched $t tests, pristine DLL" "expected the program to fail, it passed (log $log)"
            fi
        elif [ -z "$missing" ] && [ -z "$extra" ]; then
            record pass "$arch: patched $t tests, pristine DLL" "$( [ -n "$in_list" ] && echo "fails as listed in: $in_list" || echo "passes, none listed")"
        else
            record FAIL "$arch: patched $t tests, pristine DLL" "listed but passed: ${missing:-none}; failed unlisted: ${extra:-none} (log $log)"
        fi
    done

    # 4. The end-to-end programs of tests/wine/ (built with the project) against the patched DLL.
    if [ -n "$build_dir" ]; then
        log=$b/logs/e2e.log
        WINEPREFIX=$out/prefix bash "$root/tests/wine/run.sh" "$build_dir/bin" "$b/patched" patched >"$log" 2>&1
        rc=$?
        summary=$(grep -aE '^(streaming|fileservice) \(patched\)' "$log" | tr '\n' ' ')
        case $rc in
        0) record pass "$arch: tests/wine end-to-end programs, patched DLL" "$summary" ;;
        77) record NOT-RUN "$arch: tests/wine end-to-end programs" "$(grep -am1 skipped "$log")" ;;
        *) record FAIL "$arch: tests/wine end-to-end programs, patched DLL" "exit $rc: $summary(log $log)" ;;
        esac
    fi

    # 5. This project's conformance suite against the patched DLL, loaded as webservices.dll.
    if [ -n "$build_dir" ] && [ -d "$b/run-conformance" ]; then
        names=$(sed -n 's/^TEST(\(spec_[A-Za-z0-9_]*\)).*/\1/p' "$root"/tests/spec_*.c | tr '\n' ' ')
        for prog in "conformance.exe $names" "stress.exe differential_random"; do
            set -- $prog
            log=$b/logs/${1%.exe}.log
            WSASYNC_TEST_DLL=webservices.dll run_wine "$arch" "$b/run-conformance" "$log" "$@"
            rc=$?
            target=$(sed -n 's/^WsAsyncExecute under test: //p' "$log" | tr -d '\r')
            counts=$(grep -a 'passed, .* failed' "$log" | tail -1 | tr -d '\r')
            case $target in
            *[/\\]run-conformance[/\\]webservices.dll) ok_target=1 ;;
            *) ok_target=0 ;;
            esac
            if [ "$rc" = 0 ] && [ "$ok_target" = 1 ]; then
                record pass "$arch: project $1 $( [ "$1" = stress.exe ] && echo differential_random || echo 'spec_*'), patched DLL" "$counts"
            else
                record FAIL "$arch: project $1, patched DLL" "exit $rc, target '${target:-none}', $counts (log $log)"
            fi
        done
    fi
    WINEPREFIX=$out/prefix "$wineserver" -k >/dev/null 2>&1
    exit 0
fi

# ---------------------------------------------------------------------------------------------
# Build phase.
mkdir -p "$out" "$cache"
rm -f "$results"
: >"$results"

print_summary() {
    echo
    echo "=== wine/build.sh summary"
    awk -F'\t' '{ printf "%-8s %-58s %s\n", $1, $2, $3 }' "$results"
}

finish() {
    print_summary
    if grep -q '^FAIL' "$results"; then exit 1; fi
    # Nothing was built or tested: never a pass.
    if grep -Eq $'^NOT-RUN\t(tools|Wine source)\t' "$results"; then echo "NOT RUN"; exit 1; fi
    # In CI every step must run, except x86 where the kernel refuses 32-bit programs.
    if [ "$ci" = 1 ] && grep '^NOT-RUN' "$results" | grep -vq $'\tx86: '; then exit 1; fi
    exit 0
}

# Tools: winegcc and winebuild (wine64-tools), Wine's headers and import libraries (libwine-dev).
if ! command -v winegcc >/dev/null || ! command -v winebuild >/dev/null || ! dpkg -s libwine-dev >/dev/null 2>&1; then
    bash ci/install-deps.sh wine64-tools libwine-dev ||
        { record NOT-RUN "tools" "wine64-tools/libwine-dev missing and could not be installed"; finish; }
fi

# A private apt configuration: Debian's mirror and first suite as the machine's deb822 sources
# name them, with deb-src, and i386 for the x86 import libraries. The system's lists stay as
# they are.
apt_private() {
    apt-get -q -o Dir::Etc::sourcelist="$cache/apt/sources.list" -o Dir::Etc::sourceparts=- \
        -o Dir::State::Lists="$cache/apt/lists" -o Dir::Cache::archives="$cache/apt/archives" \
        -o APT::Architectures::=i386 "$@"
}

apt_ready=0
apt_setup() {
    [ "$apt_ready" = 1 ] && return 0
    local uri suite
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
    suite=$(awk '/^Suites:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        set -- $(awk '$1 == "deb" && $2 !~ /^\[/ { print $2, $3; exit }' /etc/apt/sources.list)
        uri=${1:-} suite=${2:-}
    fi
    [ -n "$uri" ] && [ -n "$suite" ] || { echo "no Debian mirror found in /etc/apt" >&2; return 1; }
    mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial"
    # Only what is fetched: the source index, and the i386 one (not amd64's) for libwine-dev:i386.
    printf 'deb [arch=i386] %s %s main\ndeb-src %s %s main\n' "$uri" "$suite" "$uri" "$suite" >"$cache/apt/sources.list"
    apt_private update >"$cache/apt/update.log" 2>&1 || { cat "$cache/apt/update.log" >&2; return 1; }
    apt_ready=1
}

# Wine's source: Debian's orig tarball of the installed Wine's source package.
tarball=$(ls "$cache"/src/wine_*.orig.tar.xz 2>/dev/null | tail -1)
if [ -z "$tarball" ]; then
    echo "=== fetching Wine's source from Debian"
    mkdir -p "$cache/src"
    if apt_setup && (cd "$cache/src" && apt_private source --download-only wine >"$cache/src/fetch.log" 2>&1); then
        tarball=$(ls "$cache"/src/wine_*.orig.tar.xz 2>/dev/null | tail -1)
    else
        cat "$cache/src/fetch.log" >&2 2>/dev/null
    fi
fi
if [ -z "$tarball" ]; then
    record NOT-RUN "Wine source" "cannot fetch Wine's source package from Debian's registry: nothing built or tested"
    finish
fi

# x86 import libraries and libwinecrt0.a: libwine-dev:i386 cannot be installed beside the amd64
# package, so its .deb is unpacked where the x86 build can find it.
x86lib=$cache/x86lib/usr/lib/i386-linux-gnu/wine/i386-windows
if [ ! -f "$x86lib/libwinecrt0.a" ]; then
    echo "=== fetching libwine-dev:i386"
    version=$(dpkg-query -W -f='${Version}' libwine-dev 2>/dev/null)
    rm -rf "$cache/x86deb" && mkdir -p "$cache/x86deb"
    if apt_setup && (cd "$cache/x86deb" && apt_private download "libwine-dev:i386${version:+=$version}" >download.log 2>&1); then
        dpkg-deb -x "$cache"/x86deb/libwine-dev_*_i386.deb "$cache/x86lib"
    else
        cat "$cache/x86deb/download.log" >&2 2>/dev/null
    fi
fi

# The two trees: only include/ and dlls/webservices/ are needed.
echo "=== unpacking $(basename "$tarball") and applying wine/patches"
rm -rf "$out/src" && mkdir -p "$out/src/pristine"
tar -xJf "$tarball" -C "$out/src/pristine" --strip-components=1 --wildcards '*/include/*' '*/dlls/webservices/*' ||
    { record FAIL "Wine source" "cannot unpack $tarball"; finish; }
cp -a "$out/src/pristine" "$out/src/patched"
patches=$(ls "$root"/wine/patches/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null)
applied=0
for p in $patches; do
    # git apply takes no fuzz: every context line must match exactly.
    # (GIT_CEILING_DIRECTORIES: the tree is not part of the git repository it may sit in.)
    if (cd "$out/src/patched" && GIT_CEILING_DIRECTORIES=$out/src git apply --whitespace=error-all "$p") 2>"$out/apply.log"; then
        applied=$((applied + 1))
    else
        record FAIL "series applies" "$(basename "$p") does not apply: $(head -3 "$out/apply.log" | tr '\n' ' ')"
        finish
    fi
done
record pass "series applies" "$applied patches, no fuzz, to $(basename "$tarball")"

# One source of truth: async.c ends with src/engine.c's body, byte for byte.
sed '1,/^#include "engine.h"$/d' src/engine.c >"$out/engine-body.c"
if tail -c "$(wc -c <"$out/engine-body.c")" "$out/src/patched/dlls/webservices/async.c" | cmp -s - "$out/engine-body.c"; then
    record pass "async.c carries src/engine.c" "$(wc -l <"$out/engine-body.c") lines identical"
else
    record FAIL "async.c carries src/engine.c" "the patch's copy differs: run wine/make-patch.sh"
fi

# build_tree ARCH TREE: webservices.dll, its import library and webservices_test.exe of one tree.
# A tree whose files, and this script, are the same as at its last build is not built again.
build_tree() {
    local arch=$1 tree=$2 triple=x86_64-w64-mingw32 libs=
    local src=$out/src/$tree obj=$out/$arch/$tree stamp
    [ "$arch" = x86 ] && { triple=i686-w64-mingw32; libs="-L$x86lib"; }
    stamp=$( (cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum "$root/wine/build.sh") | sha256sum)
    if [ -f "$obj/webservices_test.exe" ] && [ "$(cat "$obj/stamp" 2>/dev/null)" = "$stamp" ]; then
        echo "$arch $tree: unchanged since its last build"
        return 0
    fi
    rm -rf "$obj" && mkdir -p "$obj/dll" "$obj/tests"
    local f pids=
    for f in "$src"/dlls/webservices/*.c; do
        winegcc -b $triple -c -O2 -D__WINESRC__ -I"$src/dlls/webservices" -I"$src/include" \
            "$f" -o "$obj/dll/$(basename "$f" .c).o" &
        pids="$pids $!"
        [ "$(jobs -r | wc -l)" -ge 2 ] && wait -n
    done
    for pid in $pids; do wait "$pid" || return 1; done
    winegcc -b $triple -shared "$src/dlls/webservices/webservices.spec" $libs "$obj"/dll/*.o \
        -o "$obj/webservices.dll" -lwinhttp -lrpcrt4 -luser32 -lws2_32 || return 1
    winebuild -b $triple --implib -E "$src/dlls/webservices/webservices.spec" -o "$obj/libwebservices.a" || return 1
    # The test list of Wine's test programs, for every tests/*.c of the tree.
    {
        printf '#include <windows.h>\n#define STANDALONE\n#include "wine/test.h"\n\n'
        for f in "$src"/dlls/webservices/tests/*.c; do
            printf 'extern void func_%s(void);\n' "$(basename "$f" .c)"
        done
        printf '\nconst struct test winetest_testlist[] =\n{\n'
        for f in "$src"/dlls/webservices/tests/*.c; do
            printf '    { "%s", func_%s },\n' "$(basename "$f" .c)" "$(basename "$f" .c)"
        done
        printf '    { 0, 0 }\n};\n'
    } >"$obj/tests/testlist.c"
    # The tests are built without optimisation: it halves the build, and they test the DLL.
    pids=
    for f in "$src"/dlls/webservices/tests/*.c "$obj/tests/testlist.c"; do
        winegcc -b $triple -c -O0 -D__WINESRC__ -I"$src/include" "$f" -o "$obj/tests/$(basename "$f" .c).o" &
        pids="$pids $!"
        [ "$(jobs -r | wc -l)" -ge 2 ] && wait -n
    done
    for pid in $pids; do wait "$pid" || return 1; done
    winegcc -b $triple -mconsole -L"$obj" $libs "$obj"/tests/*.o -o "$obj/webservices_test.exe" \
        -lwebservices -loleaut32 -lole32 -luser32 -lrpcrt4 -lws2_32 -ladvapi32 || return 1
    # winegcc names the program webservices_test.exe.so on some setups.
    [ -f "$obj/webservices_test.exe" ] || mv "$obj/webservices_test.exe.so" "$obj/webservices_test.exe"
    echo "$stamp" >"$obj/stamp"
}

# rundir DIR DLL EXE: a directory with a test program and the webservices.dll it must load.
rundir() {
    rm -rf "$1" && mkdir -p "$1" && cp "$2" "$1/webservices.dll" && cp "$3" "$1/"
}

for arch in x64 x86; do
    b=$out/$arch
    if [ "$arch" = x86 ] && [ ! -f "$x86lib/libwinecrt0.a" ]; then
        record NOT-RUN "x86: build" "libwine-dev:i386 could not be fetched (x86 import libraries)"
        continue
    fi
    runnable=1
    if [ "$arch" = x86 ] && ! reason=$(wine_can_run x86 2>&1); then runnable=0; fi
    echo "=== $arch: building webservices.dll and Wine's tests"
    start=$(date +%s)
    if ! build_tree "$arch" patched >"$out/build-$arch-patched.log" 2>&1; then
        record FAIL "$arch: build patched" "see $out/build-$arch-patched.log"; continue
    fi
    # The pristine tree is only the tests' baseline: not built where they cannot run.
    if [ "$runnable" = 1 ] && ! build_tree "$arch" pristine >"$out/build-$arch-pristine.log" 2>&1; then
        record FAIL "$arch: build pristine" "see $out/build-$arch-pristine.log"; continue
    fi
    # A DLL linked without Wine's CRT start-up code would have no entry point.
    entry=$("$( [ "$arch" = x86 ] && echo i686 || echo x86_64)-w64-mingw32-objdump" -p "$b/patched/webservices.dll" |
            awk '$1 == "AddressOfEntryPoint" { print $2 }')
    if [ -z "$entry" ] || [ "$((16#$entry))" = 0 ]; then
        record FAIL "$arch: build patched" "webservices.dll has no entry point"; continue
    fi
    record pass "$arch: build" "$( [ "$runnable" = 1 ] && echo "pristine and patched" || echo patched) DLL (entry point $entry) and tests in $(( $(date +%s) - start ))s"
    mkdir -p "$b/logs"
    if [ "$runnable" = 0 ]; then
        record NOT-RUN "x86: tests" "built, not run: $reason"
        continue
    fi
    rundir "$b/run-pristine" "$b/pristine/webservices.dll" "$b/pristine/webservices_test.exe"
    rundir "$b/run-patched-dll" "$b/patched/webservices.dll" "$b/pristine/webservices_test.exe"
    rundir "$b/run-patched" "$b/patched/webservices.dll" "$b/patched/webservices_test.exe"
    rundir "$b/run-pristine-dll" "$b/pristine/webservices.dll" "$b/patched/webservices_test.exe"

    # The project's suite, beside the patched DLL.
    pbuild=
    if [ -n "$build_dir" ]; then
        pbuild=$build_dir
        [ "$arch" = x86 ] && pbuild=$(dirname "$build_dir")/x86
        if [ -f "$pbuild/bin/conformance.exe" ] && [ -f "$pbuild/bin/stress.exe" ]; then
            rm -rf "$b/run-conformance" && mkdir -p "$b/run-conformance"
            cp "$pbuild/bin/conformance.exe" "$pbuild/bin/stress.exe" "$pbuild/bin/wsasync.dll" "$b/run-conformance/"
            cp "$b/patched/webservices.dll" "$b/run-conformance/webservices.dll"
        else
            record NOT-RUN "$arch: project conformance, patched DLL" "no conformance.exe/stress.exe in $pbuild/bin"
            pbuild=
        fi
    else
        record NOT-RUN "$arch: project conformance, patched DLL" "no project build dir given (wine/build.sh build/x64)"
    fi

    echo "=== $arch: running the tests"
    start=$(date +%s)
    if unshare -n true 2>/dev/null; then
        unshare -n sh -c 'ip link set lo up && exec "$@"' sh bash "$root/wine/build.sh" --run-tests "$arch" "$pbuild"
    else
        echo "(no private network namespace here: tests use the machine's loopback)"
        bash "$root/wine/build.sh" --run-tests "$arch" "$pbuild"
    fi
    echo "=== $arch: tests ran in $(( $(date +%s) - start ))s"
done

if [ -n "$install_prefix" ]; then
    if grep -q '^FAIL' "$results"; then
        record NOT-RUN "install" "not installed: a check failed"
    else
        for arch in x64 x86; do
            [ -f "$out/$arch/patched/webservices.dll" ] || continue
            mkdir -p "$install_prefix/wine/$arch"
            cp "$out/$arch/patched/webservices.dll" "$install_prefix/wine/$arch/webservices.dll"
            record pass "install" "$install_prefix/wine/$arch/webservices.dll$(grep -q $'^NOT-RUN\t'"$arch: tests" "$results" && echo " (built, not run here)")"
        done
    fi
fi
finish
