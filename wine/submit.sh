#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Prepares the series for Wine: one directory per merge request of wine/groups.tsv, under OUT
# (default build/wine/submit), each with its patches and a cover letter, every patch's author and
# Signed-off-by set to the submitter. The committed series carries a placeholder identity: Wine
# takes patches only under a real person's name, so they must go through this first.
#
# Usage: wine/submit.sh --author "Name <address>" [--out OUT]
set -eu
cd "$(dirname "$0")/.."
author= outdir=build/wine/submit
while [ $# -gt 0 ]; do
    case $1 in
    --author) author=$2; shift ;;
    --out) outdir=$2; shift ;;
    *) echo "usage: $0 --author \"Name <address>\" [--out OUT]" >&2; exit 2 ;;
    esac
    shift
done
case $author in
*" <"*@*">") ;;
*) echo "submit: --author must be \"Name <address>\", got '$author'" >&2; exit 2 ;;
esac

# unfold FILE: the patch with its mail headers unfolded (git folds a long From: or Subject:).
unfold() {
    awk 'BEGIN { header = 1 }
         header && /^[ \t]/ { sub(/^[ \t]+/, " "); line = line $0; next }
         { if (NR > 1) print line; line = $0; if ($0 == "") header = 0 }
         END { print line }' "$1"
}
# The placeholder: whoever the committed patches name as author.
placeholder=$(unfold wine/patches/0001-*.patch | sed -n 's/^From: //p' | head -1)
# Every patch in exactly one group, the groups in the series' order.
expected=$(ls wine/patches | sed -n 's/^\([0-9]\{4\}\)-.*\.patch$/\1/p')
covered=$(awk -F'\t' '$1 !~ /^#/ && NF { for (i = $1 + 0; i <= $2 + 0; i++) printf "%04d\n", i }' wine/groups.tsv)
if [ "$expected" != "$covered" ]; then
    echo "submit: wine/groups.tsv does not cover wine/patches once each, in order:" >&2
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$covered") >&2
    exit 1
fi
rm -rf "$outdir"
n=0
while IFS=$'\t' read -r first last title cover; do
    case $first in ''|'#'*) continue ;; esac
    n=$((n + 1))
    dir=$outdir/$(printf '%02d' "$n")-$(printf '%s' "$title" | sed 's/^webservices: //; s/[^A-Za-z0-9]\+/-/g; s/-$//')
    mkdir -p "$dir"
    count=$((10#$last - 10#$first + 1))
    { printf 'From: %s\nSubject: [PATCH 0/%d] %s\n\n' "$author" "$count" "$title"
      printf '%s\n' "$cover" | fold -s -w 72 | sed 's/ $//'
      printf '\nSigned-off-by: %s\n' "$author"; } >"$dir/0000-cover-letter.patch"
    i=0
    for p in $(seq -f '%04g' "$((10#$first))" "$((10#$last))"); do
        f=$(ls wine/patches/"$p"-*.patch)
        i=$((i + 1))
        # The author and sign-off become the submitter's; the numbering that of the group.
        sed -e "s|^From: $placeholder\$|From: $author|" \
            -e "s|^Signed-off-by: $placeholder\$|Signed-off-by: $author|" \
            -e "1,/^Subject:/s|^Subject: \[PATCH [0-9]*/[0-9]*\]|Subject: [PATCH $i/$count]|" \
            <(unfold "$f") >"$dir/$(printf '%04d' "$i")-${f#wine/patches/????-}"
        if grep -q "$placeholder" "$dir/$(printf '%04d' "$i")-${f#wine/patches/????-}"; then
            echo "submit: $f still names the placeholder after rewriting" >&2; exit 1
        fi
    done
    echo "$dir: $count patches"
done <wine/groups.tsv
