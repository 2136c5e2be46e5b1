# Tickerplant logs (#18): core/tplog, the demo's log and -11!, qscope-cli tplog, the log view.
qscope_add_test(tst_tplog LABEL unit TIMEOUT 180
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_tplog.cpp ${CMAKE_CURRENT_LIST_DIR}/tplogtestutil.h
    LIBS qscope_demo qscope_tplog)
qscope_add_test(tst_tplogcli LABEL unit TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_tplogcli.cpp ${CMAKE_CURRENT_LIST_DIR}/tplogtestutil.h
    LIBS qscope_demo qscope_tplog)
if(TARGET qscope-cli)
    add_dependencies(tst_tplogcli qscope-cli)
endif()
qscope_add_test(tst_tplogview LABEL ui TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_tplogview.cpp ${CMAKE_CURRENT_LIST_DIR}/tplogtestutil.h
    LIBS qscope_ui)
qscope_add_test(bench_tplog LABEL bench TIMEOUT 600
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_tplog.cpp ${CMAKE_CURRENT_LIST_DIR}/tplogtestutil.h
    LIBS qscope_ui)
# The index published while built, for logs of few big messages.
qscope_add_test(tst_tplogedge LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_tplogedge.cpp ${CMAKE_CURRENT_LIST_DIR}/tplogtestutil.h
    LIBS qscope_tplog)
# A log truncated or appended to while open: errors, never SIGBUS.
qscope_add_test(tst_tplogtruncate LABEL ui
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_tplogtruncate.cpp ${CMAKE_CURRENT_LIST_DIR}/tplogtestutil.h
    LIBS qscope_ui)
foreach(_t tst_tplog tst_tplogcli tst_tplogview bench_tplog tst_tplogedge tst_tplogtruncate)
    if(NOT TARGET ${_t})
        continue()
    endif()
    target_include_directories(${_t} PRIVATE ${CMAKE_CURRENT_LIST_DIR}
                                             ${CMAKE_SOURCE_DIR}/tests/demo)
    target_link_libraries(${_t} PRIVATE Qt6::Network)
endforeach()
