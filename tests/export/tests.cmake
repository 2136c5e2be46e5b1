# Exports and "Copy as q" read back exactly: every q type through CSV, TSV, JSON and XLSX, read by
# independent readers (Python's csv and json, openpyxl via /usr/bin/python3: readback.py), and q
# text through the literal parser. Plus the export throughput benchmark (exact vs \P 7 text).
qscope_add_test(tst_exportroundtrip LABEL ui TIMEOUT 300
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_exportroundtrip.cpp ${CMAKE_CURRENT_LIST_DIR}/readback.py
    LIBS qscope_ui)

qscope_add_test(bench_export LABEL bench TIMEOUT 600
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_export.cpp
    LIBS qscope_ui)
