target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/healthchecker.h
    ${CMAKE_CURRENT_LIST_DIR}/healthchecker.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lockholders.h
    ${CMAKE_CURRENT_LIST_DIR}/lockholders.cpp
    ${CMAKE_CURRENT_LIST_DIR}/partitioncheck.h
    ${CMAKE_CURRENT_LIST_DIR}/partitioncheck.cpp
    ${CMAKE_CURRENT_LIST_DIR}/replicacheck.h
    ${CMAKE_CURRENT_LIST_DIR}/replicacheck.cpp
)
