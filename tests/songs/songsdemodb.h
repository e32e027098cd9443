#pragma once

#include "testenv.h"

#include <QtGlobal>

namespace melodee::test {

inline QString dsnFor(const DatabaseConfig &db)
{
    return QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
        .arg(db.host)
        .arg(db.port)
        .arg(db.dbname);
}

// A fresh database built by `melodee migrate` and filled by `melodee demo-data` (which ANALYZEs,
// so the model's estimate comes from real statistics).
inline DatabaseConfig createDemoDatabase(const QString &prefix, int songs)
{
    const DatabaseConfig db = TestEnv::freshDatabase(prefix);
    auto r = TestEnv::runCli({QStringLiteral("migrate"), QStringLiteral("--dsn"), dsnFor(db)});
    if (r.exitCode != 0)
        qFatal("melodee migrate failed (%d): %s", r.exitCode, qPrintable(r.err));
    r = TestEnv::runCli({QStringLiteral("demo-data"),
                         QStringLiteral("--dsn"),
                         dsnFor(db),
                         QStringLiteral("--songs"),
                         QString::number(songs),
                         QStringLiteral("--seed"),
                         QStringLiteral("1")},
                        {},
                        300000);
    if (r.exitCode != 0)
        qFatal("melodee demo-data failed (%d): %s", r.exitCode, qPrintable(r.err));
    return db;
}

} // namespace melodee::test
