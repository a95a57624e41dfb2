# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# The one results format of the project's scripts (ci/presets.sh, ci/host.sh, wine/), sourced:
# each check is a row "STATUS<TAB>CHECK<TAB>DETAIL" in a file, STATUS one of pass, FAIL,
# NOT-RUN; the summary prints the rows as a table and the exit code follows from them.
#
#   results_init FILE TITLE  starts FILE empty and makes it the file of this script and of the
#                            scripts it runs (WSASYNC_RESULTS, exported); TITLE heads the summary
#   result STATUS CHECK DETAIL
#                            records a row (to stdout when no file was started: a script run by
#                            hand prints its rows); a row that is not a pass is also on stderr
#   results_has STATUS [CHECK-PREFIX]
#                            0 if a row has STATUS (and a check starting with CHECK-PREFIX)
#   results_finish [--ci [EXCUSED-PREFIX...]]
#                            prints the summary and exits: 1 if a check failed; 1 with "NOT RUN"
#                            if none passed (nothing was built or tested); with --ci, 1 if a
#                            check did not run, unless its name starts with an EXCUSED-PREFIX (a
#                            step this machine cannot run, such as "x86: ")

results_init() {
    WSASYNC_RESULTS=$1 WSASYNC_RESULTS_TITLE=$2
    export WSASYNC_RESULTS WSASYNC_RESULTS_TITLE
    mkdir -p "$(dirname "$1")" && : >"$1"
}

result() {
    if [ -n "${WSASYNC_RESULTS:-}" ]; then
        printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$WSASYNC_RESULTS"
    else
        printf '%-8s %-58s %s\n' "$1" "$2" "$3"
    fi
    [ "$1" = pass ] || echo "${WSASYNC_RESULTS_TITLE:-$0}: $1: $2: $3" >&2
}

results_has() {
    awk -F'\t' -v s="$1" -v p="${2:-}" '$1 == s && (p == "" || index($2, p) == 1) { found = 1 } END { exit !found }' "$WSASYNC_RESULTS"
}

results_finish() {
    echo
    echo "=== $WSASYNC_RESULTS_TITLE summary"
    awk -F'\t' '{ printf "%-8s %-58s %s\n", $1, $2, $3 }' "$WSASYNC_RESULTS"
    results_has FAIL && exit 1
    results_has pass || { echo "NOT RUN"; exit 1; }
    if [ "${1:-}" = --ci ] && shift &&
       awk -F'\t' -v p="$(printf '%s\n' "$@")" '
           BEGIN { n = split(p, excused, "\n") }
           $1 == "NOT-RUN" { ok = 0; for (i = 1; i <= n; i++) if (excused[i] != "" && index($2, excused[i]) == 1) ok = 1; if (!ok) found = 1 }
           END { exit !found }' "$WSASYNC_RESULTS"; then
        exit 1
    fi
    exit 0
}
