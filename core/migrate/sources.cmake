# The Melodee schema ships inside the binary as versioned SQL resources (:/melodee/migrations/...).
qt_add_resources(melodee_core melodee_migrations
    PREFIX /melodee/migrations
    BASE ${CMAKE_CURRENT_LIST_DIR}/sql
    FILES
        ${CMAKE_CURRENT_LIST_DIR}/sql/V0001__extensions.sql
        ${CMAKE_CURRENT_LIST_DIR}/sql/V0002__enum_types.sql
        ${CMAKE_CURRENT_LIST_DIR}/sql/V0003__static_tables.sql
        ${CMAKE_CURRENT_LIST_DIR}/sql/V0004__partitioned_parents.sql
        ${CMAKE_CURRENT_LIST_DIR}/sql/V0005__partitions.sql
        ${CMAKE_CURRENT_LIST_DIR}/sql/V0006__indexes.sql
        ${CMAKE_CURRENT_LIST_DIR}/sql/V0007__materialized_views.sql
)
target_sources(melodee_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/sqlparse.h
    ${CMAKE_CURRENT_LIST_DIR}/sqlparse.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lint.h
    ${CMAKE_CURRENT_LIST_DIR}/lint.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lintrules.cpp
    ${CMAKE_CURRENT_LIST_DIR}/livelint.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lockmodes.h
    ${CMAKE_CURRENT_LIST_DIR}/lockmodes.cpp
    ${CMAKE_CURRENT_LIST_DIR}/catalogfacts.h
    ${CMAKE_CURRENT_LIST_DIR}/catalogfacts.cpp
    ${CMAKE_CURRENT_LIST_DIR}/catalogfactsquery.cpp
    ${CMAKE_CURRENT_LIST_DIR}/rehearsaltrace.h
    ${CMAKE_CURRENT_LIST_DIR}/rehearsaltrace.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migration.h
    ${CMAKE_CURRENT_LIST_DIR}/migration.cpp
    ${CMAKE_CURRENT_LIST_DIR}/plan.h
    ${CMAKE_CURRENT_LIST_DIR}/plan.cpp
    ${CMAKE_CURRENT_LIST_DIR}/statementanalyser.h
    ${CMAKE_CURRENT_LIST_DIR}/statementanalyser.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migrationguard.h
    ${CMAKE_CURRENT_LIST_DIR}/migrationguard.cpp
    ${CMAKE_CURRENT_LIST_DIR}/partitionguard.h
    ${CMAKE_CURRENT_LIST_DIR}/partitionguard.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migrationstatus.h
    ${CMAKE_CURRENT_LIST_DIR}/migrationstatus.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migrationhistory.h
    ${CMAKE_CURRENT_LIST_DIR}/migrationhistory.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migrationengine.h
    ${CMAKE_CURRENT_LIST_DIR}/migrationengine.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migrationplanner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migrationapply.cpp
    ${CMAKE_CURRENT_LIST_DIR}/migrationworkflow.h
    ${CMAKE_CURRENT_LIST_DIR}/migrationworkflow.cpp
)
