#include "tst_tableconversion.h"

void tst_TableConversion::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_config.database = TestEnv::melodeeNextDatabase(QStringLiteral("convert"));
}

std::unique_ptr<PgConnection> tst_TableConversion::session() const
{
    return PartitionMaintenance::openSession(m_config);
}

ConversionRequest tst_TableConversion::tracksRequest(int batchRows) const
{
    ConversionRequest request;
    request.table = QStringLiteral("tracks");
    request.column = QStringLiteral("created_at");
    request.now = m_now;
    request.premakeMonths = 6;
    request.batchRows = batchRows;
    return request;
}

ConversionPlan tst_TableConversion::planTracks() const
{
    auto conn = session();
    return TableConversion(m_config).plan(*conn, tracksRequest(ConversionRequest().batchRows));
}

void tst_TableConversion::planOnMelodeeNext()
{
    const ConversionPlan p = planTracks();
    QCOMPARE(p.schema, QStringLiteral("public"));
    QCOMPARE(p.columnType, QStringLiteral("timestamp with time zone"));
    QCOMPARE(p.idColumn, QStringLiteral("id"));
    QCOMPARE(p.newTable, QStringLiteral("tracks_partitioned"));
    QCOMPARE(p.oldTable, QStringLiteral("tracks_unpartitioned"));
    QCOMPARE(p.estimatedRows, 200000);
    // The data covers 2023-01 .. 2025-12; the premake window reaches 2026-08 from 2026-03.
    QCOMPARE(p.firstDataMonth->toString(), QStringLiteral("2023-01"));
    QCOMPARE(p.lastDataMonth->toString(), QStringLiteral("2025-12"));
    QCOMPARE(p.months.first().toString(), QStringLiteral("2023-01"));
    QCOMPARE(p.months.last().toString(), QStringLiteral("2026-08"));
    QCOMPARE(p.months.size(), 44);

    // Keys: the primary key and the unique api_key gain created_at, and say what that costs.
    QCOMPARE(p.keys.size(), 2);
    QCOMPARE(p.keys[0].name, QStringLiteral("tracks_pkey"));
    QVERIFY(p.keys[0].primary);
    QCOMPARE(p.keys[0].newColumns,
             (QStringList{QStringLiteral("id"), QStringLiteral("created_at")}));
    QVERIFY2(p.keys[0].consequence.contains(QLatin1String("no longer enforced unique")),
             qPrintable(p.keys[0].consequence));
    QCOMPARE(p.keys[1].name, QStringLiteral("idx_tracks_api_key"));
    QCOMPARE(p.keys[1].newColumns,
             (QStringList{QStringLiteral("api_key"), QStringLiteral("created_at")}));
    // Every other index is recreated as it is: trigram GIN and hash included.
    QCOMPARE(p.indexes.size(), 8);
    QVERIFY(p.indexes.join(QLatin1Char('\n')).contains(QLatin1String("gin_trgm_ops")));
    QVERIFY(p.indexes.join(QLatin1Char('\n')).contains(QLatin1String("USING hash")));

    // Foreign keys: two outgoing kept, playlist_tracks.track_id -> tracks.id trigger-enforced.
    QStringList outgoing;
    const ConversionForeignKey *incoming = nullptr;
    for (const ConversionForeignKey &fk : p.foreignKeys) {
        if (fk.direction == ConversionForeignKey::Direction::Outgoing)
            outgoing << fk.name;
        else
            incoming = &fk;
    }
    QCOMPARE(outgoing,
             (QStringList{QStringLiteral("fk_albums_tracks"), QStringLiteral("fk_tracks_artist")}));
    QVERIFY(incoming);
    QCOMPARE(incoming->name, QStringLiteral("fk_playlist_tracks_track"));
    QCOMPARE(incoming->table, QStringLiteral("playlist_tracks"));
    QVERIFY2(incoming->action.contains(QLatin1String("enforced by triggers")),
             qPrintable(incoming->action));
    QVERIFY2(incoming->reason.contains(QLatin1String("partition column created_at")),
             qPrintable(incoming->reason));
    QVERIFY(p.notes.join(QLatin1Char('\n')).contains(QLatin1String("GORM AutoMigrate")));

    // The script a reviewer reads: every header line a comment, the hash stable.
    const QString script = p.script();
    QVERIFY(script.contains(QLatin1String("-- plan ") + p.hash()));
    QVERIFY(script.contains(QLatin1String("fk_playlist_tracks_track")));
    QCOMPARE(planTracks().hash(), p.hash());
    // JSON parses and carries the analysis.
    const QJsonObject o
        = QJsonDocument::fromJson(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact))
              .object();
    QCOMPARE(o.value(QLatin1String("months")).toArray().size(), 44);
    QCOMPARE(o.value(QLatin1String("foreign_keys")).toArray().size(), 3);
    QCOMPARE(o.value(QLatin1String("hash")).toString(), p.hash());
}

void tst_TableConversion::planChangesNothing()
{
    const QString catalog = QStringLiteral(
        "SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_trigger), "
        "(SELECT count(*) FROM pg_proc), (SELECT count(*) FROM pg_constraint), "
        "(SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
        " WHERE relname = 'tracks')");
    const QString before = TestEnv::psql(catalog, m_config.database.dbname);
    planTracks();
    QCOMPARE(TestEnv::psql(catalog, m_config.database.dbname), before);
}

void tst_TableConversion::planStatementsRun()
{
    const ConversionPlan p = planTracks();
    auto conn = session();
    auto one = [&conn](const QString &sql) {
        const PgResult r = conn->exec(sql.toUtf8());
        return r.rows() ? r.text(0, 0) : QString();
    };
    // melodee-next's own reads, answered before and after.
    const QStringList queries{
        QStringLiteral("SELECT name || '|' || created_at FROM tracks WHERE id = 123457"),
        QStringLiteral("SELECT string_agg(id::text, ',' ORDER BY id) FROM tracks "
                       "WHERE album_id = 4321"),
        QStringLiteral("SELECT string_agg(id::text, ',' ORDER BY id) FROM tracks "
                       "WHERE name_normalized LIKE '%deja vu%'"),
        QStringLiteral("SELECT count(*) FROM tracks t JOIN playlist_tracks pt "
                       "ON pt.track_id = t.id")};
    QStringList before;
    for (const QString &q : queries)
        before << one(q);
    QVERIFY(!before[2].isEmpty());

    conn->exec("BEGIN");
    for (const QString &s : p.createStatements)
        conn->exec(s.toUtf8());
    // A write after the trigger exists reaches the copy; one batch then copies the rest.
    conn->exec("UPDATE tracks SET name = 'changed during copy' WHERE id = 7");
    const qint64 maxId = one(QStringLiteral("SELECT max(id) FROM tracks")).toLongLong();
    for (const QString &s : p.copyBatch)
        conn->exec(s.toUtf8(), PgParams{QByteArray("0"), QByteArray::number(maxId)});
    const QString verifyOld = one(QStringLiteral("SELECT string_agg(v::text, ';') FROM (%1) v")
                                      .arg(p.verifySql.arg(QStringLiteral("tracks"))));
    const QString verifyNew = one(QStringLiteral("SELECT string_agg(v::text, ';') FROM (%1) v")
                                      .arg(p.verifySql.arg(p.newTable)));
    QVERIFY(!verifyOld.isEmpty());
    QCOMPARE(verifyNew, verifyOld);
    for (const QString &s : p.swapStatements)
        conn->exec(s.toUtf8());

    QCOMPARE(
        one(QStringLiteral("SELECT relkind::text FROM pg_class WHERE oid = 'tracks'::regclass")),
        QStringLiteral("p"));
    QCOMPARE(one(QStringLiteral("SELECT count(*) FROM tracks_2024_05")).toLongLong() > 0, true);
    QCOMPARE(one(QStringLiteral("SELECT count(*) FROM tracks_unpartitioned")),
             one(QStringLiteral("SELECT count(*) FROM tracks")));
    QCOMPARE(one(QStringLiteral("SELECT name FROM tracks WHERE id = 7")),
             QStringLiteral("changed during copy"));
    // The names GORM's AutoMigrate looks for are on the new table.
    QCOMPARE(one(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE tablename = 'tracks' "
                                "AND indexname IN ('tracks_pkey', 'idx_tracks_api_key', "
                                "'idx_tracks_name_normalized_gin')")),
             QStringLiteral("3"));
    QCOMPARE(one(QStringLiteral("SELECT pg_get_serial_sequence('tracks', 'id')")),
             QStringLiteral("public.tracks_id_seq"));
    for (int i = 0; i < queries.size(); ++i)
        QCOMPARE(one(queries[i]), before[i]);

    // The trigger-enforced reference refuses what the foreign key refused, with its SQLSTATE.
    auto refused = [&conn](const QByteArray &sql) {
        conn->exec("SAVEPOINT probe");
        QString state;
        try {
            conn->exec(sql);
        } catch (const DbError &e) {
            state = e.sqlState();
        }
        conn->exec("ROLLBACK TO SAVEPOINT probe");
        return state;
    };
    QCOMPARE(refused("INSERT INTO playlist_tracks (playlist_id, track_id, position) "
                     "SELECT min(id), 999999999, 1 FROM playlists"),
             QStringLiteral("23503"));
    const QString referenced = one(QStringLiteral("SELECT min(track_id) FROM playlist_tracks"));
    QCOMPARE(refused("DELETE FROM tracks WHERE id = " + referenced.toUtf8()),
             QStringLiteral("23503"));
    QCOMPARE(refused("UPDATE tracks SET id = -1 WHERE id = " + referenced.toUtf8()),
             QStringLiteral("23503"));
    // What the foreign key allowed still works: a new track lands in its month, and a
    // playlist entry may point at it.
    QCOMPARE(refused("WITH t AS (INSERT INTO tracks (name, name_normalized, album_id, artist_id, "
                     "created_at, directory, file_name, relative_path, crc_hash) VALUES ('new', "
                     "'new', 1, 1, '2026-03-02Z', 'd', 'f', 'd/f', 'c') RETURNING id) "
                     "INSERT INTO playlist_tracks (playlist_id, track_id, position) "
                     "SELECT (SELECT min(id) FROM playlists), id, 1 FROM t"),
             QString());
    conn->exec("ROLLBACK");
    QCOMPARE(
        one(QStringLiteral("SELECT relkind::text FROM pg_class WHERE oid = 'tracks'::regclass")),
        QStringLiteral("r"));
}

void tst_TableConversion::refusals_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("message");
    QTest::newRow("no table") << QStringLiteral("no_such_table") << QStringLiteral("created_at")
                              << QStringLiteral("table \"no_such_table\" does not exist");
    QTest::newRow("no column") << QStringLiteral("tracks") << QStringLiteral("made_at")
                               << QStringLiteral("table \"tracks\" has no column \"made_at\"");
    QTest::newRow("text column") << QStringLiteral("tracks") << QStringLiteral("name")
                                 << QStringLiteral("column \"name\" is character varying(255)");
    QTest::newRow("already partitioned")
        << QStringLiteral("conv_parted") << QStringLiteral("created_at")
        << QStringLiteral("already partitioned (RANGE (created_at))");
    QTest::newRow("no primary key") << QStringLiteral("conv_nopk") << QStringLiteral("created_at")
                                    << QStringLiteral("has no single-column primary key");
    QTest::newRow("identity") << QStringLiteral("conv_identity") << QStringLiteral("created_at")
                              << QStringLiteral("column \"id\" is an identity column");
    QTest::newRow("text key") << QStringLiteral("conv_textkey") << QStringLiteral("created_at")
                              << QStringLiteral("primary key \"code\" is text");
    QTest::newRow("view") << QStringLiteral("conv_view") << QStringLiteral("created_at")
                          << QStringLiteral("\"conv_view\" is not a plain table (relkind v)");
    QTest::newRow("null values") << QStringLiteral("conv_nulls") << QStringLiteral("created_at")
                                 << QStringLiteral("1 rows of \"conv_nulls\" have no created_at");
    QTest::newRow("empty column") << QStringLiteral("tracks") << QString()
                                  << QStringLiteral("no partition column given");
}

void tst_TableConversion::refusals()
{
    QFETCH(QString, table);
    QFETCH(QString, column);
    QFETCH(QString, message);
    TestEnv::psql(
        QStringLiteral("CREATE TABLE IF NOT EXISTS conv_parted (id bigint, created_at timestamptz) "
                       "PARTITION BY RANGE (created_at);"
                       "CREATE TABLE IF NOT EXISTS conv_nopk (id bigint, created_at timestamptz);"
                       "CREATE TABLE IF NOT EXISTS conv_identity (id bigint GENERATED ALWAYS AS "
                       "IDENTITY PRIMARY KEY, created_at timestamptz);"
                       "CREATE TABLE IF NOT EXISTS conv_textkey (code text PRIMARY KEY, "
                       "created_at timestamptz);"
                       "CREATE TABLE IF NOT EXISTS conv_nulls (id bigint PRIMARY KEY, "
                       "created_at timestamptz);"
                       "INSERT INTO conv_nulls VALUES (1, NULL), (2, now()) ON CONFLICT DO NOTHING;"
                       "CREATE OR REPLACE VIEW conv_view AS SELECT 1 AS id, now() AS created_at;"),
        m_config.database.dbname);
    ConversionRequest request;
    request.table = table;
    request.column = column;
    request.now = m_now;
    auto conn = session();
    try {
        TableConversion(m_config).plan(*conn, request);
        QFAIL("planned a conversion that should be refused");
    } catch (const PartitionError &e) {
        QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        QCOMPARE(e.kind(), ErrorKind::Usage);
    }
}

void tst_TableConversion::hostileNames()
{
    // Quotes, a newline, a percent sign, a dollar quote and emoji in the names: the plan quotes
    // them all and its statements run.
    const QString table = QStringLiteral("it's \"q\" $melodee$ 100% 🎵\nx");
    const QString column = QStringLiteral("made \"at\"");
    const QString ref = QStringLiteral("ref'd");
    const QString refNull = QStringLiteral("ref null");
    auto quote = [](QString s) {
        return QLatin1Char('"') + s.replace(QLatin1Char('"'), QStringLiteral("\"\""))
               + QLatin1Char('"');
    };
    TestEnv::psql(QStringLiteral("CREATE TABLE %1 (id bigserial PRIMARY KEY, %2 date, "
                                 "note text);"
                                 "INSERT INTO %1 (%2, note) SELECT DATE '2025-01-01' + g, 'n' || g "
                                 "FROM generate_series(0, 99) g;"
                                 "INSERT INTO %1 (%2, note) VALUES ('infinity', 'no month');"
                                 "CREATE TABLE %3 (id serial PRIMARY KEY, t bigint REFERENCES %1 "
                                 "ON DELETE CASCADE);"
                                 "INSERT INTO %3 (t) VALUES (1), (2);"
                                 "CREATE TABLE %4 (id serial PRIMARY KEY, t bigint REFERENCES %1 "
                                 "ON DELETE SET NULL);"
                                 "INSERT INTO %4 (t) VALUES (1), (3);")
                      .arg(quote(table), quote(column), quote(ref), quote(refNull)),
                  m_config.database.dbname);
    ConversionRequest request;
    request.table = table;
    request.column = column;
    request.now = m_now;
    auto conn = session();
    const ConversionPlan p = TableConversion(m_config).plan(*conn, request);
    QCOMPARE(p.columnType, QStringLiteral("date"));
    QCOMPARE(p.firstDataMonth->toString(), QStringLiteral("2025-01"));
    QCOMPARE(p.lastDataMonth->toString(), QStringLiteral("2025-04"));
    // The names' newlines cannot end a comment line of the header (which ends at a blank line).
    const QString script = p.script();
    for (const QString &line : script.left(script.indexOf(QLatin1String("\n\n"))).split('\n'))
        QVERIFY2(line.startsWith(QLatin1String("-- ")), qPrintable(line));
    QVERIFY(QJsonDocument::fromJson(QJsonDocument(p.toJson()).toJson()).isObject());

    conn->exec("BEGIN");
    for (const QString &s : p.createStatements)
        conn->exec(s.toUtf8());
    for (const QString &s : p.copyBatch)
        conn->exec(s.toUtf8(), PgParams{QByteArray("0"), QByteArray("1000")});
    for (const QString &s : p.swapStatements)
        conn->exec(s.toUtf8());
    const QString qTable = quote(table);
    QCOMPARE(
        conn->exec(QStringLiteral("SELECT count(*) FROM %1").arg(qTable).toUtf8()).toInt64(0, 0),
        101);
    // The infinite date is in the default partition; ON DELETE CASCADE still cascades.
    QCOMPARE(conn->exec(QStringLiteral("SELECT count(*) FROM %1")
                            .arg(quote(defaultPartitionName(table)))
                            .toUtf8())
                 .toInt64(0, 0),
             1);
    conn->exec(QStringLiteral("DELETE FROM %1 WHERE id = 1").arg(qTable).toUtf8());
    QCOMPARE(conn->exec(QStringLiteral("SELECT count(*) FROM %1").arg(quote(ref)).toUtf8())
                 .toInt64(0, 0),
             1);
    QCOMPARE(conn->exec(QStringLiteral("SELECT count(*) FROM %1 WHERE t IS NULL")
                            .arg(quote(refNull))
                            .toUtf8())
                 .toInt64(0, 0),
             1);
    conn->exec("ROLLBACK");
}

void tst_TableConversion::convertWhileWriting()
{
    // A writer inserts, updates (moving rows across months) and deletes tracks, and runs
    // melodee-next's reads, all through the copy; it stops when the verification starts. The
    // partitioned table must then equal the old one row for row, and hold every write.
    const AppConfig config = freshConfig(QStringLiteral("convert_live"));
    std::atomic<int> inserts = 0;
    std::atomic<int> updates = 0;
    std::atomic<int> deletes = 0;
    std::atomic<int> reads = 0;
    std::atomic<bool> stop = false;
    QString writerError; // read after the join
    std::atomic<bool> writerFailed = false;
    std::thread writer([&] {
        try {
            auto conn = PgConnection::open(config.database);
            for (int i = 1; !stop; ++i) {
                const QByteArray n = QByteArray::number(i);
                const QByteArray id = QByteArray::number(qint64(i) * 7919 % 200000 + 1);
                switch (i % 4) {
                case 0:
                    conn->exec("INSERT INTO tracks (name, name_normalized, album_id, artist_id, "
                               "created_at, directory, file_name, relative_path, crc_hash) "
                               "VALUES ('live ' || $1, 'live ' || $1, $1::int % 20000 + 1, 1, "
                               "'2023-01-01Z'::timestamptz + ($1::int * 37 % 1100) * interval "
                               "'1 day', 'd', 'f', 'd/f', 'c')",
                               PgParams{n});
                    ++inserts;
                    break;
                case 1:
                    conn->exec("UPDATE tracks SET name = 'updated ' || $2, created_at = "
                               "created_at + interval '40 days' WHERE id = $1",
                               PgParams{id, n});
                    ++updates;
                    break;
                case 2:
                    deletes += int(
                        conn->exec("DELETE FROM tracks WHERE id = $1 AND NOT EXISTS "
                                   "(SELECT 1 FROM playlist_tracks WHERE track_id = "
                                   "$1)",
                                   PgParams{QByteArray::number(qint64(i) * 104729 % 200000 + 1)})
                            .affectedRows());
                    break;
                default:
                    conn->exec("SELECT name FROM tracks WHERE id = $1", PgParams{id});
                    conn->exec("SELECT id FROM tracks WHERE album_id = $1::int % 20000 + 1",
                               PgParams{n});
                    conn->exec("SELECT id FROM tracks WHERE name_normalized LIKE '%deja vu%' "
                               "LIMIT 5");
                    ++reads;
                }
            }
        } catch (const DbError &e) {
            writerError = e.toString();
            writerFailed = true;
        }
    });
    auto stopWriter = [&] {
        if (writer.joinable()) {
            stop = true;
            writer.join();
        }
    };

    const ConversionRequest request = tracksRequest(20000);
    auto conn = PartitionMaintenance::openSession(config);
    TableConversion conversion(config);
    int batches = 0;
    conversion.setProgress([&](const ConversionProgress &p) {
        if (p.phase == QLatin1String("copy")) {
            // Every batch overlaps with at least 40 more writes of the writer.
            ++batches;
            const int target = 40 * batches;
            while (inserts + updates + reads < target && !writerFailed && !stop)
                std::this_thread::yield();
        } else if (p.phase == QLatin1String("verify")) {
            stopWriter();
        }
    });
    ConversionResult result;
    try {
        const ConversionPlan plan = conversion.plan(*conn, request);
        result = conversion.apply(*conn, plan, {QStringLiteral("tester"), {}});
    } catch (...) {
        stopWriter();
        throw;
    }
    stopWriter();
    QVERIFY2(writerError.isEmpty(), qPrintable(writerError));
    QVERIFY(batches >= 10);
    QVERIFY(inserts > 0 && updates > 0 && deletes > 0 && reads > 0);
    qInfo("writer: %d inserts, %d updates, %d deletes, %d reads during %d batches",
          int(inserts),
          int(updates),
          int(deletes),
          int(reads),
          batches);

    const QString db = config.database.dbname;
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT relkind FROM pg_class WHERE oid = "
                                          "'tracks'::regclass"),
                           db)
                 .trimmed(),
             QStringLiteral("p"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT (SELECT count(*) FROM (TABLE tracks EXCEPT ALL "
                                          "TABLE tracks_unpartitioned) a) + (SELECT count(*) "
                                          "FROM (TABLE tracks_unpartitioned EXCEPT ALL TABLE "
                                          "tracks) b)"),
                           db)
                 .trimmed(),
             QStringLiteral("0"));
    const qint64 rows = 200000 + inserts - deletes;
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT count(*) FROM tracks"), db).trimmed().toLongLong(),
        rows);
    QCOMPARE(result.rowsVerified, rows);
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT count(*) FROM tracks WHERE name LIKE 'live %'"), db)
            .trimmed()
            .toInt(),
        int(inserts));
    // No row sits in a month partition it does not belong to (the default holds none).
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM tracks_default"), db).trimmed(),
             QStringLiteral("0"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT phase || ' ' || reviewer FROM "
                                          "melodee_conversions WHERE table_name = 'tracks'"),
                           db)
                 .trimmed(),
             QStringLiteral("swapped tester"));
}

void tst_TableConversion::boundedName_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QString>("expected");
    QTest::newRow("short") << QStringLiteral("tracks") << QStringLiteral("_p")
                           << QStringLiteral("tracks_p");
    QTest::newRow("ascii cut") << QString(70, QLatin1Char('a')) << QStringLiteral("_old")
                               << QString(59, QLatin1Char('a')) + QStringLiteral("_old");
    // Two-byte characters: 30 fit beside a two-byte suffix; a four-byte emoji is never split.
    QTest::newRow("utf-8 cut") << QString(40, QChar(0x03A9)) << QStringLiteral("_x")
                               << QString(30, QChar(0x03A9)) + QStringLiteral("_x");
    QTest::newRow("emoji cut") << QString::fromUtf8("🎵").repeated(20) << QStringLiteral("_p")
                               << QString::fromUtf8("🎵").repeated(15) + QStringLiteral("_p");
}

void tst_TableConversion::boundedName()
{
    QFETCH(QString, base);
    QFETCH(QString, suffix);
    QFETCH(QString, expected);
    const QString name = TableConversion::boundedName(base, suffix);
    QCOMPARE(name, expected);
    QVERIFY(name.toUtf8().size() <= 63);
}

QTEST_MAIN(tst_TableConversion)
