# About dialog, build facts and `melodee-admin --self-check` (used by the install test).
target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/aboutdialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/aboutdialog.h
    ${CMAKE_CURRENT_LIST_DIR}/buildinfo.cpp
    ${CMAKE_CURRENT_LIST_DIR}/buildinfo.h
    ${CMAKE_CURRENT_LIST_DIR}/licenceinfo.cpp
    ${CMAKE_CURRENT_LIST_DIR}/licenceinfo.h
    ${CMAKE_CURRENT_LIST_DIR}/selfcheck.cpp
    ${CMAKE_CURRENT_LIST_DIR}/selfcheck.h
)

# string(TIMESTAMP) honours SOURCE_DATE_EPOCH, so packagers get reproducible builds.
string(TIMESTAMP MELODEE_BUILD_DATE "%Y-%m-%d" UTC)
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/buildinfo.cpp PROPERTIES
    COMPILE_DEFINITIONS "MELODEE_BUILD_DATE=\"${MELODEE_BUILD_DATE}\"")

# The licence texts and the icon (a PNG: no SVG plugin needed) travel inside the binary for the
# About dialog.
qt_add_resources(melodee_ui "melodee_about"
    PREFIX /licences
    BASE ${PROJECT_SOURCE_DIR}
    FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/THIRD-PARTY-NOTICES)
qt_add_resources(melodee_ui "melodee_icons"
    PREFIX /icons
    BASE ${PROJECT_SOURCE_DIR}/resources/icons/hicolor/256x256/apps
    FILES ${PROJECT_SOURCE_DIR}/resources/icons/hicolor/256x256/apps/melodee-admin.png)
