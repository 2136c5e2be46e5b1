# Protocol codec tests: real kdb+ vectors, robustness, the CLI, and the benchmark.
qscope_add_test(tst_codecvectors LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_codecvectors.cpp ${CMAKE_CURRENT_LIST_DIR}/vectorfiles.h
    LIBS qscope_protocol)

qscope_add_test(tst_codecrobust LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_codecrobust.cpp ${CMAKE_CURRENT_LIST_DIR}/vectorfiles.h
    LIBS qscope_protocol)

qscope_add_test(tst_clicodec LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_clicodec.cpp ${CMAKE_CURRENT_LIST_DIR}/vectorfiles.h
    LIBS Qt6::Core)
if(TARGET tst_clicodec AND TARGET qscope-cli)
    add_dependencies(tst_clicodec qscope-cli)
endif()

qscope_add_test(bench_protocol LABEL bench TIMEOUT 600
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_protocol.cpp
    LIBS qscope_protocol)

foreach(_t tst_codecvectors tst_codecrobust tst_clicodec)
    if(TARGET ${_t})
        target_include_directories(${_t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
    endif()
endforeach()
