#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Creates the build tree's Wine prefix once (the first wineboot takes seconds; later runs reuse
# it). Run by CTest as the setup of the "wine" fixture every test requires, with the Wine loader
# the build runs its programs with as its argument.
set -e
[ -n "$WINEPREFIX" ] || { echo "WINEPREFIX is not set" >&2; exit 1; }
wine=${1:-wine}
# The loader's own wineserver: /usr/bin/wineserver is a launcher that may pick another one.
server=$(dirname "$(command -v "$wine")")/wineserver
[ "${wine##*/}" = wine64 ] && [ -x "${server}64" ] && server=${server}64
[ -x "$server" ] || server=wineserver
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    "$wine" wineboot --init
    "$server" --wait
fi
test -f "$WINEPREFIX/system.reg"
# Keep one server up while the tests come and go. By default it exits as soon as its last
# client has gone, and a test starting at that moment dies at once ("wine client error: recvmsg:
# Connection reset by peer"). It lingers 10 s after the last client instead, then exits by
# itself; if one is already running this start fails harmlessly. No descriptor of CTest's is
# left open in it, so CTest does not wait for it.
"$server" -p10 </dev/null >/dev/null 2>&1 || true
