# GUI translations. Every translations/melodee-admin_<lang>.ts is compiled with lrelease and
# embedded under :/i18n in melodee_ui, so melodee-admin and the GUI tests load the very same
# .qm files. `ninja update_translations` runs lupdate over ui/ and app/ (see
# docs/translations.md).
target_sources(melodee_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/numberformat.cpp
    ${CMAKE_CURRENT_LIST_DIR}/numberformat.h
    ${CMAKE_CURRENT_LIST_DIR}/translator.cpp
    ${CMAKE_CURRENT_LIST_DIR}/translator.h
)

file(GLOB MELODEE_TS_FILES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/translations/melodee-admin_*.ts)
set(MELODEE_TS_FILES ${MELODEE_TS_FILES} CACHE INTERNAL "The GUI's .ts files")
# lupdate reads every GUI source: ui/ and app/ (melodee-admin's command-line help). The CLI
# stays English by design, so core/ is not scanned. tests/i18n runs lupdate over the same dirs.
file(GLOB_RECURSE MELODEE_TR_SOURCES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/ui/*.cpp ${PROJECT_SOURCE_DIR}/ui/*.h
     ${PROJECT_SOURCE_DIR}/app/*.cpp ${PROJECT_SOURCE_DIR}/app/*.h)
if(MELODEE_TS_FILES)
    qt_add_translations(melodee_ui
        TS_FILES ${MELODEE_TS_FILES}
        SOURCES ${MELODEE_TR_SOURCES}
        RESOURCE_PREFIX /i18n
        # No line numbers and no obsolete entries: the .ts diffs then show only real changes.
        LUPDATE_OPTIONS -no-obsolete -locations none)
endif()

# English needs a catalogue too, for plurals only: the source says "%n year(s)", the catalogue
# "1 year" / "2 years" (Qt's recommended way, `lupdate -pluralonly`). It lives in its own folder
# so the glob above (full catalogues) does not take it in.
set(MELODEE_EN_TS ${PROJECT_SOURCE_DIR}/translations/en/melodee-admin_en.ts)
set(MELODEE_EN_QM ${CMAKE_CURRENT_BINARY_DIR}/i18n-en/melodee-admin_en.qm)
add_custom_command(OUTPUT ${MELODEE_EN_QM}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/i18n-en
    COMMAND Qt6::lrelease -silent ${MELODEE_EN_TS} -qm ${MELODEE_EN_QM}
    DEPENDS ${MELODEE_EN_TS} Qt6::lrelease
    VERBATIM)
qt_add_resources(melodee_ui melodee_en_plurals
    PREFIX /i18n
    BASE ${CMAKE_CURRENT_BINARY_DIR}/i18n-en
    FILES ${MELODEE_EN_QM})
add_custom_target(update_english_plurals
    COMMAND Qt6::lupdate -pluralonly -no-obsolete -locations none -target-language en
            ui app -ts ${MELODEE_EN_TS}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    VERBATIM)
if(TARGET update_translations)
    add_dependencies(update_translations update_english_plurals)
endif()
