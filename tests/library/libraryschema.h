#pragma once

#include "config/appconfig.h"
#include "partitions/partitionsql.h"

#include <QList>

namespace melodee::test {

// Creates the Melodee schema in a fresh database with `melodee migrate` (the real engine)
// and adds monthly partitions for `months`, so the
// library tests run on exactly the tables the engine creates.
DatabaseConfig createLibraryDatabase(const QString &prefix, const QList<Month> &months);

// Months [first, first + count).
QList<Month> months(const Month &first, int count);

} // namespace melodee::test
