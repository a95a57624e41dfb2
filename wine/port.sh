#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes the series for another Wine version: the patches of SRC_DIR, made against the pristine
# Wine tree FROM, made again against the pristine tree TO, into DST_DIR. wine/patches is made
# against Wine 10.0 (wine/lib.sh: series_version, the version closest to upstream): wine/apply.sh
# gets the series for 8.0 this way, and wine/make-patch.sh takes a series made against 8.0.
# Two steps, in a git repository of its own with FROM and TO as two commits:
#   1. each patch's lines (context, removed, added) take TO's spelling where Wine changed it
#      mechanically: Wine 8.0's Makefile.in lists sources as `C_SRCS = \`, later ones as
#      `SOURCES = \` with rsrc.rc among them (8.0 has it apart: a context line of it is dropped
#      and the hunk recounted); 8.0 ends every declaration of dlls/webservices/*.h with DECLSPEC_HIDDEN,
#      later ones have none (a context line takes TO's own spelling; an added declaration, from
#      a line at column 0 to its `);`, or an `extern` line, gets it before its `;`); Wine 8.0's
#      webservices.h has neither WS_XML_STRING_VALUE nor WS_STRING_VALUE, so the tests spell
#      `WS_XML_STRING_VALUE( "s" )` out there as `{ 1, (BYTE *)"s" }` and `WS_STRING_VALUE( L"s" )`
#      as `{ 1, (WCHAR *)L"s" }`; 8.0 has no RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO, so
#      `InitializeCriticalSectionEx( &cs, 0, RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO )` is
#      spelled `InitializeCriticalSection( &cs )` there, as 8.0's own files do; 8.0's http.sys
#      allocates with wine/heap.h, so an added malloc, realloc or free there is spelled heap_alloc,
#      heap_realloc or heap_free; a context line of include/webservices.h that TO spells with fewer
#      or more `const`s (8.0's WsOpenListener takes a `WS_STRING*`) takes TO's spelling, so that a
#      declaration added next to it still applies;
#   2. `git am -3` applies them to TO: a hunk whose context Wine changed otherwise between the
#      versions is merged three-way from FROM's blobs (the series is first applied to FROM), so
#      only a change next to one of the series' own fails. `git format-patch` then writes them.
#
# Usage: wine/port.sh FROM TO SRC_DIR DST_DIR
# Exits 1, naming the patch, if one does not apply.
set -eu
from=$(cd "$1" && pwd) to=$(cd "$2" && pwd) src=$(cd "$3" && pwd) dst=$4
mkdir -p "$dst" && dst=$(cd "$dst" && pwd)

# shape PATCH: PATCH (on stdin) in TO's spelling, on stdout.
shape() {
    local sources=SOURCES hidden=0 strval=1 csdebug=1 heapsys=0
    grep -q '^C_SRCS = ' "$to/dlls/webservices/Makefile.in" && sources=C_SRCS
    grep -q DECLSPEC_HIDDEN "$to/dlls/webservices/webservices_private.h" && hidden=1
    grep -q 'define WS_XML_STRING_VALUE' "$to/include/webservices.h" || strval=0
    grep -q 'define RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO' "$to/include/winnt.h" || csdebug=0
    grep -q 'wine/heap.h' "$to/dlls/http.sys/http.c" 2>/dev/null && heapsys=1
    awk -v sources="$sources" -v hidden="$hidden" -v strval="$strval" -v csdebug="$csdebug" -v heapsys="$heapsys" -v tree="$to" '
        FILENAME == tree "/include/webservices.h" { bare = $0; gsub(/const /, "", bare)
                    if (!(bare in header)) header[bare] = $0; in_header[$0] = 1; next }
        FILENAME != "-" { key = FILENAME; sub("^" tree "/", "", key); line = $0
                    gsub(/ DECLSPEC_HIDDEN/, "", line); spelled[key SUBSEP line] = $0; next }
        # A hunk of a Makefile.in is held until its end, when it is printed with its line counts
        # recounted (a context line may have been dropped).
        function flush_hunk(   i, m, old, new, head) {
            if (!held) return
            old = new = 0
            for (i = 1; i <= nheld; i++) { m = substr(hunk[i], 1, 1); if (m != "+") old++; if (m != "-") new++ }
            head = held_head
            sub(/^@@ -[0-9]+(,[0-9]+)? \+[0-9]+(,[0-9]+)? @@/, "@@ -" old_start "," old " +" new_start "," new " @@", head)
            print head
            for (i = 1; i <= nheld; i++) print hunk[i]
            held = nheld = 0
        }
        /^diff --git / { flush_hunk(); file = $4; sub(/^b\//, "", file); inhunk = 0; pending = 0 }
        /^@@ / {
            flush_hunk(); inhunk = file != ""
            if (inhunk && file ~ /(^|\/)Makefile\.in$/) {
                held = 1; held_head = $0
                split($2, o, ","); old_start = substr(o[1], 2); split($3, n, ","); new_start = substr(n[1], 2)
                next
            }
            print; next
        }
        /^-- $/ { flush_hunk(); file = ""; inhunk = 0 }
        !inhunk || !/^[-+ ]/ { flush_hunk(); print; next }
        {
            mark = substr($0, 1, 1); text = substr($0, 2)
            # the length of a literal is its characters, an escape (\n, \x.., \ooo) counting as one
            while (!strval && file ~ /^dlls\/webservices\/tests\// &&
                   match(text, /WS_(XML_)?STRING_VALUE\( *L?"([^"\\]|\\.)*" *\)/)) {
                literal = substr(text, RSTART, RLENGTH); sub(/^WS_(XML_)?STRING_VALUE\( */, "", literal)
                sub(/ *\)$/, "", literal); wide = literal ~ /^L/
                chars = substr(literal, 2 + wide, length(literal) - 2 - wide)
                gsub(/\\x[0-9a-fA-F][0-9a-fA-F]?|\\[0-7][0-7]?[0-7]?|\\./, "x", chars)
                text = substr(text, 1, RSTART - 1) "{ " length(chars) (wide ? ", (WCHAR *)" : ", (BYTE *)") literal " }" \
                       substr(text, RSTART + RLENGTH)
            }
            if (!csdebug && file ~ /^dlls\/webservices\// &&
                match(text, /InitializeCriticalSectionEx\( *[^,]+, 0, RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO \)/)) {
                cs = substr(text, RSTART, RLENGTH); sub(/^InitializeCriticalSectionEx\( */, "", cs); sub(/,.*/, "", cs)
                text = substr(text, 1, RSTART - 1) "InitializeCriticalSection( " cs " )" substr(text, RSTART + RLENGTH)
            }
            if (heapsys && file ~ /^dlls\/http\.sys\// && mark == "+") {
                rest = text; text = ""
                while (match(rest, /(^|[^A-Za-z0-9_])(malloc|realloc|free)\(/)) {
                    call = substr(rest, RSTART, RLENGTH); lead = call ~ /^[a-z]/ ? "" : substr(call, 1, 1)
                    fn = substr(call, length(lead) + 1); sub(/^malloc/, "alloc", fn)
                    text = text substr(rest, 1, RSTART - 1) lead "heap_" fn
                    rest = substr(rest, RSTART + RLENGTH)
                }
                text = text rest
            }
            if (file == "include/webservices.h" && mark == " " && !(text in in_header)) {
                bare = text; gsub(/const /, "", bare)
                if (bare in header) text = header[bare]
            }
            else if (file ~ /(^|\/)Makefile\.in$/ && text ~ /^(C_SRCS|SOURCES) = \\$/)
                text = sources " = \\"
            else if (file ~ /(^|\/)Makefile\.in$/ && sources == "C_SRCS" && mark == " " && text ~ /^\trsrc\.rc \\$/)
                next
            else if (file ~ /^dlls\/webservices\/[^\/]*\.h$/) {
                bare = text; gsub(/ DECLSPEC_HIDDEN/, "", bare)
                if (!hidden) text = bare
                else if (mark != "+" && (file SUBSEP bare) in spelled) text = spelled[file SUBSEP bare]
                else if (text !~ /DECLSPEC_HIDDEN/) {
                    if (text ~ /^extern .*;$/ || (text ~ /\);$/ && (pending || text ~ /^[A-Za-z_]/) && text !~ /^(static|typedef)/))
                        sub(/;$/, " DECLSPEC_HIDDEN;", text)
                    pending = text ~ /^[A-Za-z_]/ && text !~ /^(static|typedef|struct [a-z_]*$)/ && text !~ /[;{}]$/
                }
            }
            if (held) hunk[++nheld] = mark text
            else print mark text
        }
        END { flush_hunk() }' "$to/include/webservices.h" $( [ "$hidden" = 1 ] && grep -l DECLSPEC_HIDDEN "$to"/dlls/webservices/*.h) /dev/null -
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export GIT_CEILING_DIRECTORIES=$tmp GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git() { command git -c user.name=base -c user.email=base@localhost -c core.autocrlf=false "$@"; }
git init -q
# commit_tree DIR MESSAGE: the tree DIR (less any .git) as the commit of the current branch.
commit_tree() {
    rm -rf ./*; tar -C "$1" --exclude=.git -cf - . | tar -xf -
    git add -A; git commit -q --allow-empty -m "$2"
}
git checkout -q --orphan from && commit_tree "$from" "Wine (from)"
git am -q "$src"/[0-9][0-9][0-9][0-9]-*.patch || { echo "port: the series does not apply to $from" >&2; exit 1; }
git checkout -q --orphan to && commit_tree "$to" "Wine (to)"
base=$(git rev-parse HEAD)
mkdir "$tmp.shaped"
trap 'rm -rf "$tmp" "$tmp.shaped"' EXIT
for p in "$src"/[0-9][0-9][0-9][0-9]-*.patch; do shape <"$p" >"$tmp.shaped/$(basename "$p")"; done
for p in "$tmp.shaped"/*.patch; do
    git am -q -3 --committer-date-is-author-date "$p" >"$tmp.am.log" 2>&1 ||
        { echo "port: $(basename "$p") does not apply to $to:" >&2; cat "$tmp.am.log" >&2; rm -f "$tmp.am.log"; exit 1; }
done
rm -f "$tmp.am.log" "$dst"/[0-9][0-9][0-9][0-9]-*.patch
git format-patch -q --zero-commit --no-signature -o "$dst" "$base..HEAD"
