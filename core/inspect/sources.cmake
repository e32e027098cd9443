target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/schemainspector.h
    ${CMAKE_CURRENT_LIST_DIR}/schemainspector.cpp
)
