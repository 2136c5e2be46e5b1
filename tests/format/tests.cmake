# clang-format conformance of every C++ file (the repository's .clang-format). Missing clang-format
# fails the test with the reason instead of leaving it out.
find_program(QSCOPE_CLANG_FORMAT NAMES clang-format-14 clang-format)
if(QSCOPE_CLANG_FORMAT)
    add_test(NAME format_check
             COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
                     -DCLANG_FORMAT=${QSCOPE_CLANG_FORMAT}
                     -P ${CMAKE_CURRENT_LIST_DIR}/check_format.cmake)
else()
    # echo succeeds, and WILL_FAIL turns that into a failure that shows the reason.
    add_test(NAME format_check
             COMMAND ${CMAKE_COMMAND} -E echo
                     "clang-format was not found when configuring: install clang-format (./build.sh deps)")
    set_tests_properties(format_check PROPERTIES WILL_FAIL ON)
endif()
set_tests_properties(format_check PROPERTIES LABELS unit TIMEOUT 300)
