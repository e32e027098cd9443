target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/healthchecker.h
    ${CMAKE_CURRENT_LIST_DIR}/healthchecker.cpp
)
