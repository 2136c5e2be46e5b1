# node-q (npm, an independent kdb+ implementation) decoding what our encoder writes: a plain node
# script over `qscope-cli encode`. It fails, never skips, when node or node_modules is missing:
# ./build.sh test runs `npm ci` here before ctest.
if(TARGET qscope-cli)
    find_program(QSCOPE_NODE node)
    if(QSCOPE_NODE)
        add_test(NAME interop_nodeq_decode
            COMMAND ${QSCOPE_NODE} ${CMAKE_CURRENT_LIST_DIR}/encode_decode.js
                    $<TARGET_FILE:qscope-cli>)
    else()
        # echo succeeds, and WILL_FAIL turns that into a failure that shows the reason.
        add_test(NAME interop_nodeq_decode
            COMMAND ${CMAKE_COMMAND} -E echo
                    "node was not found when configuring: install nodejs and npm (./build.sh deps)")
        set_tests_properties(interop_nodeq_decode PROPERTIES WILL_FAIL ON)
    endif()
    set_tests_properties(interop_nodeq_decode PROPERTIES LABELS interop TIMEOUT 300)
endif()
