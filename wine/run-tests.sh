#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every test of one arch against the trees wine/build-tree.sh built: starts the work
# tree's Wine prefix ($WSASYNC_WINE_OUT/VERSION/prefix) with a wineserver of its own, then Wine's tests
# (wine/test-wine.sh) and the project's programs (wine/test-project.sh). wine/build.sh runs it
# under wine/netns.sh: the wineserver is started here, inside the namespace, since it makes
# the sockets the tests use.
#
# Usage: wine/run-tests.sh x64|x86 [PROJECT_BUILD]
set -u
here=$(dirname "$0")
# shellcheck source=wine/lib.sh
. "$here/lib.sh"
arch=$1 pbuild=${2:-}

stop_wine_server
mkdir -p "$prefix"
if ! WINEPREFIX=$prefix WINEDEBUG=-all timeout 120 "$(wine_loader x64 2>/dev/null || echo wine64)" wineboot -i >/dev/null 2>&1; then
    result FAIL "$wine_version $arch: wine prefix" "wineboot failed"
    exit 0
fi
# The tests start with a wineserver of their own (still inside the namespace): after the boot's
# start-up in this server session the service database stayed locked, and the HTTP server API's
# StartService of its driver failed with ERROR_SERVICE_DATABASE_LOCKED (no HTTP listener).
stop_wine_server
bash "$here/test-wine.sh" "$arch"
bash "$here/test-project.sh" "$arch" "$pbuild"
stop_wine_server
exit 0
