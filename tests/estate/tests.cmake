# The estate (ui/estate) against a whole demo plant (core/demo/plant.h) over real IPC: the
# plant's introspection, discovery, the poller's alerts and its silence while hidden, the view.
if(EXISTS ${CMAKE_SOURCE_DIR}/core/demo/plant.h)
    qscope_add_test(tst_estate LABEL ui TIMEOUT 120
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_estate.cpp
                ${CMAKE_SOURCE_DIR}/tests/demo/qtestclient.h
        LIBS qscope_ui)
    if(TARGET tst_estate)
        target_include_directories(tst_estate PRIVATE ${CMAKE_SOURCE_DIR}/tests/demo)
        target_link_libraries(tst_estate PRIVATE Qt6::Network)
    endif()
endif()
# 200 processes (29 plants in a qscope-demo --plant process) watched at 1 s: figures only.
qscope_add_test(bench_estate LABEL bench TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_estate.cpp LIBS qscope_ui)
if(TARGET bench_estate AND TARGET qscope-demo)
    add_dependencies(bench_estate qscope-demo)
endif()
if(TARGET bench_estate AND TARGET qscope-cli)
    add_dependencies(bench_estate qscope-cli)
endif()
# qscope-cli estate as a process against an in-process plant: the JSON model, --watch, errors.
if(EXISTS ${CMAKE_SOURCE_DIR}/core/demo/plant.h)
    qscope_add_test(tst_estatecli LABEL unit TIMEOUT 180
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_estatecli.cpp LIBS qscope_demo)
    if(TARGET tst_estatecli)
        target_link_libraries(tst_estatecli PRIVATE Qt6::Network)
        if(TARGET qscope-cli)
            add_dependencies(tst_estatecli qscope-cli)
        endif()
    endif()
endif()
# EstateState from answers made in the test: the rules, history rings, raised alerts.
qscope_add_test(tst_estatestate LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_estatestate.cpp ${CMAKE_CURRENT_LIST_DIR}/estateanswers.h
    LIBS qscope_estate)
# Desktop notifications of alerts: the seam, and a private D-Bus session bus with a fake service.
qscope_add_test(tst_estatenotify LABEL ui
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_estatenotify.cpp ${CMAKE_CURRENT_LIST_DIR}/estateanswers.h
    LIBS qscope_ui)
if(TARGET tst_estatenotify)
    target_link_libraries(tst_estatenotify PRIVATE Qt6::DBus)
endif()
# EstateState against a long flapping watch and malformed poll answers.
qscope_add_test(tst_estatehostile LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_estatehostile.cpp ${CMAKE_CURRENT_LIST_DIR}/estateanswers.h
    LIBS qscope_estate)
# Notifications when one round raises many alerts.
qscope_add_test(tst_estatenotifyflood LABEL ui
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_estatenotifyflood.cpp ${CMAKE_CURRENT_LIST_DIR}/estateanswers.h
    LIBS qscope_ui)
