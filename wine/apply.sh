#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Unpacks the parts of Wine the series touches (wine/lib.sh: wine_parts) from TARBALL (of
# WSASYNC_WINE_VERSION) twice, as the pristine and the patched tree of the version's work tree
# ($WSASYNC_WINE_OUT/VERSION/src), and applies the series to the patched one, in order, with git
# apply: no fuzz, every context line must match. The series is wine/patches for the version it
# is made against (wine/lib.sh: series_version); for another, the one wine/port.sh makes from it
# ($WSASYNC_WINE_OUT/VERSION/patches). Then checks that the patched async.c ends with
# src/engine.c's body (carries_engine).
#
# Usage: wine/apply.sh TARBALL
# Rows: "VERSION: series applies", "VERSION: async.c carries src/engine.c". Exits 1 if the trees
# cannot be made (nothing further can run); a differing async.c is a FAIL row, not a stop.
set -u
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
tarball=$1

echo "=== unpacking $(basename "$tarball") and applying wine/patches"
rm -rf "$out/src" && mkdir -p "$out/src/pristine"
if ! tar -xJf "$tarball" -C "$out/src/pristine" --strip-components=1 --wildcards "${wine_parts[@]}"; then
    result FAIL "$wine_version: Wine source" "cannot unpack $tarball"
    exit 1
fi
# The headers Wine generates from include/*.idl, with the installed widl, for a version other
# than the installed one (libwine-dev's): its headers would otherwise stand in for them, and
# 10.0's own headers do not build with 8.0's (combaseapi.h needs 10.0's objidl.h). An .idl made
# only to be imported by another gives nothing: ignored.
installed=$(dpkg-query -W -f='${Version}' libwine-dev 2>/dev/null)
if [ "${installed%%[~-]*}" != "$wine_version" ]; then
    (cd "$out/src/pristine/include" && ls ./*.idl | xargs -P2 -I{} sh -c \
        'widl --nostdinc -I. -h -o "${1%.idl}.h" "$1" 2>/dev/null || rm -f "${1%.idl}.h"' sh {})
fi
cp -a "$out/src/pristine" "$out/src/patched"

series=$root/wine/patches how="wine/patches"
if [ "$wine_version" != "$series_version" ]; then
    # The series for this version, made from wine/patches and the series version's tree.
    series=$out/patches how="wine/port.sh from wine/patches ($series_version)"
    from_tarball=$(bash "$root/wine/fetch.sh" "$series_version") || exit 1
    rm -rf "$out/src/series-base" && mkdir -p "$out/src/series-base"
    tar -xJf "$from_tarball" -C "$out/src/series-base" --strip-components=1 --wildcards "${wine_parts[@]}" &&
        bash "$root/wine/port.sh" "$out/src/series-base" "$out/src/pristine" "$root/wine/patches" "$series" 2>"$out/apply.log" ||
        { result FAIL "$wine_version: series applies" "wine/port.sh: $(grep -m1 '^port:' "$out/apply.log")"; exit 1; }
fi

applied=0
for p in "$series"/[0-9][0-9][0-9][0-9]-*.patch; do
    [ -f "$p" ] || continue
    # GIT_CEILING_DIRECTORIES: the tree is not part of the git repository it may sit in.
    if (cd "$out/src/patched" && GIT_CEILING_DIRECTORIES=$out/src git apply --whitespace=error-all "$p") 2>"$out/apply.log"; then
        applied=$((applied + 1))
    else
        [ "$wine_version" = "$series_version" ] && hint="; a series made against 8.0? wine/make-patch.sh 8.0 ports it"
        result FAIL "$wine_version: series applies" "$(basename "$p") does not apply: $(head -3 "$out/apply.log" | tr '\n' ' ')${hint:-}"
        exit 1
    fi
done
result pass "$wine_version: series applies" "$applied patches of $how, no fuzz, to $(basename "$tarball")"

if carries_engine "$out/src/patched/dlls/webservices/async.c"; then
    result pass "$wine_version: async.c carries src/engine.c" "$(engine_body | wc -l) lines identical"
else
    result FAIL "$wine_version: async.c carries src/engine.c" "the patch's copy differs: run wine/make-patch.sh"
fi
