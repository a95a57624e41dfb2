# SPDX-License-Identifier: LGPL-2.1-or-later
# Checks docs/CONFORMANCE.md against the runner's list of tests, as the CTest test
# conformance_doc (tests/CMakeLists.txt):
#   cmake -DDOC=<CONFORMANCE.md> -DSOURCES=<source,source,...> -DLIST_FILES=<CMakeLists.txt,...>
#         -P check-conformance.cmake
# Every TEST(name) of the runner's SOURCES must be named (`name`) in the tests column of the
# doc's clause table, and every name there must be a test: one of those TEST()s, or a test that
# one of the CMake LIST_FILES adds by name (add_test(NAME name ...), wsasync_wine_test(name ...)),
# whether or not this build has the tools to run it.
include(${CMAKE_CURRENT_LIST_DIR}/test-names.cmake)

string(REPLACE "," ";" SOURCES "${SOURCES}")
string(REPLACE "," ";" LIST_FILES "${LIST_FILES}")
wsasync_test_names(runner_tests ${SOURCES})

# The rows of the table under "## Clause by clause" ("| §..."), their last cell. Semicolons
# would split CMake's lists.
file(READ "${DOC}" doc)
string(REPLACE ";" "," doc "${doc}")
string(REPLACE "\n" ";" doc "${doc}")
set(documented)
set(in_section FALSE)
foreach(row IN LISTS doc)
    if(row MATCHES "^## ")
        string(COMPARE EQUAL "${row}" "## Clause by clause" in_section)
    endif()
    if(NOT in_section OR NOT row MATCHES "^\\| §")
        continue()
    endif()
    string(REGEX MATCH "\\|[^|]*\\|[ ]*$" cell "${row}")
    string(REGEX MATCHALL "`[a-z][a-z0-9_]*`" names "${cell}")
    string(REPLACE "`" "" names "${names}")
    list(APPEND documented ${names})
endforeach()
if(NOT documented)
    message(FATAL_ERROR "${DOC}: no test names in the table under \"## Clause by clause\"")
endif()
list(REMOVE_DUPLICATES documented)

set(known ${runner_tests})
foreach(list_file IN LISTS LIST_FILES)
    file(READ "${list_file}" text)
    string(REGEX MATCHALL "(add_test\\(NAME|wsasync_wine_test\\()[ \t\n]*[a-z][a-z0-9_]*" added "${text}")
    string(REGEX REPLACE "(add_test\\(NAME|wsasync_wine_test\\()[ \t\n]*" "" added "${added}")
    list(APPEND known ${added})
endforeach()

set(undocumented ${runner_tests})
list(REMOVE_ITEM undocumented ${documented})
set(unknown ${documented})
list(REMOVE_ITEM unknown ${known})
if(undocumented OR unknown)
    foreach(names undocumented unknown)
        string(REPLACE ";" " " ${names} "${${names}}")
        if(NOT ${names})
            set(${names} none)
        endif()
    endforeach()
    message(FATAL_ERROR "${DOC} against the runner's tests: expected every TEST() in its clause table "
                        "and only tests there; not in the table: ${undocumented}; "
                        "in the table but no such test: ${unknown}")
endif()
list(LENGTH runner_tests count)
list(LENGTH documented named)
message("docs/CONFORMANCE.md names all ${count} tests of the runner's sources, and ${named} names in all, each a test")
