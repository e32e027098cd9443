target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/namenormalizer.h
    ${CMAKE_CURRENT_LIST_DIR}/namenormalizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/song.h
    ${CMAKE_CURRENT_LIST_DIR}/song.cpp
    ${CMAKE_CURRENT_LIST_DIR}/songquery.h
    ${CMAKE_CURRENT_LIST_DIR}/songquery.cpp
    ${CMAKE_CURRENT_LIST_DIR}/songsql.h
    ${CMAKE_CURRENT_LIST_DIR}/songsql.cpp
    ${CMAKE_CURRENT_LIST_DIR}/songbrowser.h
    ${CMAKE_CURRENT_LIST_DIR}/songbrowser.cpp
    ${CMAKE_CURRENT_LIST_DIR}/songrepository.h
    ${CMAKE_CURRENT_LIST_DIR}/songrepository.cpp
    ${CMAKE_CURRENT_LIST_DIR}/demodatarows.h
    ${CMAKE_CURRENT_LIST_DIR}/demodatarows.cpp
    ${CMAKE_CURRENT_LIST_DIR}/demodata.h
    ${CMAKE_CURRENT_LIST_DIR}/demodata.cpp
)
