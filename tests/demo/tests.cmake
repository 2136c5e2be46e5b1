# Demo server (qscope-demo): in-process server driven over sockets, node-q interop, load bench.
qscope_add_test(tst_demoserver LABEL unit TIMEOUT 120
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_demoserver.cpp ${CMAKE_CURRENT_LIST_DIR}/qtestclient.h
    LIBS qscope_demo)
qscope_add_test(tst_demoparts LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_demoparts.cpp
    LIBS qscope_demo)
qscope_add_test(tst_demointerop LABEL interop TIMEOUT 120
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_demointerop.cpp
    LIBS qscope_demo)
qscope_add_test(bench_demoload LABEL bench TIMEOUT 180
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_demoload.cpp ${CMAKE_CURRENT_LIST_DIR}/qtestclient.h
    LIBS qscope_demo)
# Demo q fidelity (issue 17): timers, \l with \d, mismatched upd, the qscope agent in a plant.
qscope_add_test(tst_demoqfidelity LABEL unit TIMEOUT 120
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_demoqfidelity.cpp ${CMAKE_CURRENT_LIST_DIR}/qtestclient.h
    LIBS qscope_demo)
foreach(_t tst_demoserver tst_demoparts tst_demointerop bench_demoload tst_demoqfidelity)
    if(TARGET ${_t})
        target_include_directories(${_t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
        target_link_libraries(${_t} PRIVATE Qt6::Network)
    endif()
endforeach()
# The real qscope-demo binary's console, with lines piped on stdin.
qscope_add_test(tst_democonsole LABEL unit TIMEOUT 120
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_democonsole.cpp LIBS Qt6::Core)
if(TARGET tst_democonsole AND TARGET qscope-demo)
    add_dependencies(tst_democonsole qscope-demo)
endif()
if(TARGET tst_demoqfidelity AND TARGET qscope-demo)
    add_dependencies(tst_demoqfidelity qscope-demo) # cliPlantAgent runs the binary
endif()
