# The connection the app works on: the pool, its health, start-up and the network threads.
target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/connectionsession.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connectionsession.h
    ${CMAKE_CURRENT_LIST_DIR}/healthmonitor.cpp
    ${CMAKE_CURRENT_LIST_DIR}/healthmonitor.h
    ${CMAKE_CURRENT_LIST_DIR}/startup.cpp
    ${CMAKE_CURRENT_LIST_DIR}/startup.h
    ${CMAKE_CURRENT_LIST_DIR}/workers.cpp
    ${CMAKE_CURRENT_LIST_DIR}/workers.h
)
