target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/dashboardview.cpp
    ${CMAKE_CURRENT_LIST_DIR}/dashboardview.h
    ${CMAKE_CURRENT_LIST_DIR}/logdock.cpp
    ${CMAKE_CURRENT_LIST_DIR}/logdock.h
    ${CMAKE_CURRENT_LIST_DIR}/mainwindow.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mainwindow.h
    ${CMAKE_CURRENT_LIST_DIR}/migrationsview.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migrationsview.h
    ${CMAKE_CURRENT_LIST_DIR}/partitionsview.cpp
    ${CMAKE_CURRENT_LIST_DIR}/partitionsview.h
    ${CMAKE_CURRENT_LIST_DIR}/songsview.cpp
    ${CMAKE_CURRENT_LIST_DIR}/songsview.h
    ${CMAKE_CURRENT_LIST_DIR}/viewid.cpp
    ${CMAKE_CURRENT_LIST_DIR}/viewid.h
    ${CMAKE_CURRENT_LIST_DIR}/viewpage.cpp
    ${CMAKE_CURRENT_LIST_DIR}/viewpage.h
)
