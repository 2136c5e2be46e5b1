qscope_add_test(test_value LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_value.cpp
                LIBS qscope_protocol)
qscope_add_test(tst_columnops LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_columnops.cpp
                LIBS qscope_protocol)
