# Every C++ file of the project must be formatted as .clang-format says (clang-format 14, Debian 12's).
# Fails naming the files that are not, with the command that fixes them.
file(GLOB_RECURSE _files LIST_DIRECTORIES false
     ${SOURCE_DIR}/app/*.cpp ${SOURCE_DIR}/app/*.h ${SOURCE_DIR}/core/*.cpp ${SOURCE_DIR}/core/*.h
     ${SOURCE_DIR}/ui/*.cpp ${SOURCE_DIR}/ui/*.h ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.h)
list(FILTER _files EXCLUDE REGEX "/tests/data/|/node_modules/")
list(LENGTH _files _n)
if(_n LESS 100)
    message(FATAL_ERROR "found only ${_n} C++ files under ${SOURCE_DIR}: wrong source folder?")
endif()
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${_files}
                RESULT_VARIABLE _rc ERROR_VARIABLE _err OUTPUT_QUIET)
if(NOT _rc EQUAL 0)
    string(REGEX MATCHALL "[^\n]*: error:[^\n]*" _lines "${_err}")
    set(_bad)
    foreach(_l ${_lines})
        string(REGEX REPLACE ":[0-9]+:[0-9]+: error:.*" "" _f "${_l}")
        list(APPEND _bad ${_f})
    endforeach()
    list(REMOVE_DUPLICATES _bad)
    string(REPLACE ";" "\n  " _bad "${_bad}")
    message(FATAL_ERROR "not formatted as .clang-format says (fix: clang-format -i FILE):\n  ${_bad}")
endif()
message(STATUS "clang-format: ${_n} files conform")
