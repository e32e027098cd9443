target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/partitionsql.h
    ${CMAKE_CURRENT_LIST_DIR}/partitionsql.cpp
)
