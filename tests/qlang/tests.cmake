# q interpreter tests (core/qlang): primitives by family, kdb+ byte vectors, the seed script and
# hostile input under limits.
qscope_add_test(test_qlang_primitives LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_qlang_primitives.cpp LIBS qscope_qlang)
qscope_add_test(test_qlang_vectors LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_qlang_vectors.cpp LIBS qscope_qlang)
qscope_add_test(test_qlang_scripts LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_qlang_scripts.cpp LIBS qscope_qlang)
# q scripts loaded with \l by the tests (tests/qlang/data)
if(TARGET test_qlang_scripts)
    target_compile_definitions(test_qlang_scripts PRIVATE
        QLANG_DATA_DIR="${CMAKE_CURRENT_LIST_DIR}/data")
endif()
