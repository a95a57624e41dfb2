#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Wine prefix of a build tree and its one wineserver, for a whole run of programs:
#   wine-prefix.sh start ARCH    creates the prefix once (the first wineboot takes seconds; later
#                                runs reuse it), then starts a persistent wineserver for it
#   wine-prefix.sh stop          shuts that server down and waits until it has gone
# WINEPREFIX names the prefix (cmake/wine.sh: wine_prefix). CTest runs `start` as the setup of the
# "wine" fixture every Wine test requires and `stop` as its cleanup, so one server serves every
# test of the run. A server that exits when its last client goes (Wine's default) is a race: a
# test starting at that moment dies at once ("wine client error: recvmsg: Connection reset by
# peer"). The persistent one only exits when told to, after the last test.
set -eu
. "$(dirname "$0")/wine.sh"
[ -n "${WINEPREFIX:-}" ] || { echo "WINEPREFIX is not set" >&2; exit 1; }
server=$(wine_server)

case ${1:-} in
start)
    loader=$(wine_loader "${2:?wine-prefix.sh start ARCH}")
    # A server left from an earlier run (or a manual one) may be on its way out: replace it.
    "$server" -k >/dev/null 2>&1 || true
    "$server" -w
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        "$loader" wineboot --init
        "$server" -w
    fi
    test -f "$WINEPREFIX/system.reg"
    # The server detaches itself; none of CTest's descriptors stays open in it, so CTest does
    # not wait for it. Then wineboot starts the prefix's system processes (services.exe and the
    # services it runs), which live as long as the server: started here, they hold no test's
    # output open. Started by the first test instead, they would inherit its output pipes, and
    # CTest would wait for that test until the cleanup, which waits for every test.
    "$server" -p </dev/null >/dev/null 2>&1
    "$loader" wineboot </dev/null >/dev/null 2>&1
    echo "wineserver $server persistent for $WINEPREFIX"
    ;;
stop)
    "$server" -k >/dev/null 2>&1 || true
    "$server" -w
    echo "wineserver for $WINEPREFIX stopped"
    ;;
*)
    echo "usage: wine-prefix.sh start ARCH | stop" >&2
    exit 2
    ;;
esac
