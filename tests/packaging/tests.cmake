# The .deb and .tar.gz built by CPack from this build tree. The .deb must list the three executables
# and the desktop entry (dpkg-deb --contents) and depend on Debian's Qt 6 packages; the tarball must
# hold them too and run `qscope-cli --version` where it is unpacked. Run with the suite so CI checks
# both.
if(QSCOPE_BUILD_UI)
    add_test(NAME packaging_deb
             COMMAND ${CMAKE_COMMAND} -DBINARY_DIR=${CMAKE_BINARY_DIR}
                     -P ${CMAKE_CURRENT_LIST_DIR}/check_deb.cmake)
    add_test(NAME packaging_tgz
             COMMAND ${CMAKE_COMMAND} -DBINARY_DIR=${CMAKE_BINARY_DIR}
                     -DVERSION=${PROJECT_VERSION} -P ${CMAKE_CURRENT_LIST_DIR}/check_tgz.cmake)
    set_tests_properties(packaging_deb packaging_tgz PROPERTIES LABELS unit TIMEOUT 600
                         RUN_SERIAL TRUE)
endif()

# `qscope --help` and `--version` answer on a machine with no display (no X, no Wayland, no
# platform plugin chosen): they must not die in the xcb plugin.
if(TARGET qscope)
    foreach(_flag help version)
        add_test(NAME app_${_flag}_without_display
                 COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
                         --unset=QT_QPA_PLATFORM $<TARGET_FILE:qscope> --${_flag})
    endforeach()
    set_tests_properties(app_help_without_display PROPERTIES PASS_REGULAR_EXPRESSION "--demo-port")
    set_tests_properties(app_version_without_display PROPERTIES
                         PASS_REGULAR_EXPRESSION "qscope ${PROJECT_VERSION}")
    set_tests_properties(app_help_without_display app_version_without_display PROPERTIES
                         LABELS unit TIMEOUT 60)
endif()
