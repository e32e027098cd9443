target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/theme.cpp
    ${CMAKE_CURRENT_LIST_DIR}/theme.h
)
