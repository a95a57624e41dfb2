#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Checks the mechanical rules of Wine's maintainers on the series in wine/patches, naming the
# patch and the line of each break:
#   - each subject says "[PATCH n/N]", n its position in the series, N the same everywhere;
#   - no added line casts to (void), no added TRACE puts ", " between two conversions
#     (Wine writes TRACE( "%p %p %u\n", a, b, c )), no added Sleep( in a test file;
#   - each patch compiles with the ones before it: applied one at a time to a copy of the pristine
#     tree wine/build.sh unpacked ($WSASYNC_WINE_OUT/src/pristine), the .c files it touches pass
#     winegcc -c -fsyntax-only (tests with Wine's headers only, as Wine builds them), where an
#     implicit declaration is an error: a patch must not call what only a later one declares.
#
# Usage: wine/check-series.sh   (after wine/apply.sh; wine/build.sh runs it)
# Row: "series follows Wine's rules". Exits 1 if a rule is broken or the check could not run.
set -u
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
check="series follows Wine's rules"
pristine=$out/src/pristine
patches=("$root"/wine/patches/[0-9][0-9][0-9][0-9]-*.patch)
[ -f "${patches[0]}" ] || { result FAIL "$check" "no patches in wine/patches"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)

# The rules on the text of the patches: one line per break, "PATCH:LINE: what (FILE:LINE)".
awk -v total=${#patches[@]} '
    FNR == 1 { n++; name = FILENAME; sub(/.*\//, "", name); numbered = 0; file = "" }
    /^Subject: / && !numbered {
        numbered = 1
        if (!match($0, /\[PATCH [0-9]+\/[0-9]+\]/)) { print name ":" FNR ": subject not numbered [PATCH n/N]"; next }
        split(substr($0, RSTART + 7, RLENGTH - 8), nN, "/")
        if (nN[1] + 0 != n || nN[2] + 0 != total)
            print name ":" FNR ": [PATCH " nN[1] "/" nN[2] "], expected [PATCH " n "/" total "]"
    }
    /^\+\+\+ / { file = ($2 == "/dev/null") ? "" : substr($2, 3); next }
    /^@@ / { split($3, hunk, ","); line = substr(hunk[1], 2) - 1; next }
    file == "" { next }
    /^ / { line++; next }
    /^\+/ {
        line++
        where = " (" file ":" line ")"
        if ($0 ~ /(^\+|[^A-Za-z0-9_ \t])[ \t]*\([ \t]*void[ \t]*\)[ \t]*[A-Za-z_(*&]/) print name ":" FNR ": (void) cast" where
        if ($0 ~ /TRACE[ \t]*\(/ && $0 ~ /%[-#+ 0-9.*]*(hh|h|ll|l|I64|I32|z|j|t|L)?[diouxXcsSpfFeEgGaA], +%/)
            print name ":" FNR ": TRACE with \", \" between conversions" where
        if (file ~ /(^|\/)tests\// && $0 ~ /(^\+|[^A-Za-z0-9_])Sleep[ \t]*\(/) print name ":" FNR ": Sleep() in a test" where
    }
' "${patches[@]}" >"$tmp/problems"

# Each patch compiles with the ones before it.
compile_note=''
if [ ! -d "$pristine/dlls/webservices" ]; then
    compile_note="compile check not run: no $pristine (run wine/build.sh)"
elif ! command -v winegcc >/dev/null; then
    compile_note="compile check not run: no winegcc"
else
    cp -a "$pristine" "$tmp/tree"
    for p in "${patches[@]}"; do
        name=$(basename "$p")
        if ! (cd "$tmp/tree" && GIT_CEILING_DIRECTORIES=$tmp git apply "$p") 2>"$tmp/apply.log"; then
            echo "$name: does not apply: $(head -1 "$tmp/apply.log")" >>"$tmp/problems"
            break
        fi
        # The .c files the patch adds or changes, each compiled on its own, two at a time (the
        # inner script is expanded by the sh that xargs starts).
        # shellcheck disable=SC2016
        sed -n 's|^+++ b/\(.*\.c\)$|\1|p' "$p" | sort -u |
            TREE=$tmp/tree xargs -r -P2 -I{} sh -c '
                case $1 in */tests/*) inc="-I$TREE/include" ;; *) inc="-I$TREE/${1%/*} -I$TREE/include" ;; esac
                winegcc -b x86_64-w64-mingw32 -c -fsyntax-only -D__WINESRC__ -Werror=implicit-function-declaration \
                    $inc "$TREE/$1" >"$TREE.$$.log" 2>&1 && { rm -f "$TREE.$$.log"; exit 0; }
                grep -m1 "error" "$TREE.$$.log" | sed "s|^$TREE/||" | grep . || echo "$1: winegcc failed"
                rm -f "$TREE.$$.log"; exit 1
            ' sh {} >"$tmp/compile.log" 2>&1 ||
            sed "s|^|$name: does not compile: |" "$tmp/compile.log" >>"$tmp/problems"
    done
fi

seconds=$(( $(date +%s) - start ))
if [ -s "$tmp/problems" ]; then
    cat "$tmp/problems" >&2
    result FAIL "$check" "$(wc -l <"$tmp/problems") problems, first: $(head -1 "$tmp/problems")"
    exit 1
elif [ -n "$compile_note" ]; then
    result NOT-RUN "$check" "${#patches[@]} patches follow the text rules; $compile_note"
    exit 1
fi
result pass "$check" "${#patches[@]} patches: [PATCH n/N], no (void) cast, TRACE formats, no Sleep in tests, each compiles with the ones before (${seconds}s)"
