# Results, export and charts (ui/results, ui/export, ui/charts): the grid model, export read-back,
# the pane's widgets with screenshots, and the grid benchmark.
foreach(_t tst_resultmodel tst_resultexport tst_resultpane tst_resultlive)
    qscope_add_test(${_t} LABEL ui TIMEOUT 120
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/${_t}.cpp ${CMAKE_CURRENT_LIST_DIR}/resultstestdata.h
        LIBS qscope_ui)
endforeach()
qscope_add_test(bench_grid LABEL bench TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_grid.cpp LIBS qscope_ui)
foreach(_t tst_resultmodel tst_resultexport tst_resultpane tst_resultlive bench_grid)
    if(TARGET ${_t})
        target_include_directories(${_t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
    endif()
endforeach()
# The pane inside the real MainWindow against a FakeQServer (status bar statistics).
qscope_add_test(tst_resultwindow LABEL ui TIMEOUT 120
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_resultwindow.cpp LIBS qscope_ui)
if(TARGET tst_resultwindow)
    target_include_directories(tst_resultwindow PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
# Pins saved off the GUI thread, read back; the window's close saving them (PinStore).
qscope_add_test(tst_pinsave LABEL ui TIMEOUT 180
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_pinsave.cpp LIBS qscope_ui)
if(TARGET tst_pinsave)
    target_include_directories(tst_pinsave PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
# GridView, the grid that keeps nothing per row: geometry at 10M and 2^31-1 rows, keys, mouse
# ranges, row/column header clicks, delegate painting, memory; screenshots beside a QTableView.
qscope_add_test(tst_gridview LABEL ui TIMEOUT 180
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_gridview.cpp LIBS qscope_ui)
