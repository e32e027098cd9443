target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/connectionpool.h
    ${CMAKE_CURRENT_LIST_DIR}/connectionpool.cpp
    ${CMAKE_CURRENT_LIST_DIR}/poolstats.h
    ${CMAKE_CURRENT_LIST_DIR}/poolstats.cpp
    ${CMAKE_CURRENT_LIST_DIR}/pooledsqldriver.h
    ${CMAKE_CURRENT_LIST_DIR}/pooledsqldriver.cpp
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/poolbenchmark.h
    ${CMAKE_CURRENT_LIST_DIR}/poolbenchmark.cpp
)
