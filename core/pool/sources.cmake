target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/connectionpool.h
    ${CMAKE_CURRENT_LIST_DIR}/connectionpool.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connectionpool_settings.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connector.h
    ${CMAKE_CURRENT_LIST_DIR}/connector.cpp
    ${CMAKE_CURRENT_LIST_DIR}/housekeeper.h
    ${CMAKE_CURRENT_LIST_DIR}/housekeeper.cpp
    ${CMAKE_CURRENT_LIST_DIR}/pooledconnection.h
    ${CMAKE_CURRENT_LIST_DIR}/pooledconnection.cpp
    ${CMAKE_CURRENT_LIST_DIR}/poolslot.h
    ${CMAKE_CURRENT_LIST_DIR}/sourcesite.h
    ${CMAKE_CURRENT_LIST_DIR}/waitqueue.h
    ${CMAKE_CURRENT_LIST_DIR}/waitqueue.cpp
    ${CMAKE_CURRENT_LIST_DIR}/poolstats.h
    ${CMAKE_CURRENT_LIST_DIR}/poolstats.cpp
    ${CMAKE_CURRENT_LIST_DIR}/pooledsqldriver.h
    ${CMAKE_CURRENT_LIST_DIR}/pooledsqldriver.cpp
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/poolbenchmark.h
    ${CMAKE_CURRENT_LIST_DIR}/poolbenchmark.cpp
    ${CMAKE_CURRENT_LIST_DIR}/replicastatus.h
    ${CMAKE_CURRENT_LIST_DIR}/replicastatus.cpp
    ${CMAKE_CURRENT_LIST_DIR}/replicarouter.h
    ${CMAKE_CURRENT_LIST_DIR}/replicarouter.cpp
)
