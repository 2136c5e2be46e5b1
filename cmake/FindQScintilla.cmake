# QScintilla for Qt 6 ships no CMake config on Debian: find the library and Qsci/ headers by hand.
find_package(Qt6 COMPONENTS Core QUIET)
get_target_property(_qt6_core_inc Qt6::Core INTERFACE_INCLUDE_DIRECTORIES)
find_path(QScintilla_INCLUDE_DIR Qsci/qsciscintilla.h
    HINTS ${_qt6_core_inc} /usr/include/x86_64-linux-gnu/qt6 /usr/include/qt6
)
find_library(QScintilla_LIBRARY NAMES qscintilla2_qt6 qscintilla2_qt6d)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(QScintilla DEFAULT_MSG QScintilla_LIBRARY QScintilla_INCLUDE_DIR)
if(QScintilla_FOUND AND NOT TARGET QScintilla::QScintilla)
    add_library(QScintilla::QScintilla UNKNOWN IMPORTED)
    set_target_properties(QScintilla::QScintilla PROPERTIES
        IMPORTED_LOCATION "${QScintilla_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${QScintilla_INCLUDE_DIR}"
        INTERFACE_COMPILE_DEFINITIONS "QSCINTILLA_DLL")
endif()
