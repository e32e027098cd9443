# The songs layer above the library and the cache: what both front ends use.
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/songservice.h
    ${CMAKE_CURRENT_LIST_DIR}/songservice.cpp
)
