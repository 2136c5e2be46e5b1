# The .deb built by CPack from this build tree must list the three executables and the desktop entry
# (dpkg-deb --contents) and depend on Debian's Qt 6 packages. Runs with the suite so CI checks it.
if(QSCOPE_BUILD_UI)
    add_test(NAME packaging_deb
             COMMAND ${CMAKE_COMMAND} -DBINARY_DIR=${CMAKE_BINARY_DIR}
                     -P ${CMAKE_CURRENT_LIST_DIR}/check_deb.cmake)
    set_tests_properties(packaging_deb PROPERTIES LABELS unit TIMEOUT 600 RUN_SERIAL TRUE)
endif()
