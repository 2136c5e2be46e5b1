# Workbench UI tests: offscreen QtTest over the real widgets (label ui).
qscope_add_test(tst_qlexer LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_qlexer.cpp LIBS qscope_ui)
qscope_add_test(tst_connections LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_connections.cpp
    LIBS qscope_ui)
qscope_add_test(tst_history LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_history.cpp LIBS qscope_ui)
qscope_add_test(tst_explorer LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_explorer.cpp
    LIBS qscope_ui TIMEOUT 120)
qscope_add_test(tst_workbench LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_workbench.cpp
    LIBS qscope_ui TIMEOUT 120)
if(TARGET tst_workbench)
    # windowfixture.h, which holds FakeQServers
    target_include_directories(tst_workbench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
qscope_add_test(tst_sessions LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sessions.cpp
    LIBS qscope_ui TIMEOUT 300)
if(TARGET tst_sessions)
    # FakeQServer, the scriptable q server the net tests use
    target_include_directories(tst_sessions PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
qscope_add_test(bench_connimport LABEL bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_connimport.cpp
    LIBS qscope_ui TIMEOUT 300)
qscope_add_test(tst_editor LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_editor.cpp
    LIBS qscope_ui TIMEOUT 120)
if(TARGET tst_editor)
    target_include_directories(tst_editor PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
qscope_add_test(bench_completion LABEL bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_completion.cpp
    LIBS qscope_ui TIMEOUT 300)
# Crash-safe work: the real qscope killed with SIGKILL and restarted; the journal; crash-safe pins.
qscope_add_test(tst_recovery LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_recovery.cpp
    LIBS qscope_ui TIMEOUT 180)
if(TARGET tst_recovery AND TARGET qscope)
    add_dependencies(tst_recovery qscope)
endif()
# The size guard: the inline fetch question, the over-limit error, the capability granted.
qscope_add_test(tst_sizeguard LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sizeguard.cpp
    LIBS qscope_ui TIMEOUT 120)
if(TARGET tst_sizeguard)
    target_include_directories(tst_sizeguard PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
# The password store's rules behind the KeychainBackend seam (one secret per failure, deletions).
qscope_add_test(tst_passwords LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_passwords.cpp
    LIBS qscope_ui)
# The workbench shell: toolbar, async sends, connection tools, several servers, keyboard focus.
qscope_add_test(tst_shell LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_shell.cpp
    LIBS qscope_ui TIMEOUT 120)
if(TARGET tst_shell)
    target_include_directories(tst_shell PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
qscope_add_test(tst_passwordcommand LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_passwordcommand.cpp
    LIBS qscope_ui TIMEOUT 120)
if(TARGET tst_passwordcommand)
    target_include_directories(tst_passwordcommand PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
qscope_add_test(tst_messagebar LABEL ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_messagebar.cpp
    LIBS qscope_ui TIMEOUT 120)
if(TARGET tst_messagebar)
    target_include_directories(tst_messagebar PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../net)
endif()
