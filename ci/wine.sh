#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# How the project runs Wine lives in cmake/wine.sh, which the build owns. This file only forwards
# to it for a script that still sources ci/wine.sh (bench/run.sh); it goes once none does.
. "$(dirname "${BASH_SOURCE[0]}")/../cmake/wine.sh"
