# Strict build settings shared by every target (after qBittorrent's CommonConfig.cmake).
add_library(qscope_flags INTERFACE)
target_compile_features(qscope_flags INTERFACE cxx_std_20)
target_compile_options(qscope_flags INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(QSCOPE_WERROR)
    target_compile_options(qscope_flags INTERFACE -Werror)
endif()
target_compile_definitions(qscope_flags INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    QT_NO_FOREACH)

if(QSCOPE_SANITIZE)
    # e.g. -DQSCOPE_SANITIZE=address,undefined  or  -DQSCOPE_SANITIZE=thread
    target_compile_options(qscope_flags INTERFACE -fsanitize=${QSCOPE_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(qscope_flags INTERFACE -fsanitize=${QSCOPE_SANITIZE})
endif()
