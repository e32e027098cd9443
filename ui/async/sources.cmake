target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/whenfinished.h
)
