#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# How a service over HTTP (an HTTP listener and reply channels, patches 0114 to 0119) compares
# with the same service over net.tcp, with the patched webservices.dll: bench_services.exe
# (bench/services.c) measures both in each process, so that each ratio HTTP/net.tcp is taken
# within one run on a machine whose load changes from run to run:
#
#   rr_1 and rr_1_http          request-reply round trips per second, one client
#   rr_8_shared and rr_8_http   8 clients at once, 8 service threads on one listener
#   memory_http                 10,000 HTTP round trips, the process's private bytes after each
#                               thousand: the service must not grow with the requests
#
# Writes the "HTTP" section of docs/BENCHMARKS.md between its markers; bench/compare.sh does the
# work (its options: --rounds N, --seconds S, --no-doc, --dll-ARCH DLL, x64, x86).
#
#   bench/http.sh [--rounds N] [--seconds S] [--no-doc] [--dll-x64 DLL] [--dll-x86 DLL] [x64] [x86]
exec bash "$(dirname "$0")/compare.sh" http "$@"
