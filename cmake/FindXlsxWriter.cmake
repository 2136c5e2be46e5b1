# libxlsxwriter: Debian ships a pkg-config file but no CMake config.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
    pkg_check_modules(PC_XLSXWRITER QUIET xlsxwriter)
endif()
find_path(XlsxWriter_INCLUDE_DIR xlsxwriter.h HINTS ${PC_XLSXWRITER_INCLUDE_DIRS})
find_library(XlsxWriter_LIBRARY NAMES xlsxwriter HINTS ${PC_XLSXWRITER_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(XlsxWriter DEFAULT_MSG XlsxWriter_LIBRARY XlsxWriter_INCLUDE_DIR)
if(XlsxWriter_FOUND AND NOT TARGET XlsxWriter::XlsxWriter)
    add_library(XlsxWriter::XlsxWriter UNKNOWN IMPORTED)
    set_target_properties(XlsxWriter::XlsxWriter PROPERTIES
        IMPORTED_LOCATION "${XlsxWriter_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${XlsxWriter_INCLUDE_DIR}")
endif()
