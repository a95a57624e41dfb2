# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# What the scripts of wine/ share, sourced by each (docs/WINE.md): where things are, the Wine
# versions the series is built against, the project's one way to run Wine (cmake/wine.sh), the
# results format (ci/lib/results.sh), and the one definition of "async.c carries src/engine.c".
# Environment: WSASYNC_WINE_CACHE (default ~/.cache/wsasync-wine) keeps downloads;
# WSASYNC_WINE_OUT (default build/wine) holds a work tree per Wine version (OUT/VERSION, with
# its Wine prefix); WSASYNC_WINE_VERSION (default the series', 10.0) the version a script
# works on; WSASYNC_WINE_VERSIONS (default "8.0 10.0") those wine/build.sh runs;
# WSASYNC_WINE_TIMEOUT (default 300) the seconds one test program may take.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
cache=${WSASYNC_WINE_CACHE:-${HOME:-/root}/.cache/wsasync-wine}
out_base=${WSASYNC_WINE_OUT:-$root/build/wine}
case $out_base in /*) ;; *) out_base=$root/$out_base ;; esac
# The version wine/patches is made against: the one closest to upstream (docs/WINE.md).
series_version=10.0
wine_version=${WSASYNC_WINE_VERSION:-$series_version}
# The versions wine/build.sh builds and tests, each against the installed Wine.
wine_versions=${WSASYNC_WINE_VERSIONS:-8.0 10.0}
out=$out_base/$wine_version prefix=$out_base/$wine_version/prefix
test_timeout=${WSASYNC_WINE_TIMEOUT:-300}
# The parts of Wine's source the series changes or builds (tar patterns of its tarball): the
# headers, webservices.dll, and the HTTP server API (httpapi.dll, the http.sys driver).
wine_parts=('*/include/*' '*/dlls/webservices/*' '*/dlls/httpapi/*' '*/dlls/http.sys/*')
# x86 import libraries and libwinecrt0.a, from the .deb of libwine-dev:i386 (wine/fetch.sh).
x86lib=$cache/x86lib/usr/lib/i386-linux-gnu/wine/i386-windows

# shellcheck source=cmake/wine.sh
. "$root/cmake/wine.sh"
# shellcheck source=ci/lib/results.sh
. "$root/ci/lib/results.sh"

# wine_suite VERSION: the Debian suite whose source package wine is that version of Wine.
wine_suite() {
    case $1 in
    8.0) echo bookworm ;;
    10.0) echo trixie ;;
    *) echo "wine/: no Debian suite known for Wine $1" >&2; return 1 ;;
    esac
}

# wine_tarball VERSION: the cached orig tarball of that version's source package, if any.
wine_tarball() {
    ls "$cache/src/wine_$1.orig.tar.xz" "$cache/src/wine_$1"~*.orig.tar.xz 2>/dev/null | tail -1
}

# engine_body: src/engine.c after its `#include "engine.h"` line, the part that Wine's
# dlls/webservices/async.c ends with, byte for byte (docs/WINE.md, "One source of truth").
engine_body() {
    sed '1,/^#include "engine.h"$/d' "$root/src/engine.c"
}

# carries_engine FILE: 0 if FILE ends with engine_body. wine/apply.sh checks the patched tree
# with it; wine/make-patch.sh rewrites async.c when it says no.
carries_engine() {
    tail -c "$(engine_body | wc -c)" "$1" | cmp -s - <(engine_body)
}

# run_wine ARCH DIR LOG PROGRAM ARGS...: runs a program in DIR under Wine, in the work tree's
# prefix, with the webservices.dll in DIR; status 124 means it hung and was killed.
run_wine() {
    local arch=$1 dir=$2 log=$3 loader
    shift 3
    loader=$(wine_loader "$arch" 2>/dev/null) || loader=$([ "$arch" = x86 ] && echo wine || echo wine64)
    (cd "$dir" && WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="webservices=n;winedbg.exe=d" \
        timeout -k 10 "$test_timeout" "$loader" "$@") >"$log" 2>&1
}

# stop_wine_server: ends the prefix's wineserver and every process of it, and waits until it has
# gone, so that the next program starts a new one (its services and drivers anew).
stop_wine_server() {
    local wineserver
    wineserver=$(wine_server)
    WINEPREFIX=$prefix "$wineserver" -k >/dev/null 2>&1
    WINEPREFIX=$prefix "$wineserver" -w >/dev/null 2>&1
}

# install_http_server TREE: the HTTP server API of the work tree's TREE (pristine or patched,
# built by wine/build-tree.sh) in the prefix in place of the installed Wine's: the x64 http.sys
# driver (drivers run in a 64-bit process) and httpapi.dll of each arch built, since httpapi's
# requests must match the driver's version; DllOverrides prefer them to Wine's builtins. Then a
# new wineserver, so that the next program starts the driver anew, with no connection left from
# an earlier program. Status 1 if TREE has no driver.
install_http_server() {
    local tree=$1 windows=$prefix/drive_c/windows name
    [ -f "$out/x64/$tree/http.sys" ] || return 1
    stop_wine_server
    cp "$out/x64/$tree/http.sys" "$windows/system32/drivers/http.sys" &&
        cp "$out/x64/$tree/httpapi.dll" "$windows/system32/httpapi.dll" || return 1
    [ -f "$out/x86/$tree/httpapi.dll" ] && [ -d "$windows/syswow64" ] && cp "$out/x86/$tree/httpapi.dll" "$windows/syswow64/"
    for name in http.sys httpapi; do
        grep -q "^\"$name\"=\"native,builtin\"" "$prefix/user.reg" 2>/dev/null && continue
        WINEPREFIX=$prefix WINEDEBUG=-all "$(wine_loader x64 2>/dev/null || echo wine64)" reg add \
            'HKCU\Software\Wine\DllOverrides' /v "$name" /d native,builtin /f >/dev/null 2>&1 || return 1
    done
    stop_wine_server
    return 0
}
