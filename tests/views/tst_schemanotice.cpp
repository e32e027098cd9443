#include "testenv.h"

#include <session/connectionsession.h>
#include <views/migrationsview.h>
#include <views/partitionsview.h>
#include <views/schemanotice.h>

#include <QLabel>
#include <QSignalSpy>
#include <QTest>

using namespace melodee;
using melodee::test::TestEnv;

// The Migrations and Partitions views manage Melodee's own schema: on a melodee-next database
// (the real fixture) each shows a notice saying so and why, with the configured prefix; on our
// migrated schema, on an empty database and when disconnected the notice is hidden.
class tst_SchemaNotice : public QObject
{
    Q_OBJECT

private slots:
    void shownOnlyOnMelodeeNext_data();
    void shownOnlyOnMelodeeNext();
};

void tst_SchemaNotice::shownOnlyOnMelodeeNext_data()
{
    QTest::addColumn<QString>("database"); // "next", "ours" or "empty"
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<bool>("shown");
    QTest::newRow("melodee-next") << QStringLiteral("next") << QStringLiteral("melodee_") << true;
    QTest::newRow("melodee-next, other prefix")
        << QStringLiteral("next") << QStringLiteral("mx_") << true;
    QTest::newRow("ours") << QStringLiteral("ours") << QStringLiteral("melodee_") << false;
    QTest::newRow("empty") << QStringLiteral("empty") << QStringLiteral("melodee_") << false;
}

void tst_SchemaNotice::shownOnlyOnMelodeeNext()
{
    QFETCH(QString, database);
    QFETCH(QString, prefix);
    QFETCH(bool, shown);
    AppConfig config;
    config.session.tablePrefix = prefix;
    config.redis.enabled = false;
    if (database == QLatin1String("next")) {
        config.database = TestEnv::melodeeNextDatabase(QStringLiteral("notice_next"));
    } else {
        config.database = TestEnv::freshDatabase(QStringLiteral("notice_") + database);
        if (database == QLatin1String("ours"))
            TestEnv::migrate(config);
    }

    ConnectionSession session;
    MigrationsView migrations(&session);
    PartitionsView partitions(&session);
    migrations.resize(1024, 640);
    partitions.resize(1024, 640);
    migrations.show();
    partitions.show();
    const QList<QLabel *> notices{migrations.findChild<QLabel *>(QStringLiteral("schemaNotice")),
                                  partitions.findChild<QLabel *>(QStringLiteral("schemaNotice"))};
    for (QLabel *notice : notices) {
        QVERIFY(notice);
        QVERIFY(!notice->isVisible());
    }

    QSignalSpy detected(&session, &ConnectionSession::schemaChanged);
    session.connectTo(config);
    QTRY_COMPARE_WITH_TIMEOUT(detected.count(), 1, 20000);
    QVERIFY2(session.schemaError().isEmpty(), qPrintable(session.schemaError()));
    QCOMPARE(session.schema().kind,
             database == QLatin1String("next")   ? SchemaKind::MelodeeNext
             : database == QLatin1String("ours") ? SchemaKind::Melodee
                                                 : SchemaKind::Unknown);
    for (QLabel *notice : notices) {
        QCOMPARE(notice->isVisible(), shown);
        QCOMPARE(notice->text().isEmpty(), !shown);
        if (shown) {
            QVERIFY2(notice->text().contains(prefix + QLatin1Char('*')),
                     qPrintable(notice->text()));
            QVERIFY2(notice->text().contains(QLatin1String("melodee-next")),
                     qPrintable(notice->text()));
        }
    }
    QCOMPARE(notices[0]->text(),
             shown ? SchemaNotice::melodeeNextText(SchemaNotice::Scope::Migrations, prefix)
                   : QString());
    QCOMPARE(notices[1]->text(),
             shown ? SchemaNotice::melodeeNextText(SchemaNotice::Scope::Partitions, prefix)
                   : QString());
    // A long notice never widens the view.
    QVERIFY2(migrations.width() <= 1024, qPrintable(QString::number(migrations.width())));

    session.disconnectFromServer();
    for (QLabel *notice : notices)
        QVERIFY(!notice->isVisible());
}

QTEST_MAIN(tst_SchemaNotice)
#include "tst_schemanotice.moc"
