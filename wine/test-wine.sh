#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs Wine's own webservices tests of one arch, built by wine/build-tree.sh, each program with
# the webservices.dll beside it ($WSASYNC_WINE_OUT/ARCH/run-*), and checks:
#   1. Wine's pristine test files give the same counts against the patched DLL as against the
#      pristine one, with 0 failures (or, for a file wine/pristine-failures.txt marks
#      todo-fixed, the same number of tests and no failure);
#   2. every test file of the patched tree passes against the patched DLL;
#   3. run against the pristine DLL, they fail exactly in the functions
#      wine/pristine-failures.txt lists ("*": the program must fail as a whole), so that each
#      patch's tests are known to test what it changes.
# Before them the same three checks for Wine's httpapi tests, where what differs is the http.sys
# driver the prefix runs (Wine's, then the series'; wine/lib.sh: install_http_server).
#
# Usage: wine/test-wine.sh x64|x86   (inside wine/run-tests.sh: the prefix must be ready)
set -u
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
arch=$1
b=$out/$arch
manifest=$root/wine/pristine-failures.txt
mkdir -p "$b/logs"

# rundir DIR DLL EXE: a directory with a test program and the webservices.dll it must load.
rundir() {
    rm -rf "$1" && mkdir -p "$1" && cp "$2" "$1/webservices.dll" && cp "$3" "$1/"
}
rundir "$b/run-pristine" "$b/pristine/webservices.dll" "$b/pristine/webservices_test.exe"
rundir "$b/run-patched-dll" "$b/patched/webservices.dll" "$b/pristine/webservices_test.exe"
rundir "$b/run-patched" "$b/patched/webservices.dll" "$b/patched/webservices_test.exe"
rundir "$b/run-pristine-dll" "$b/pristine/webservices.dll" "$b/patched/webservices_test.exe"

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

# manifest FILE: the third column of wine/pristine-failures.txt's rows for test file FILE.
manifest() {
    awk -v f="$1" '$1 !~ /^#/ && $2 == f { print $3 }' "$manifest" | sort -u
}

# same_counts CHECK FILE LOG_BASE RC_BASE LOG RC [varies]: the row CHECK for Wine's pristine
# tests of FILE run twice, the baseline (LOG_BASE) and with the series (LOG): the same counts and
# no failure (or, for a file the manifest marks todo-fixed, the same number of tests and no
# failure). "varies": the number of tests may differ (a test whose loop runs as often as the
# timing makes it), the todos and failures not.
same_counts() {
    local check=$1 t=$2 log_p=$3 rc_p=$4 log_q=$5 rc_q=$6 varies=${7:-} base seen detail todo_fixed
    local base_tests base_todo base_fail tests todo fail
    base=$(summary_counts "$log_p")
    seen=$(summary_counts "$log_q")
    set -- $base; base_tests=${1:-?} base_todo=${2:-?} base_fail=${3:-?}
    set -- $seen; tests=${1:-?} todo=${2:-?} fail=${3:-?}
    detail="pristine $base_tests tests ($base_todo todo, $base_fail failed), patched $tests tests ($todo todo, $fail failed)"
    todo_fixed=$(awk -v f="$t.c" '$1 !~ /^#/ && $2 == f && $3 == "todo-fixed" { print $1 }' "$manifest")
    if [ -n "$todo_fixed" ] && [ "$rc_q" != 124 ] && [ -n "$seen" ] && [ "$tests" = "$base_tests" ] &&
       [ "$(grep -ac ': Test failed' "$log_q")" = 0 ]; then
        result pass "$check" "$detail; todos fixed by $todo_fixed"
    elif [ "$rc_p" = 0 ] && [ "$rc_q" = 0 ] && [ -n "$base" ] && [ "$fail" = 0 ] &&
         { [ "$base" = "$seen" ] || { [ -n "$varies" ] && [ "$base_todo $base_fail" = "$todo $fail" ]; }; }; then
        result pass "$check" "$detail"
    else
        result FAIL "$check" "$detail (exit $rc_p/$rc_q; logs in $b/logs)"
    fi
}

# passes CHECK LOG RC: the row CHECK for the patched tree's tests of a file with the series.
passes() {
    local check=$1 log=$2 rc=$3 seen tests todo fail skipped
    seen=$(summary_counts "$log")
    set -- $seen; tests=${1:-?} todo=${2:-?} fail=${3:-?} skipped=${4:-?}
    if [ "$rc" = 0 ] && [ -n "$seen" ] && [ "$fail" = 0 ]; then
        result pass "$check" "$tests tests ($todo todo, $skipped skipped), 0 failed"
    else
        result FAIL "$check" "exit $rc, $tests tests, $fail failed (log $log)"
    fi
}

# fails_as_listed CHECK SOURCE LOG RC: the row CHECK for the patched tree's tests of SOURCE
# without the series: they must fail exactly where the manifest says.
fails_as_listed() {
    local check=$1 src=$2 log=$3 rc=$4 t expected seen missing extra in_list whole=0
    t=$(basename "$src" .c)
    expected=$(manifest "$t.c" | grep -vx todo-fixed)
    if [ "$rc" = 124 ]; then
        result FAIL "$check" "hung: killed after ${test_timeout}s (log $log)"
        return
    fi
    seen=$(failed_functions "$log" "$src")
    missing=$(comm -23 <(lines "$expected" | grep -vx '\*') <(lines "$seen") | tr '\n' ' ')
    extra=$(comm -13 <(lines "$expected") <(lines "$seen") | tr '\n' ' ')
    in_list=$(printf '%s\n' "$seen" | paste -sd' ')
    printf '%s\n' "$expected" | grep -qx '\*' && whole=1
    if [ -z "$(summary_counts "$log")" ] || grep -aq 'unimplemented function' "$log"; then
        # The program did not finish: it aborted (an unimplemented stub) or crashed. What
        # failed before that must still be what the manifest lists.
        if [ "$whole" = 0 ]; then
            result FAIL "$check" "did not finish (exit $rc) but the manifest does not list $t.c * (log $log)"
        elif [ -n "$missing" ] || [ -n "$extra" ]; then
            result FAIL "$check" "aborted as listed, but listed and passed: ${missing:-none}; failed unlisted: ${extra:-none} (log $log)"
        else
            result pass "$check" "fails as listed${in_list:+ in: $in_list}, then $(grep -aom1 'unimplemented function [A-Za-z0-9_.]*' "$log" || echo "exit $rc, no summary")"
        fi
    elif [ "$whole" = 1 ]; then
        if [ "$rc" != 0 ]; then
            result pass "$check" "fails as listed (exit $rc; in: $in_list)"
        else
            result FAIL "$check" "expected the program to fail, it passed (log $log)"
        fi
    elif [ -z "$missing" ] && [ -z "$extra" ]; then
        result pass "$check" "$( [ -n "$in_list" ] && echo "fails as listed in: $in_list" || echo "passes, none listed")"
    else
        result FAIL "$check" "listed but passed: ${missing:-none}; failed unlisted: ${extra:-none} (log $log)"
    fi
}

# The HTTP server API first: its tests with Wine's http.sys, then with the series' (wine/lib.sh:
# install_http_server, anew for each program), which stays installed for the rest (the series'
# HTTP listener runs on it). Wine's test_v1_entity_body makes as many checks as its reads take.
l=$b/logs/httpapi
rm -f "$l"-*
for sys in pristine patched; do
    for tree in pristine patched; do
        if ! install_http_server "$sys"; then
            result FAIL "$wine_version $arch: HTTP server API" "cannot install the $sys http.sys of $out/x64"
            break 2
        fi
        run_wine "$arch" "$b/$tree" "$l-$tree-tests-$sys-sys.log" httpapi_test.exe httpapi
        echo $? >"$l-$tree-tests-$sys-sys.rc"
    done
done
same_counts "$wine_version $arch: Wine's httpapi tests, pristine vs patched http.sys" httpapi \
    "$l-pristine-tests-pristine-sys.log" "$(cat "$l-pristine-tests-pristine-sys.rc" 2>/dev/null)" \
    "$l-pristine-tests-patched-sys.log" "$(cat "$l-pristine-tests-patched-sys.rc" 2>/dev/null)" varies
passes "$wine_version $arch: patched httpapi tests, patched http.sys" \
    "$l-patched-tests-patched-sys.log" "$(cat "$l-patched-tests-patched-sys.rc" 2>/dev/null)"
fails_as_listed "$wine_version $arch: patched httpapi tests, pristine http.sys" \
    "$out/src/patched/dlls/httpapi/tests/httpapi.c" \
    "$l-patched-tests-pristine-sys.log" "$(cat "$l-patched-tests-pristine-sys.rc" 2>/dev/null)"

# 1. Wine's pristine tests against the pristine DLL (the baseline) and the patched DLL.
for src in "$out/src/pristine/dlls/webservices/tests/"*.c; do
    t=$(basename "$src" .c)
    run_wine "$arch" "$b/run-pristine" "$b/logs/pristine-$t.log" webservices_test.exe "$t"
    rc_p=$?
    run_wine "$arch" "$b/run-patched-dll" "$b/logs/pristine-tests-patched-dll-$t.log" webservices_test.exe "$t"
    same_counts "$wine_version $arch: Wine's $t tests, pristine vs patched DLL" "$t" \
        "$b/logs/pristine-$t.log" "$rc_p" "$b/logs/pristine-tests-patched-dll-$t.log" $?
done

# 2. The patched tree's tests against the patched DLL: every file, new ones included.
for src in "$out/src/patched/dlls/webservices/tests/"*.c; do
    t=$(basename "$src" .c)
    run_wine "$arch" "$b/run-patched" "$b/logs/patched-$t.log" webservices_test.exe "$t"
    passes "$wine_version $arch: patched $t tests, patched DLL" "$b/logs/patched-$t.log" $?
done

# 3. The patched tree's tests against the pristine DLL: they must fail exactly where the
#    manifest says.
for src in "$out/src/patched/dlls/webservices/tests/"*.c; do
    t=$(basename "$src" .c) log=$b/logs/patched-tests-pristine-dll-$t.log
    run_wine "$arch" "$b/run-pristine-dll" "$log" webservices_test.exe "$t"
    fails_as_listed "$wine_version $arch: patched $t tests, pristine DLL" "$src" "$log" $?
done
