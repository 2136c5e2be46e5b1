# Connection engine tests: fake servers in-process (unit), the benchmark (bench).
qscope_add_test(tst_net_connectionmanager LABEL unit TIMEOUT 120
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_connectionmanager.cpp ${CMAKE_CURRENT_LIST_DIR}/fakeqserver.h
    LIBS qscope_net Qt6::Network)
qscope_add_test(bench_net LABEL bench TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_net.cpp ${CMAKE_CURRENT_LIST_DIR}/fakeqserver.h
    LIBS qscope_net Qt6::Network)
