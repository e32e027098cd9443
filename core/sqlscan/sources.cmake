# PostgreSQL's lexer (libpg_query) as tokens for the GUI's syntax highlighter.
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/sqltokens.h
    ${CMAKE_CURRENT_LIST_DIR}/sqltokens.cpp
)
