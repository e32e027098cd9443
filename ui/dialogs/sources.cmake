target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/connectionprofilesdialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connectionprofilesdialog_layout.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connectionprofilesdialog_keychain.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connectionprofilesdialog_changes.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connectionprofilesdialog.h
    ${CMAKE_CURRENT_LIST_DIR}/connectionproblem.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connectionproblem.h
)
