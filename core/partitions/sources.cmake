target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/partitionsql.h
    ${CMAKE_CURRENT_LIST_DIR}/partitionsql.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tableprivileges.h
    ${CMAKE_CURRENT_LIST_DIR}/tableprivileges.cpp
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/partitionmanager.h
    ${CMAKE_CURRENT_LIST_DIR}/partitionmanager.cpp
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/partitionmaintenance.h
    ${CMAKE_CURRENT_LIST_DIR}/partitionmaintenance.cpp
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/partitionmover.h
    ${CMAKE_CURRENT_LIST_DIR}/partitionmover.cpp
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/partitionretention.h
    ${CMAKE_CURRENT_LIST_DIR}/partitionretention.cpp
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/partitiondrift.h
    ${CMAKE_CURRENT_LIST_DIR}/partitiondrift.cpp
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/tableconversion.h
    ${CMAKE_CURRENT_LIST_DIR}/tableconversion.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tableconversionplan.cpp
    ${CMAKE_CURRENT_LIST_DIR}/conversionplan.cpp
)
