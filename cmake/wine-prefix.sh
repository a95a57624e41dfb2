#!/bin/sh
# Creates the build tree's Wine prefix once (the first wineboot takes seconds; later runs reuse
# it). Run by CTest as the setup of the "wine" fixture every test requires, with the Wine loader
# the build runs its programs with as its argument.
set -e
[ -n "$WINEPREFIX" ] || { echo "WINEPREFIX is not set" >&2; exit 1; }
wine=${1:-wine}
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    "$wine" wineboot --init
    # The loader's own wineserver: /usr/bin/wineserver is a launcher that may pick another one.
    server=$(dirname "$(command -v "$wine")")/wineserver
    [ "${wine##*/}" = wine64 ] && [ -x "${server}64" ] && server=${server}64
    [ -x "$server" ] || server=wineserver
    "$server" --wait
fi
test -f "$WINEPREFIX/system.reg"
