#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Exits 0 if this machine runs 32-bit Windows programs under Wine natively, 1 with the reason on
# stderr if not: the rule of cmake/wine.sh (wine_can_run x86), for a person asking by hand.
. "$(dirname "$0")/../cmake/wine.sh"
wine_can_run x86
