target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/songcache.h
    ${CMAKE_CURRENT_LIST_DIR}/songcache.cpp
)
