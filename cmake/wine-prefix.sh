#!/bin/sh
# Creates the build tree's Wine prefix once (the first wineboot takes seconds; later runs reuse
# it). Run by CTest as the setup of the "wine" fixture every test requires.
set -e
[ -n "$WINEPREFIX" ] || { echo "WINEPREFIX is not set" >&2; exit 1; }
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    wineboot --init
    wineserver --wait
fi
test -f "$WINEPREFIX/system.reg"
