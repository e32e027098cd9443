target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/poolsamples.h
    ${CMAKE_CURRENT_LIST_DIR}/poolsamples.cpp
    ${CMAKE_CURRENT_LIST_DIR}/timeserieschart.h
    ${CMAKE_CURRENT_LIST_DIR}/timeserieschart.cpp
)
