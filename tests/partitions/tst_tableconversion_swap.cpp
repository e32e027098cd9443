// tst_TableConversion: the swap waiting for, retrying behind and giving up on a lock another
// session holds, and a conversion cancelled and resumed.
#include "tst_tableconversion.h"

AppConfig tst_TableConversion::freshConfig(const QString &prefix) const
{
    AppConfig config = m_config;
    config.database = TestEnv::melodeeNextDatabase(prefix);
    return config;
}

AppConfig tst_TableConversion::lockTestConfig(const QString &prefix, int retries) const
{
    using namespace std::chrono_literals;
    AppConfig config = freshConfig(prefix);
    config.migrate.lockTimeout = 200ms;
    config.migrate.retries = retries;
    return config;
}

void tst_TableConversion::lockAtSwap(TableConversion &conversion,
                                     PgConnection &blocker,
                                     QStringList *retries,
                                     bool *locked,
                                     bool releaseOnFirstRetry)
{
    conversion.setProgress([=, &blocker](const ConversionProgress &p) {
        if (p.phase == QLatin1String("swap") && !*locked) {
            blocker.exec("BEGIN");
            blocker.exec("SELECT name FROM tracks WHERE id = 1");
            *locked = true;
        } else if (p.phase == QLatin1String("retry")) {
            *retries << p.message;
            if (releaseOnFirstRetry && retries->size() == 1)
                blocker.exec("ROLLBACK");
        }
    });
}

QString tst_TableConversion::contents(const QString &dbname, const QString &table)
{
    return TestEnv::psql(QStringLiteral("SELECT count(*) || ' ' || md5(string_agg(md5(t::text), '' "
                                        "ORDER BY id)) FROM %1 t")
                             .arg(table),
                         dbname)
        .trimmed();
}

void tst_TableConversion::swapRetriesUntilLockReleased()
{
    // Another session's open transaction has read tracks when the swap starts, so it holds
    // ACCESS SHARE and the swap's ACCESS EXCLUSIVE lock times out. The swap is retried; the
    // transaction ends when the first retry is reported, and a later attempt swaps.
    const AppConfig config = lockTestConfig(QStringLiteral("convert_lock"), 5);
    const QString db = config.database.dbname;
    const QString before = contents(db, QStringLiteral("tracks"));
    auto blocker = PgConnection::open(config.database);
    auto conn = PartitionMaintenance::openSession(config);
    TableConversion conversion(config);
    QStringList retries;
    bool locked = false;
    lockAtSwap(conversion, *blocker, &retries, &locked, true);
    const ConversionRequest request = tracksRequest(50000);
    const ConversionResult result
        = conversion.apply(*conn, conversion.plan(*conn, request), {QStringLiteral("tester"), {}});

    QVERIFY(locked);
    QVERIFY(!retries.isEmpty());
    QVERIFY2(retries.first().startsWith(QLatin1String("retry 1/5 of the swap in ")),
             qPrintable(retries.first()));
    QVERIFY2(retries.first().contains(QLatin1String("lock timeout")), qPrintable(retries.first()));
    // Every retry was the swap's (nothing else waits for the reader's lock).
    for (const QString &r : std::as_const(retries))
        QVERIFY2(r.contains(QLatin1String(" of the swap ")), qPrintable(r));
    QCOMPARE(result.swapAttempts, int(retries.size()) + 1);
    QVERIFY(result.swapAttempts > 1);
    QCOMPARE(result.rowsVerified, 200000);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT relkind FROM pg_class WHERE oid = "
                                          "'tracks'::regclass"),
                           db)
                 .trimmed(),
             QStringLiteral("p"));
    QCOMPARE(contents(db, QStringLiteral("tracks")), before);
    QCOMPARE(contents(db, QStringLiteral("tracks_unpartitioned")), before);
}

void tst_TableConversion::swapGivesUpWhileLocked()
{
    // The reader never lets go: the swap stops after the configured retries with an error that
    // says so, nothing is swapped, tracks keeps serving reads and writes (mirrored into the
    // copy), and running the conversion again once the reader is gone finishes it.
    const AppConfig config = lockTestConfig(QStringLiteral("convert_locked"), 2);
    const QString db = config.database.dbname;
    auto blocker = PgConnection::open(config.database);
    auto conn = PartitionMaintenance::openSession(config);
    TableConversion conversion(config);
    QStringList retries;
    bool locked = false;
    lockAtSwap(conversion, *blocker, &retries, &locked, false);
    const ConversionRequest request = tracksRequest(50000);
    const ConversionPlan plan = conversion.plan(*conn, request);
    try {
        conversion.apply(*conn, plan, {QStringLiteral("tester"), {}});
        QFAIL("swapped while another transaction held a lock on tracks");
    } catch (const DbError &e) {
        QCOMPARE(e.kind(), ErrorKind::LockWait);
        QVERIFY2(e.toString().contains(QLatin1String("lock timeout")), qPrintable(e.toString()));
        QVERIFY2(e.toString().contains(
                     QLatin1String("the swap gave up after 2 retries and was rolled back; running "
                                   "the conversion again resumes it")),
                 qPrintable(e.toString()));
    }
    QCOMPARE(retries.size(), 2);
    QVERIFY(retries.last().startsWith(QLatin1String("retry 2/2 of the swap in ")));

    // Nothing swapped: tracks is the plain table, the copy beside it, the state row still copying.
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT string_agg(relname::text || ':' || relkind::text, ',' "
                                     "ORDER BY relname) FROM pg_class WHERE relname IN ('tracks', "
                                     "'tracks_partitioned', 'tracks_unpartitioned')"),
                      db)
            .trimmed(),
        QStringLiteral("tracks:r,tracks_partitioned:p"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT phase FROM melodee_conversions WHERE "
                                          "table_name = 'tracks'"),
                           db)
                 .trimmed(),
             QStringLiteral("copying"));
    // Still serving, while the reader holds on: a write lands in tracks and, through the sync
    // trigger, in the copy.
    TestEnv::psql(QStringLiteral("UPDATE tracks SET name = 'written while locked' WHERE id = 2"),
                  db);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT name FROM tracks_partitioned WHERE id = 2"), db)
                 .trimmed(),
             QStringLiteral("written while locked"));
    blocker->exec("ROLLBACK");
    const QString before = contents(db, QStringLiteral("tracks"));

    // Run again: it resumes from the state row, copies nothing more, verifies and swaps. With
    // the default lock_timeout this time: autovacuum may be analysing the new partitions, and a
    // waiting lock cancels it only after deadlock_timeout (1 s), longer than the 200 ms above.
    retries.clear();
    AppConfig patient = config;
    patient.migrate.lockTimeout = MigrateConfig().lockTimeout;
    auto patientConn = PartitionMaintenance::openSession(patient);
    TableConversion resumer(patient);
    lockAtSwap(resumer, *blocker, &retries, &locked, false); // locked already: records retries
    const std::optional<ConversionState> state
        = resumer.state(*patientConn, QStringLiteral("tracks"));
    QVERIFY(state);
    QCOMPARE(state->hash, plan.hash());
    const ConversionResult result
        = resumer.resume(*patientConn, *state, {QStringLiteral("tester"), {}});
    QVERIFY(result.resumed);
    QCOMPARE(result.batches, 0);
    QCOMPARE(result.rowsVerified, 200000);
    QCOMPARE(result.swapAttempts, int(retries.size()) + 1);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT relkind FROM pg_class WHERE oid = "
                                          "'tracks'::regclass"),
                           db)
                 .trimmed(),
             QStringLiteral("p"));
    QCOMPARE(contents(db, QStringLiteral("tracks")), before);
    QCOMPARE(contents(db, QStringLiteral("tracks_unpartitioned")), before);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT phase FROM melodee_conversions WHERE "
                                          "table_name = 'tracks'"),
                           db)
                 .trimmed(),
             QStringLiteral("swapped"));
}

void tst_TableConversion::cancelThenResume()
{
    // A stop requested while the second batch runs cancels it on the server: the batch rolls
    // back whole, the state row keeps the first one, nothing is swapped, and resuming finishes
    // with every row.
    const AppConfig config = freshConfig(QStringLiteral("convert_cancel"));
    const QString db = config.database.dbname;
    const QString before = contents(db, QStringLiteral("tracks"));
    auto conn = PartitionMaintenance::openSession(config);
    auto watcher = PgConnection::open(config.database);
    TableConversion conversion(config);
    std::stop_source stop;
    std::atomic<bool> cancelled = false;
    std::atomic<bool> finished = false;
    // Requests the stop once the second batch's INSERT is running on the server.
    std::thread canceller;
    conversion.setProgress([&](const ConversionProgress &p) {
        if (p.phase == QLatin1String("copy") && p.copiedThrough == 50000) {
            canceller = std::thread([&] {
                while (!watcher
                            ->exec("SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = "
                                   "current_database() AND state = 'active' AND query LIKE "
                                   "'INSERT INTO \"public\".\"tracks_partitioned\"%')")
                            .toBool(0, 0)) {
                    if (finished)
                        return;
                    std::this_thread::yield();
                }
                stop.request_stop();
                cancelled = true;
            });
        }
    });
    const ConversionRequest request = tracksRequest(50000);
    const ConversionPlan plan = conversion.plan(*conn, request);
    try {
        conversion.apply(*conn, plan, {QStringLiteral("tester"), {}, stop.get_token()});
        finished = true;
        if (canceller.joinable())
            canceller.join();
        QFAIL("the conversion ran on after a stop was requested");
    } catch (const DbError &e) {
        finished = true;
        if (canceller.joinable())
            canceller.join();
        QVERIFY2(e.isCancelled(), qPrintable(e.toString()));
    }
    QVERIFY(cancelled);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT phase || ' ' || copied_through || ' ' || "
                                          "rows_copied FROM melodee_conversions WHERE table_name "
                                          "= 'tracks'"),
                           db)
                 .trimmed(),
             QStringLiteral("copying 50000 50000"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM tracks_partitioned"), db).trimmed(),
             QStringLiteral("50000"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT relkind FROM pg_class WHERE oid = "
                                          "'tracks'::regclass"),
                           db)
                 .trimmed(),
             QStringLiteral("r"));

    conversion.setProgress({});
    const std::optional<ConversionState> state = conversion.state(*conn, QStringLiteral("tracks"));
    QVERIFY(state);
    const ConversionResult result
        = conversion.resume(*conn, *state, {QStringLiteral("tester"), {}});
    QCOMPARE(result.rowsCopied, 200000);
    QCOMPARE(result.batches, 3);
    QCOMPARE(contents(db, QStringLiteral("tracks")), before);
}

void tst_TableConversion::convertedTableKeepsOwnerAndPrivileges()
{
    // The application's role owns tracks and a reporting role may read it; a superuser runs the
    // conversion. The partitioned table, and each partition, has the same owner and privileges.
    // The default lock wait: autovacuum may hold a lock on the copied table when the swap comes.
    const AppConfig config = freshConfig(QStringLiteral("convert_acl"));
    const QString db = config.database.dbname;
    const QString reader
        = grantToTestRoles(config.database,
                           QStringLiteral("ALTER TABLE tracks OWNER TO %1; GRANT SELECT ON tracks "
                                          "TO %2; GRANT INSERT ON tracks TO %2 WITH GRANT OPTION"))
              .reader;
    const QString before = ownerAndPrivileges(QStringLiteral("tracks"), config.database);
    QVERIFY2(before.contains(QLatin1String("reader")), qPrintable(before));
    auto conn = PartitionMaintenance::openSession(config);
    TableConversion conversion(config);
    const ConversionRequest request = tracksRequest(100000);
    const ConversionPlan plan = conversion.plan(*conn, request);
    QVERIFY2(plan.script().contains(
                 QStringLiteral("GRANT INSERT ON TABLE \"public\".\"tracks_2024_05\" TO %1 WITH "
                                "GRANT OPTION")
                     .arg(reader)),
             qPrintable(plan.script()));
    conversion.apply(*conn, plan, {QStringLiteral("tester"), {}});
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT relkind FROM pg_class WHERE oid = "
                                          "'tracks'::regclass"),
                           db),
             QStringLiteral("p"));
    for (const QString &table : {QStringLiteral("tracks"),
                                 QStringLiteral("tracks_2024_05"),
                                 QStringLiteral("tracks_default")})
        QCOMPARE(ownerAndPrivileges(table, config.database), before);
}
