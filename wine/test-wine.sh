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

# 1. Wine's pristine tests against the pristine DLL (the baseline) and the patched DLL.
for src in "$out/src/pristine/dlls/webservices/tests/"*.c; do
    t=$(basename "$src" .c) check="$wine_version $arch: Wine's $t tests, pristine vs patched DLL"
    run_wine "$arch" "$b/run-pristine" "$b/logs/pristine-$t.log" webservices_test.exe "$t"
    rc_p=$?
    run_wine "$arch" "$b/run-patched-dll" "$b/logs/pristine-tests-patched-dll-$t.log" webservices_test.exe "$t"
    rc_q=$?
    base=$(summary_counts "$b/logs/pristine-$t.log")
    seen=$(summary_counts "$b/logs/pristine-tests-patched-dll-$t.log")
    set -- $base; base_tests=${1:-?} base_todo=${2:-?} base_fail=${3:-?}
    set -- $seen; tests=${1:-?} todo=${2:-?} fail=${3:-?}
    detail="pristine DLL $base_tests tests ($base_todo todo, $base_fail failed), patched DLL $tests tests ($todo todo, $fail failed)"
    todo_fixed=$(awk -v f="$t.c" '$1 !~ /^#/ && $2 == f && $3 == "todo-fixed" { print $1 }' "$manifest")
    if [ -n "$todo_fixed" ] && [ "$rc_q" != 124 ] && [ -n "$seen" ] && [ "$tests" = "$base_tests" ] &&
       [ "$(grep -ac ': Test failed' "$b/logs/pristine-tests-patched-dll-$t.log")" = 0 ]; then
        result pass "$check" "$detail; todos fixed by $todo_fixed"
    elif [ "$rc_p" = 0 ] && [ "$rc_q" = 0 ] && [ -n "$base" ] && [ "$base" = "$seen" ] && [ "$fail" = 0 ]; then
        result pass "$check" "$detail"
    else
        result FAIL "$check" "$detail (exit $rc_p/$rc_q; logs in $b/logs)"
    fi
done

# 2. The patched tree's tests against the patched DLL: every file, new ones included.
for src in "$out/src/patched/dlls/webservices/tests/"*.c; do
    t=$(basename "$src" .c)
    run_wine "$arch" "$b/run-patched" "$b/logs/patched-$t.log" webservices_test.exe "$t"
    rc=$?
    seen=$(summary_counts "$b/logs/patched-$t.log")
    set -- $seen; tests=${1:-?} todo=${2:-?} fail=${3:-?} skipped=${4:-?}
    if [ "$rc" = 0 ] && [ -n "$seen" ] && [ "$fail" = 0 ]; then
        result pass "$wine_version $arch: patched $t tests, patched DLL" "$tests tests ($todo todo, $skipped skipped), 0 failed"
    else
        result FAIL "$wine_version $arch: patched $t tests, patched DLL" "exit $rc, $tests tests, $fail failed (log $b/logs/patched-$t.log)"
    fi
done

# 3. The patched tree's tests against the pristine DLL: they must fail exactly where the
#    manifest says.
for src in "$out/src/patched/dlls/webservices/tests/"*.c; do
    t=$(basename "$src" .c) check="$wine_version $arch: patched $t tests, pristine DLL"
    log=$b/logs/patched-tests-pristine-dll-$t.log
    run_wine "$arch" "$b/run-pristine-dll" "$log" webservices_test.exe "$t"
    rc=$?
    expected=$(manifest "$t.c" | grep -vx todo-fixed)
    if [ "$rc" = 124 ]; then
        result FAIL "$check" "hung: killed after ${test_timeout}s (log $log)"
        continue
    fi
    seen=$(failed_functions "$log" "$src")
    missing=$(comm -23 <(lines "$expected" | grep -vx '\*') <(lines "$seen") | tr '\n' ' ')
    extra=$(comm -13 <(lines "$expected") <(lines "$seen") | tr '\n' ' ')
    in_list=$(printf '%s\n' "$seen" | paste -sd' ')
    whole=0
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
done
