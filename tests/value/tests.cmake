qscope_add_test(test_value LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_value.cpp
                LIBS qscope_protocol)
