# Connection engine tests: fake servers in-process (unit), the benchmark (bench).
qscope_add_test(tst_net_connectionmanager LABEL unit TIMEOUT 120
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_connectionmanager.cpp ${CMAKE_CURRENT_LIST_DIR}/fakeqserver.h
    LIBS qscope_net Qt6::Network)
qscope_add_test(bench_net LABEL bench TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_net.cpp ${CMAKE_CURRENT_LIST_DIR}/fakeqserver.h
    LIBS qscope_net Qt6::Network)
# The engine against the real demo server in-process (unit): TCP, Unix socket, subscriptions,
# restarts, scripts, compression (in a network namespace), and TLS with a self-signed certificate.
qscope_add_test(tst_netdemo LABEL unit TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_netdemo.cpp ${CMAKE_CURRENT_LIST_DIR}/enginetestutil.h
    LIBS qscope_demo Qt6::Network)
qscope_add_test(tst_nettls LABEL unit TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_nettls.cpp ${CMAKE_CURRENT_LIST_DIR}/enginetestutil.h
    LIBS qscope_demo Qt6::Network)
# qscope-cli query and sub run as processes against the in-process demo server (unit).
qscope_add_test(tst_cli LABEL unit TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_cli.cpp
    LIBS qscope_demo Qt6::Network)
if(TARGET tst_cli AND TARGET qscope-cli)
    add_dependencies(tst_cli qscope-cli)
endif()
# Issue #16 and #14 in the engine: the per-connection size limit, confirm-size, capability 6,
# and what cancel guarantees (unit).
qscope_add_test(tst_netsafety LABEL unit TIMEOUT 120
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_netsafety.cpp ${CMAKE_CURRENT_LIST_DIR}/fakeqserver.h
    LIBS qscope_demo Qt6::Network)
