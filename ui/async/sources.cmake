target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/backgroundtask.h
    ${CMAKE_CURRENT_LIST_DIR}/cancelhandle.h
    ${CMAKE_CURRENT_LIST_DIR}/whenfinished.h
)
