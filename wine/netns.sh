#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs a command in a private network namespace with its loopback up, or as it is where no
# namespace can be made (then it uses the machine's loopback). Wine's channel tests and the
# project's listen on fixed loopback ports: a namespace keeps parallel runs apart.
#
# Usage: wine/netns.sh COMMAND [ARGS...]
set -u
if unshare -n true 2>/dev/null; then
    exec unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
echo "(no private network namespace here: tests use the machine's loopback)" >&2
exec "$@"
