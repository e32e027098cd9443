#include "../library/libraryschema.h"
#include "db/pgconnection.h"
#include "inspect/schemainspector.h"
#include "testenv.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

namespace {

AppConfig configFor(const DatabaseConfig &db)
{
    AppConfig c;
    c.database = db;
    return c;
}

const TableInfo *table(const SchemaReport &r, const QString &name)
{
    for (const TableInfo &t : r.tables)
        if (t.name == name)
            return &t;
    return nullptr;
}

const IndexInfo *index(const TableInfo &t, const QString &name)
{
    for (const IndexInfo &i : t.indexes)
        if (i.name == name)
            return &i;
    return nullptr;
}

QStringList names(const QList<ForeignKeyInfo> &keys)
{
    QStringList out;
    for (const ForeignKeyInfo &k : keys)
        out << k.name;
    return out;
}

// The report survives a trip through JSON text: what --json prints must parse.
QJsonObject roundTrip(const SchemaReport &r)
{
    QJsonParseError error;
    const QJsonDocument doc
        = QJsonDocument::fromJson(QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("report JSON does not parse: %s", qPrintable(error.errorString()));
    return doc.object();
}

} // namespace

class tst_SchemaInspector : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void melodeeNext();
    void ours();
    void unknownEmpty();
    void unknownHostileNames();
    void partialMelodeeNextIsUnknown_data();
    void partialMelodeeNextIsUnknown();
    void deadlines_data();
    void deadlines();
};

void tst_SchemaInspector::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

void tst_SchemaInspector::melodeeNext()
{
    const DatabaseConfig db = TestEnv::melodeeNextDatabase(QStringLiteral("inspect_next"));
    const SchemaReport r = SchemaInspector(configFor(db)).inspect();
    QCOMPARE(r.kind, SchemaKind::MelodeeNext);
    QCOMPARE(schemaLayoutFor(r.kind), SchemaLayout::MelodeeNext);
    QVERIFY(!r.version);
    QVERIFY2(r.evidence.contains(QLatin1String("tracks")), qPrintable(r.evidence));
    QCOMPARE(r.database, db.dbname);
    QCOMPARE(r.schema, QStringLiteral("public"));
    QVERIFY(!r.notAvailable().isEmpty());

    const TableInfo *tracks = table(r, QStringLiteral("tracks"));
    QVERIFY(tracks);
    QVERIFY(!tracks->partitioned);
    QCOMPARE(tracks->partitionCount, 0);
    QVERIFY(tracks->strategy.isEmpty());
    // The fixture is VACUUM ANALYZEd after loading, so reltuples is exact.
    QCOMPARE(tracks->estimatedRows, std::optional<qint64>(200000));
    QVERIFY2(tracks->totalBytes > 50 * 1024 * 1024,
             qPrintable(QString::number(tracks->totalBytes)));
    const IndexInfo *trgm = index(*tracks, QStringLiteral("idx_tracks_name_normalized_gin"));
    QVERIFY(trgm);
    QCOMPARE(trgm->method, QStringLiteral("gin"));
    QVERIFY2(trgm->definition.contains(QLatin1String("gin_trgm_ops")),
             qPrintable(trgm->definition));
    QVERIFY(trgm->bytes > 0);
    QCOMPARE(index(*tracks, QStringLiteral("idx_tracks_album_id_hash"))->method,
             QStringLiteral("hash"));
    QVERIFY(index(*tracks, QStringLiteral("tracks_pkey"))->primary);
    QVERIFY(index(*tracks, QStringLiteral("idx_tracks_api_key"))->unique);
    QCOMPARE(tracks->indexes.size(), 10);
    QCOMPARE(names(tracks->foreignKeys),
             QStringList({QStringLiteral("fk_albums_tracks"), QStringLiteral("fk_tracks_artist")}));
    QCOMPARE(tracks->foreignKeys.first().references, QStringLiteral("albums"));
    QCOMPARE(names(tracks->referencedBy), QStringList{QStringLiteral("fk_playlist_tracks_track")});
    QCOMPARE(tracks->referencedBy.first().table, QStringLiteral("playlist_tracks"));
    QVERIFY2(
        tracks->referencedBy.first().definition.contains(QLatin1String("REFERENCES tracks(id)")),
        qPrintable(tracks->referencedBy.first().definition));

    for (const char *name : {"albums", "artists", "playlist_tracks", "user_tracks", "users"})
        QVERIFY2(table(r, QLatin1String(name)), name);
    QCOMPARE(table(r, QStringLiteral("artists"))->estimatedRows, std::optional<qint64>(2000));

    const QJsonObject json = roundTrip(r);
    QCOMPARE(json.value(QLatin1String("kind")).toString(), QStringLiteral("melodee-next"));
    QVERIFY(json.value(QLatin1String("version")).isNull());
    QCOMPARE(json.value(QLatin1String("tables")).toArray().size(), r.tables.size());
    QVERIFY(!json.value(QLatin1String("not_available")).toArray().isEmpty());
}

void tst_SchemaInspector::ours()
{
    const DatabaseConfig db
        = createLibraryDatabase(QStringLiteral("inspect_ours"), months(Month{2025, 1}, 3));
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "SELECT 'S' || g, 's' || g, '2025-01-15T00:00:00Z' "
                                 "FROM generate_series(1, 300) g; ANALYZE melodee_songs"),
                  db.dbname);
    const int migrations = int(QDir(TestEnv::sourceDir() + QStringLiteral("/core/migrate/sql"))
                                   .entryList({QStringLiteral("V*.sql")})
                                   .size());
    QVERIFY(migrations >= 7);

    SchemaReport r = SchemaInspector(configFor(db)).inspect();
    QCOMPARE(r.kind, SchemaKind::Melodee);
    QCOMPARE(r.version, std::optional<int>(migrations));
    QCOMPARE(r.unfinishedMigrations, 0);
    QVERIFY(r.notAvailable().isEmpty());
    const TableInfo *songs = table(r, QStringLiteral("melodee_songs"));
    QVERIFY(songs);
    QVERIFY(songs->partitioned);
    QCOMPARE(songs->strategy, QStringLiteral("range"));
    QCOMPARE(songs->partitionKey, QStringLiteral("RANGE (created_at)"));
    QVERIFY2(songs->partitionCount >= 4, qPrintable(QString::number(songs->partitionCount)));
    QVERIFY(songs->hasDefaultPartition);
    QCOMPARE(songs->estimatedRows, std::optional<qint64>(300));
    QVERIFY(songs->totalBytes > 0);
    // Partitions are folded into their parent, never listed as tables.
    for (const TableInfo &t : r.tables)
        QVERIFY2(!t.name.startsWith(QLatin1String("melodee_songs_")), qPrintable(t.name));
    QVERIFY(!songs->indexes.isEmpty());

    // A failed migration shows as unfinished, the version stays the highest applied one.
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_schema_migrations (version, name, phase, "
                                 "checksum, applied_by, status) VALUES (9999, 'x', 1, 'c', 't', "
                                 "'failed')"),
                  db.dbname);
    r = SchemaInspector(configFor(db)).inspect();
    QCOMPARE(r.version, std::optional<int>(migrations));
    QCOMPARE(r.unfinishedMigrations, 1);
    QCOMPARE(roundTrip(r).value(QLatin1String("version")).toInt(), migrations);
}

void tst_SchemaInspector::unknownEmpty()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("inspect_empty"));
    const SchemaReport r = SchemaInspector(configFor(db)).inspect();
    QCOMPARE(r.kind, SchemaKind::Unknown);
    QVERIFY(!r.version);
    QVERIFY(r.tables.isEmpty());
    QVERIFY2(r.evidence.contains(QLatin1String("melodee_schema_migrations")),
             qPrintable(r.evidence));
    QCOMPARE(roundTrip(r).value(QLatin1String("kind")).toString(), QStringLiteral("unknown"));
}

void tst_SchemaInspector::unknownHostileNames()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("inspect_hostile"));
    const QString parent = QStringLiteral("pa\"rent password=x 🎵");
    const QString child = QStringLiteral("ch'ild\nline2 %2 \\");
    TestEnv::psql(
        QStringLiteral("CREATE SCHEMA \"other \"\"schema\"\"\"; "
                       "CREATE TABLE \"pa\"\"rent password=x 🎵\" (id int8 PRIMARY KEY); "
                       "CREATE TABLE \"ch'ild\nline2 %2 \\\" (id int8, created_at timestamptz NOT "
                       "NULL, parent_id int8 CONSTRAINT \"fk \"\"quoted\"\"\" REFERENCES "
                       "\"pa\"\"rent password=x 🎵\", PRIMARY KEY (id, created_at)) "
                       "PARTITION BY RANGE (created_at); "
                       "CREATE TABLE \"ch'ild_p1\" PARTITION OF \"ch'ild\nline2 %2 \\\" FOR VALUES "
                       "FROM ('2025-01-01') TO ('2025-02-01'); "
                       "CREATE INDEX \"idx 🎶 \"\"x\"\"\" ON \"ch'ild\nline2 %2 \\\" (parent_id); "
                       "CREATE TABLE \"other \"\"schema\"\"\".t (id int)"),
        db.dbname);
    const SchemaReport r = SchemaInspector(configFor(db)).inspect();
    QCOMPARE(r.kind, SchemaKind::Unknown);
    QCOMPARE(r.tables.size(), 3);
    const TableInfo *c = table(r, child);
    QVERIFY(c);
    QVERIFY(c->partitioned);
    QCOMPARE(c->partitionCount, 1);
    QVERIFY(!c->hasDefaultPartition);
    QVERIFY(index(*c, QStringLiteral("idx 🎶 \"x\"")));
    QCOMPARE(names(c->foreignKeys), QStringList{QStringLiteral("fk \"quoted\"")});
    const TableInfo *p = table(r, parent);
    QVERIFY(p);
    QCOMPARE(names(p->referencedBy), QStringList{QStringLiteral("fk \"quoted\"")});
    // Tables of the current schema come first; the other schema's table is listed with it.
    QCOMPARE(r.tables.last().schema, QStringLiteral("other \"schema\""));

    const QJsonObject json = roundTrip(r);
    QStringList jsonNames;
    for (const QJsonValue &v : json.value(QLatin1String("tables")).toArray())
        jsonNames << v.toObject().value(QLatin1String("name")).toString();
    QVERIFY2(jsonNames.contains(child), qPrintable(jsonNames.join(QLatin1Char('|'))));
    QVERIFY(jsonNames.contains(parent));
}

void tst_SchemaInspector::partialMelodeeNextIsUnknown_data()
{
    QTest::addColumn<QString>("ddl");
    QTest::addColumn<QString>("evidence");
    QTest::newRow("tracks only") << QStringLiteral(
        "CREATE TABLE tracks (id int8, name text, name_normalized text, album_id int8, "
        "artist_id int8, created_at timestamptz, relative_path text, crc_hash text)")
                                 << QStringLiteral("albums, artists missing");
    QTest::newRow("tracks without GORM columns")
        << QStringLiteral(
               "CREATE TABLE tracks (id int8, name text); CREATE TABLE albums (id int8); "
               "CREATE TABLE artists (id int8)")
        << QStringLiteral("tracks lacks melodee-next's columns album_id, artist_id, crc_hash");
}

void tst_SchemaInspector::partialMelodeeNextIsUnknown()
{
    QFETCH(QString, ddl);
    QFETCH(QString, evidence);
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("inspect_partial"));
    TestEnv::psql(ddl, db.dbname);
    auto conn = PgConnection::open(db);
    const SchemaReport r = SchemaInspector(configFor(db)).detect(*conn);
    QCOMPARE(r.kind, SchemaKind::Unknown);
    QVERIFY2(r.evidence.contains(evidence), qPrintable(r.evidence));
    QVERIFY(r.tables.isEmpty()); // detect() describes no tables
}

void tst_SchemaInspector::deadlines_data()
{
    QTest::addColumn<int>("configuredSeconds");
    QTest::addColumn<QString>("statementTimeout");
    QTest::newRow("capped at 30s") << 600 << QStringLiteral("30s");
    QTest::newRow("shorter kept") << 5 << QStringLiteral("5s");
}

void tst_SchemaInspector::deadlines()
{
    QFETCH(int, configuredSeconds);
    QFETCH(QString, statementTimeout);
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("inspect_deadline"));
    AppConfig config = configFor(db);
    config.migrate.statementTimeout = std::chrono::seconds(configuredSeconds);
    config.migrate.lockTimeout = 3s;
    auto conn = PgConnection::open(db);
    SchemaInspector(config).detect(*conn);
    QCOMPARE(conn->exec("SHOW statement_timeout").text(0, 0), statementTimeout);
    QCOMPARE(conn->exec("SHOW lock_timeout").text(0, 0), QStringLiteral("3s"));
}

QTEST_GUILESS_MAIN(tst_SchemaInspector)
#include "tst_schemainspector.moc"
