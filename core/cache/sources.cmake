target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/songcache.h
    ${CMAKE_CURRENT_LIST_DIR}/songcache.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cachedsongrepository.h
    ${CMAKE_CURRENT_LIST_DIR}/cachedsongrepository.cpp
)
