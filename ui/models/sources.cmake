target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/activitymodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/activitymodel.h
    ${CMAKE_CURRENT_LIST_DIR}/conversionfindingsmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/conversionfindingsmodel.h
    ${CMAKE_CURRENT_LIST_DIR}/lockwaitmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lockwaitmodel.h
    ${CMAKE_CURRENT_LIST_DIR}/logfiltermodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/logfiltermodel.h
    ${CMAKE_CURRENT_LIST_DIR}/logmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/logmodel.h
    ${CMAKE_CURRENT_LIST_DIR}/migrationlistmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migrationlistmodel.h
    ${CMAKE_CURRENT_LIST_DIR}/partitionvacuummodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/partitionvacuummodel.h
    ${CMAKE_CURRENT_LIST_DIR}/songtablemodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/songtablemodel.h
)
