# SPDX-License-Identifier: LGPL-2.1-or-later
# wsasync_test_names(<result> <sources...>): the names of the TEST(name) lines of the runner's
# sources, in order: what CTest registers (tests/CMakeLists.txt) and what docs/CONFORMANCE.md must
# list (check-conformance.cmake). Relative paths are relative to the tests directory.
set(wsasync_tests_dir ${CMAKE_CURRENT_LIST_DIR})
function(wsasync_test_names result)
    set(names)
    foreach(source ${ARGN})
        if(NOT IS_ABSOLUTE "${source}")
            set(source ${wsasync_tests_dir}/${source})
        endif()
        file(STRINGS ${source} lines REGEX "^TEST\\([A-Za-z0-9_]+\\)")
        foreach(line ${lines})
            string(REGEX REPLACE "^TEST\\(([A-Za-z0-9_]+)\\).*" "\\1" name "${line}")
            list(APPEND names ${name})
        endforeach()
    endforeach()
    set(${result} ${names} PARENT_SCOPE)
endfunction()
