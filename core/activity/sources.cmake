target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/serveractivity.h
    ${CMAKE_CURRENT_LIST_DIR}/serveractivity.cpp
    ${CMAKE_CURRENT_LIST_DIR}/servervitals.h
    ${CMAKE_CURRENT_LIST_DIR}/servervitals.cpp
)
