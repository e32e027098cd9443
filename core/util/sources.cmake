target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/englishcount.h
    ${CMAKE_CURRENT_LIST_DIR}/englishcount.cpp
    ${CMAKE_CURRENT_LIST_DIR}/logging.h
    ${CMAKE_CURRENT_LIST_DIR}/logging.cpp
)
