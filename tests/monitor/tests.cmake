# The live monitor (ui/monitor): models from constructed values, the views against an in-process
# DemoServer, and the feed benchmark (an in-test publisher through the real engine).
qscope_add_test(tst_feedmodels LABEL ui
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_feedmodels.cpp ${CMAKE_CURRENT_LIST_DIR}/monitortestdata.h
    LIBS qscope_ui_monitor)

# The view tests need the demo server in qscope_core (core/demo/demoserver.h).
if(EXISTS ${CMAKE_SOURCE_DIR}/core/demo/demoserver.h)
    qscope_add_test(tst_feedview LABEL ui TIMEOUT 120
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_feedview.cpp LIBS qscope_ui_monitor)
    qscope_add_test(tst_handlesview LABEL ui TIMEOUT 120
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_handlesview.cpp LIBS qscope_ui_monitor)
    qscope_add_test(tst_framesview LABEL ui TIMEOUT 60
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_framesview.cpp LIBS qscope_ui_monitor)
endif()

qscope_add_test(bench_feed LABEL bench TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_feed.cpp ${CMAKE_CURRENT_LIST_DIR}/monitortestdata.h
    LIBS qscope_ui_monitor)

foreach(_t tst_feedmodels tst_feedview tst_handlesview tst_framesview bench_feed)
    if(TARGET ${_t})
        target_include_directories(${_t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
    endif()
endforeach()

# Sessions you can trust (#14): the real MainWindow against a FakeQServer tickerplant.
qscope_add_test(tst_activity LABEL ui TIMEOUT 180
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_activity.cpp LIBS qscope_ui)
if(TARGET tst_activity)
    target_include_directories(tst_activity PRIVATE ${CMAKE_CURRENT_LIST_DIR}
        ${CMAKE_SOURCE_DIR}/tests/net)
endif()

# 1,000 connections through the app's own models with the GUI thread watched (#16).
if(EXISTS ${CMAKE_SOURCE_DIR}/core/demo/demoserver.h)
    qscope_add_test(tst_manyconnections LABEL ui TIMEOUT 240
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_manyconnections.cpp LIBS qscope_ui)
endif()
