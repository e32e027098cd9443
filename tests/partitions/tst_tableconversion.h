#pragma once

// tst_TableConversion: the plan, its refusals and a conversion under writes are in
// tst_tableconversion.cpp; the swap under a held lock and cancelling are in
// tst_tableconversion_swap.cpp.
#include "partitiontest.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "partitions/partitionmaintenance.h"
#include "partitions/tableconversion.h"
#include "testenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <atomic>
#include <thread>

using namespace melodee;
using namespace melodee::test;

// TableConversion's plan on melodee-next's real schema (the fixture's 200k tracks): the months,
// the keys extended by the partition column, the foreign keys in both directions with what
// happens to them, and refusals with the reason. Building the plan changes nothing. The plan's
// own statements are then run, in one transaction that is rolled back, to show they are valid
// SQL that ends with an equal partitioned table under the old name, melodee-next's queries
// answering as before and the trigger-enforced reference refusing what the foreign key refused.
class tst_TableConversion : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void planOnMelodeeNext();
    void planChangesNothing();
    void planStatementsRun();
    void refusals_data();
    void refusals();
    void hostileNames();
    void convertWhileWriting();
    void swapRetriesUntilLockReleased();
    void swapGivesUpWhileLocked();
    void cancelThenResume();
    void convertedTableKeepsOwnerAndPrivileges();
    void boundedName_data();
    void boundedName();

private:
    std::unique_ptr<PgConnection> session() const;
    ConversionPlan planTracks() const;
    // melodee-next's tracks by created_at, at the test's fixed time, in batches of batchRows.
    ConversionRequest tracksRequest(int batchRows) const;
    // A config on a fresh clone of melodee-next, with the default lock wait.
    AppConfig freshConfig(const QString &prefix) const;
    // As freshConfig(), with a swap that waits 200 ms per attempt for its lock.
    AppConfig lockTestConfig(const QString &prefix, int retries) const;
    // When the swap starts, blocker reads tracks in a transaction it keeps open, holding ACCESS
    // SHARE; the retries reported are collected, and on the first one the transaction ends if
    // releaseOnFirstRetry.
    static void lockAtSwap(TableConversion &conversion,
                           PgConnection &blocker,
                           QStringList *retries,
                           bool *locked,
                           bool releaseOnFirstRetry);
    // The rows of table, every column: count and a digest, in id order.
    static QString contents(const QString &dbname, const QString &table);

    AppConfig m_config;
    QDateTime m_now = QDateTime(QDate(2026, 3, 15), QTime(12, 0), Qt::UTC);
};
