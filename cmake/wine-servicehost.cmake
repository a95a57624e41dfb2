# SPDX-License-Identifier: LGPL-2.1-or-later
# wsasync_use_servicehost_decls(<target>): lets a program that takes the WWSAPI types from Wine's
# webservices.h (WINE_WEBSERVICES_INCLUDE_DIR, found by its directory) include
# tests/wine/servicehost_decls.h, the service host's declarations that Wine 8.0's header lacks.
# A header that has them must be used instead, or the declarations would clash: the check below
# finds out, once for the whole build, and defines E2E_HAVE_SERVICE_HOST when it does.
include_guard(GLOBAL)
include(CheckCSourceCompiles)

function(wsasync_use_servicehost_decls target)
    # Its result is cached: the first target runs it, the others reuse it.
    set(CMAKE_REQUIRED_FLAGS "-idirafter ${WINE_WEBSERVICES_INCLUDE_DIR}")
    set(CMAKE_REQUIRED_QUIET ON)
    check_c_source_compiles("#include <windows.h>
#include <webservices.h>
int main(void) { WS_SERVICE_ENDPOINT endpoint; WS_SERVICE_HOST *host = 0; return sizeof(endpoint) && !host; }"
        WSASYNC_WEBSERVICES_H_HAS_SERVICE_HOST)
    target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/wine)
    if(WSASYNC_WEBSERVICES_H_HAS_SERVICE_HOST)
        target_compile_definitions(${target} PRIVATE E2E_HAVE_SERVICE_HOST)
    endif()
endfunction()
