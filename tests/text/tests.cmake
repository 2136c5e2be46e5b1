# q-exact text (formatting) and the q-literal parser.
qscope_add_test(tst_format LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_format.cpp
    LIBS qscope_protocol)

qscope_add_test(tst_literal LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_literal.cpp
    LIBS qscope_protocol)

qscope_add_test(tst_textvectors LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_textvectors.cpp
    LIBS qscope_protocol)
if(TARGET tst_textvectors)
    target_include_directories(tst_textvectors PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../protocol)
endif()

# q's statement rules (which lines make a statement), shared by the editor and executeFile.
qscope_add_test(tst_qstatements LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_qstatements.cpp
    LIBS qscope_protocol)
