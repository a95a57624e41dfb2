#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Unpacks Wine's include/ and dlls/webservices/ from TARBALL twice, as the pristine and the
# patched tree of the work tree ($WSASYNC_WINE_OUT/src), and applies every
# wine/patches/NNNN-*.patch to the patched one, in order, with git apply: no fuzz, every context
# line must match. Then checks that the patched async.c ends with src/engine.c's body
# (wine/lib.sh: carries_engine).
#
# Usage: wine/apply.sh TARBALL
# Rows: "series applies", "async.c carries src/engine.c". Exits 1 if the trees cannot be made
# (nothing further can run); a differing async.c is a FAIL row, not a stop.
set -u
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
tarball=$1

echo "=== unpacking $(basename "$tarball") and applying wine/patches"
rm -rf "$out/src" && mkdir -p "$out/src/pristine"
if ! tar -xJf "$tarball" -C "$out/src/pristine" --strip-components=1 --wildcards '*/include/*' '*/dlls/webservices/*'; then
    result FAIL "Wine source" "cannot unpack $tarball"
    exit 1
fi
cp -a "$out/src/pristine" "$out/src/patched"

applied=0
for p in "$root"/wine/patches/[0-9][0-9][0-9][0-9]-*.patch; do
    [ -f "$p" ] || continue
    # GIT_CEILING_DIRECTORIES: the tree is not part of the git repository it may sit in.
    if (cd "$out/src/patched" && GIT_CEILING_DIRECTORIES=$out/src git apply --whitespace=error-all "$p") 2>"$out/apply.log"; then
        applied=$((applied + 1))
    else
        result FAIL "series applies" "$(basename "$p") does not apply: $(head -3 "$out/apply.log" | tr '\n' ' ')"
        exit 1
    fi
done
result pass "series applies" "$applied patches, no fuzz, to $(basename "$tarball")"

if carries_engine "$out/src/patched/dlls/webservices/async.c"; then
    result pass "async.c carries src/engine.c" "$(engine_body | wc -l) lines identical"
else
    result FAIL "async.c carries src/engine.c" "the patch's copy differs: run wine/make-patch.sh"
fi
