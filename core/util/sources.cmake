target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/error.h
    ${CMAKE_CURRENT_LIST_DIR}/error.cpp
    ${CMAKE_CURRENT_LIST_DIR}/errorkind.h
    ${CMAKE_CURRENT_LIST_DIR}/loglevel.h
    ${CMAKE_CURRENT_LIST_DIR}/loglevel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/redactor.h
    ${CMAKE_CURRENT_LIST_DIR}/redactor.cpp
    ${CMAKE_CURRENT_LIST_DIR}/englishcount.h
    ${CMAKE_CURRENT_LIST_DIR}/englishcount.cpp
    ${CMAKE_CURRENT_LIST_DIR}/logging.h
    ${CMAKE_CURRENT_LIST_DIR}/logging.cpp
)
