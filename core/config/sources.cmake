target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/appconfig.h
    ${CMAKE_CURRENT_LIST_DIR}/appconfig.cpp
    ${CMAKE_CURRENT_LIST_DIR}/duration.h
    ${CMAKE_CURRENT_LIST_DIR}/duration.cpp
    ${CMAKE_CURRENT_LIST_DIR}/conninfo.h
    ${CMAKE_CURRENT_LIST_DIR}/conninfo.cpp
    ${CMAKE_CURRENT_LIST_DIR}/configloader.h
    ${CMAKE_CURRENT_LIST_DIR}/configloader.cpp
    ${CMAKE_CURRENT_LIST_DIR}/configkeys.h
    ${CMAKE_CURRENT_LIST_DIR}/poolingkeys.cpp
    ${CMAKE_CURRENT_LIST_DIR}/profilestore.h
    ${CMAKE_CURRENT_LIST_DIR}/profilestore.cpp
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/configsources.h
    ${CMAKE_CURRENT_LIST_DIR}/configsources.cpp
)
