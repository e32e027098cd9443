target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/dberror.h
    ${CMAKE_CURRENT_LIST_DIR}/dberror.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connectparams.h
    ${CMAKE_CURRENT_LIST_DIR}/connectparams.cpp
    ${CMAKE_CURRENT_LIST_DIR}/pgarray.h
    ${CMAKE_CURRENT_LIST_DIR}/pgarray.cpp
    ${CMAKE_CURRENT_LIST_DIR}/pgresult.h
    ${CMAKE_CURRENT_LIST_DIR}/pgresult.cpp
    ${CMAKE_CURRENT_LIST_DIR}/pgconnection.h
    ${CMAKE_CURRENT_LIST_DIR}/pgconnection.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sessionchanges.h
    ${CMAKE_CURRENT_LIST_DIR}/sessionchanges.cpp
    ${CMAKE_CURRENT_LIST_DIR}/databasemanager.h
    ${CMAKE_CURRENT_LIST_DIR}/databasemanager.cpp
    ${CMAKE_CURRENT_LIST_DIR}/transaction.h
    ${CMAKE_CURRENT_LIST_DIR}/transaction.cpp
)
