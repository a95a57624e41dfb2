#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What the service host (WsCreateServiceHost and WsCall through a WS_SERVICE_PROXY, patches 0106
# to 0113) costs over a hand-written channel loop serving the same messages, with the patched
# webservices.dll: bench_services.exe (bench/services.c) measures both in each process, so that
# each ratio host/hand-written is taken within one run on a machine whose load changes from run
# to run (the goal: 0.8 or more):
#
#   rr_1 and host_1          round trips per second, one client: WsRequestReply against
#                            WsReceiveMessage and WsSendReplyMessage, and WsCall against the host
#   rr_8_shared and host_8   8 clients at once, each on its own channel (its own proxy), served
#                            by 8 service threads on one listener, and by one host serving 8
#                            channels at once
#   memory_host              10,000 calls through the host, the process's private bytes after
#                            each thousand: the host must not grow with the calls
#
# Writes the "host" section of docs/BENCHMARKS.md between its markers; bench/compare.sh does the
# work (its options: --rounds N, --seconds S, --no-doc, --dll-ARCH DLL, x64, x86).
#
#   bench/host.sh [--rounds N] [--seconds S] [--no-doc] [--dll-x64 DLL] [--dll-x86 DLL] [x64] [x86]
exec bash "$(dirname "$0")/compare.sh" host "$@"
