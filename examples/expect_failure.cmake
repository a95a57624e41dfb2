# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs COMMAND (a ;-list) and passes only if it exits non-zero, prints something matching
# MESSAGE, and leaves no file at NO_FILE (if given).
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc EQUAL 0)
    message(FATAL_ERROR "expected a non-zero exit, got 0")
endif()
if(NOT "${out}${err}" MATCHES "${MESSAGE}")
    message(FATAL_ERROR "expected a message matching '${MESSAGE}'")
endif()
if(NO_FILE AND EXISTS "${NO_FILE}")
    message(FATAL_ERROR "expected no file at ${NO_FILE}, found one")
endif()
