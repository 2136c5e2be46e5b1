# Workbench UI tests: offscreen QtTest over the real widgets (label ui).
qscope_add_test(tst_qlexer LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_qlexer.cpp LIBS qscope_ui)
qscope_add_test(tst_connections LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_connections.cpp
    LIBS qscope_ui)
qscope_add_test(tst_history LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_history.cpp LIBS qscope_ui)
qscope_add_test(tst_explorer LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_explorer.cpp
    LIBS qscope_ui TIMEOUT 120)
qscope_add_test(tst_workbench LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_workbench.cpp
    LIBS qscope_ui TIMEOUT 120)
qscope_add_test(tst_sessions LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sessions.cpp
    LIBS qscope_ui TIMEOUT 300)
if(TARGET tst_sessions)
    # FakeQServer, the scriptable q server the net tests use
    target_include_directories(tst_sessions PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
