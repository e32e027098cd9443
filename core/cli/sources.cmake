target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/cliapp.h
    ${CMAKE_CURRENT_LIST_DIR}/cliapp.cpp
    ${CMAKE_CURRENT_LIST_DIR}/clicontext.h
    ${CMAKE_CURRENT_LIST_DIR}/clicontext.cpp
    ${CMAKE_CURRENT_LIST_DIR}/commands.h
    ${CMAKE_CURRENT_LIST_DIR}/commands.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cmd_health.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cmd_songs.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cmd_demodata.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cmd_migrate.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cmd_partitions.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cmd_refreshviews.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cmd_bench.cpp
)
