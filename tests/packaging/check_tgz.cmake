# Build the .tar.gz with CPack into a scratch folder, check it holds the three executables, the core
# library and the desktop entry, and run `qscope-cli --version` from the unpacked tree (the binaries
# find libqscope-core through their $ORIGIN-relative RPATH, so the tarball works where it lands).
set(_out ${BINARY_DIR}/test-output/packaging-tgz)
file(REMOVE_RECURSE ${_out})
file(MAKE_DIRECTORY ${_out}/unpacked)
execute_process(COMMAND cpack -G TGZ -B ${_out} --config ${BINARY_DIR}/CPackConfig.cmake
                WORKING_DIRECTORY ${BINARY_DIR} RESULT_VARIABLE _rc OUTPUT_VARIABLE _log
                ERROR_VARIABLE _log)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "cpack -G TGZ failed (${_rc}):\n${_log}")
endif()
file(GLOB _tgzs ${_out}/qscope-*.tar.gz)
list(LENGTH _tgzs _n)
if(NOT _n EQUAL 1)
    message(FATAL_ERROR "expected one qscope-*.tar.gz in ${_out}, found: ${_tgzs}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E tar xzf ${_tgzs} WORKING_DIRECTORY ${_out}/unpacked
                RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "could not unpack ${_tgzs}")
endif()
file(GLOB _tops LIST_DIRECTORIES true ${_out}/unpacked/*)
list(LENGTH _tops _n)
if(NOT _n EQUAL 1)
    message(FATAL_ERROR "expected one top-level folder in ${_tgzs}, found: ${_tops}")
endif()
foreach(_want bin/qscope bin/qscope-cli bin/qscope-demo share/applications/qscope.desktop)
    if(NOT EXISTS ${_tops}/${_want})
        message(FATAL_ERROR "the tarball lacks ${_want}")
    endif()
endforeach()
file(GLOB_RECURSE _core ${_tops}/lib*/libqscope-core.so*)
if(NOT _core)
    message(FATAL_ERROR "the tarball lacks libqscope-core.so under lib")
endif()
# A clean environment: no LD_LIBRARY_PATH pointing back into the build tree.
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH ${_tops}/bin/qscope-cli
                        --version
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _version ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "qscope-cli --version from the unpacked tarball failed (${_rc}): ${_err}")
endif()
string(FIND "${_version}" "${VERSION}" _at)
if(_at EQUAL -1)
    message(FATAL_ERROR "qscope-cli --version printed '${_version}', expected ${VERSION}")
endif()
message(STATUS "tarball ok: ${_tgzs}: ${_version}")
