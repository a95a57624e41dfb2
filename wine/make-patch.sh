#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerates wine/patches after a change to src/engine.c: Wine's dlls/webservices/async.c is
# its Wine-side part (the LGPL header, includes, debug channel and the platform seam, which ends
# with pool_complete()) followed by the body of src/engine.c (every line after its
# `#include "engine.h"`), byte for byte. wine/build.sh fails while the two differ.
#
# Usage: wine/make-patch.sh
# Needs the pristine tree that wine/build.sh unpacked (build/wine/src/pristine, or
# $WSASYNC_WINE_OUT/src/pristine). The series is applied there with `git am`, the commit that
# adds async.c is rewritten, the commits after it are replayed, and `git format-patch` writes
# the series back, so patch names, messages, authors and dates stay as they were.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
out=${WSASYNC_WINE_OUT:-$root/build/wine}
pristine=$out/src/pristine

[ -d "$pristine/dlls/webservices" ] || { echo "make-patch: no $pristine: run wine/build.sh first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp -a "$pristine" "$tmp/wine"
cd "$tmp/wine"
export GIT_CEILING_DIRECTORIES=$tmp
git init -q
git -c user.name=base -c user.email=base@localhost add -A
git -c user.name=base -c user.email=base@localhost commit -q -m "Wine (pristine)"
base=$(git rev-parse HEAD)
git -c user.name=base -c user.email=base@localhost am -q --committer-date-is-author-date "$root"/wine/patches/[0-9][0-9][0-9][0-9]-*.patch
tip=$(git rev-parse HEAD)

adds=$(git log --format=%H --diff-filter=A "$base..$tip" -- dlls/webservices/async.c)
[ -n "$adds" ] || { echo "make-patch: no patch adds dlls/webservices/async.c" >&2; exit 1; }
git checkout -q "$adds"

file=dlls/webservices/async.c
end=$(awk '/^static BOOL pool_complete\(/ { inside = 1 } inside && /^}$/ { print NR; exit }' "$file")
[ -n "$end" ] || { echo "make-patch: $file has no pool_complete() to end its Wine-side part" >&2; exit 1; }
{ head -n "$end" "$file"; sed '1,/^#include "engine.h"$/d' "$root/src/engine.c"; } >"$tmp/async.c"
if cmp -s "$tmp/async.c" "$file"; then
    echo "make-patch: async.c already carries src/engine.c; nothing to do"
    exit 0
fi
cp "$tmp/async.c" "$file"
git add "$file"
GIT_COMMITTER_DATE="$(git log -1 --format=%aD)" git -c user.name=base -c user.email=base@localhost commit -q --amend --no-edit
git -c user.name=base -c user.email=base@localhost rebase -q --committer-date-is-author-date --onto HEAD "$adds" "$tip" ||
    { echo "make-patch: a later patch does not apply on the new async.c" >&2; exit 1; }

rm -f "$root"/wine/patches/[0-9][0-9][0-9][0-9]-*.patch
git format-patch -q --zero-commit --no-signature -o "$root/wine/patches" "$base..HEAD"
echo "make-patch: wine/patches regenerated:"
ls "$root/wine/patches"
