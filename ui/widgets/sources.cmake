target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/sqlhighlighter.h
    ${CMAKE_CURRENT_LIST_DIR}/sqlhighlighter.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sqleditor.h
    ${CMAKE_CURRENT_LIST_DIR}/sqleditor.cpp
    ${CMAKE_CURRENT_LIST_DIR}/changewithoutrepaint.h
    ${CMAKE_CURRENT_LIST_DIR}/errorbanner.h
    ${CMAKE_CURRENT_LIST_DIR}/errorbanner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/partitiontimeline.h
    ${CMAKE_CURRENT_LIST_DIR}/partitiontimeline.cpp
    ${CMAKE_CURRENT_LIST_DIR}/partitiontimelinepaint.cpp
    ${CMAKE_CURRENT_LIST_DIR}/rowheaderview.h
    ${CMAKE_CURRENT_LIST_DIR}/rowheaderview.cpp
)
