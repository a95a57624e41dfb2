#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerates the whole of wine/patches from a git history of the series, so that every patch
# is numbered "[PATCH n/N]" of the same N, and, after a change to src/engine.c, so that Wine's
# dlls/webservices/async.c carries it again: async.c is its Wine-side part (the LGPL header,
# includes, debug channel and the platform seam, which ends with pool_complete()) followed by
# the body of src/engine.c (wine/lib.sh: engine_body, carries_engine, the check wine/apply.sh
# makes).
#
# Usage: wine/make-patch.sh [FROM_VERSION]
# Needs the pristine tree of the series' version (10.0, wine/lib.sh: series_version) that
# wine/build.sh unpacked ($WSASYNC_WINE_OUT/10.0/src/pristine). FROM_VERSION says that
# wine/patches was made against another version (a series made against 8.0): wine/port.sh first
# makes it against 10.0, from that version's pristine tree, unpacked the same way. The
# series is applied there with `git am`; if async.c does not carry src/engine.c, the commit that
# adds it is rewritten and the commits after it are replayed; then `git format-patch` writes
# every patch back, so names, messages, authors and dates stay as they were, and a second run
# gives byte-identical files.
set -eu
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
pristine=$out_base/$series_version/src/pristine
patches=$root/wine/patches series=$patches
file=dlls/webservices/async.c

[ -d "$pristine/dlls/webservices" ] || { echo "make-patch: no $pristine: run wine/build.sh first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${1:-}" ]; then
    [ -d "$out_base/$1/src/pristine" ] || { echo "make-patch: no $out_base/$1/src/pristine: run wine/build.sh first" >&2; exit 1; }
    series=$tmp/ported
    bash "$root/wine/port.sh" "$out_base/$1/src/pristine" "$pristine" "$patches" "$series"
fi

cp -a "$pristine" "$tmp/wine"
cd "$tmp/wine"
# Only this tree's repository, and no one's git configuration, shape the output.
export GIT_CEILING_DIRECTORIES=$tmp GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git() { command git -c user.name=base -c user.email=base@localhost "$@"; }
git init -q
git add -A
git commit -q -m "Wine (pristine)"
base=$(git rev-parse HEAD)
git am -q --committer-date-is-author-date "$series"/[0-9][0-9][0-9][0-9]-*.patch
tip=$(git rev-parse HEAD)

if carries_engine "$file"; then
    echo "make-patch: async.c already carries src/engine.c"
else
    adds=$(git log --format=%H --diff-filter=A "$base..$tip" -- "$file")
    [ -n "$adds" ] || { echo "make-patch: no patch adds $file" >&2; exit 1; }
    git checkout -q "$adds"
    end=$(awk '/^static BOOL pool_complete\(/ { inside = 1 } inside && /^}$/ { print NR; exit }' "$file")
    [ -n "$end" ] || { echo "make-patch: $file has no pool_complete() to end its Wine-side part" >&2; exit 1; }
    { head -n "$end" "$file"; engine_body; } >"$tmp/async.c"
    cp "$tmp/async.c" "$file"
    git add "$file"
    GIT_COMMITTER_DATE="$(git log -1 --format=%aD)" git commit -q --amend --no-edit
    git rebase -q --committer-date-is-author-date --onto HEAD "$adds" "$tip" ||
        { echo "make-patch: a later patch does not apply on the new async.c" >&2; exit 1; }
    carries_engine "$file" || { echo "make-patch: a later patch changes the engine's body in $file" >&2; exit 1; }
    echo "make-patch: async.c now carries src/engine.c"
fi

rm -f "$patches"/[0-9][0-9][0-9][0-9]-*.patch
git format-patch -q --zero-commit --no-signature -o "$patches" "$base..HEAD"
echo "make-patch: wine/patches regenerated ($(git rev-list --count "$base..HEAD") patches):"
ls "$patches"
