target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/task.h
    ${CMAKE_CURRENT_LIST_DIR}/task.cpp
)
