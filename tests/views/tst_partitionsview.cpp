#include "testenv.h"

#include <db/pgconnection.h>
#include <i18n/translator.h>
#include <migrate/migrationengine.h>
#include <session/connectionsession.h>
#include <views/migrationsview.h>
#include <views/partitionsview.h>
#include <widgets/errorbanner.h>
#include <widgets/partitiontimeline.h>

#include <QCheckBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace melodee;
using melodee::test::TestEnv;

// Drives the Partitions view against a migrated database: the default partition's rows are
// flagged, moved out with a preview first and no row lost, and partitions are created through a
// chosen month.
class tst_PartitionsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void flagsDefaultRows();
    void moveRowsOutOfDefault();
    void createThrough();
    void createThroughRejectsPast_data();
    void createThroughRejectsPast();
    void refreshViews();
    void screenshots();

private:
    static void migrate(const DatabaseConfig &db);
    qint64 count(const QString &sql) const;
    bool reloadView();
    int songsLane() const;

    ConnectionSession *m_session = nullptr;
    PartitionsView *m_view = nullptr;
    DatabaseConfig m_db;
};

void tst_PartitionsView::migrate(const DatabaseConfig &db)
{
    AppConfig config;
    config.database = db;
    MigrationEngine engine(config);
    engine.connect();
    engine.lock();
    const Plan plan = engine.plan(QDateTime::currentDateTimeUtc());
    engine.apply(plan, {});
    engine.unlock();
}

qint64 tst_PartitionsView::count(const QString &sql) const
{
    return TestEnv::psql(sql, m_db.dbname).trimmed().toLongLong();
}

bool tst_PartitionsView::reloadView()
{
    QSignalSpy loaded(m_view, &PartitionsView::loaded);
    m_view->reload();
    return loaded.wait(60000) && loaded.first().first().toBool();
}

int tst_PartitionsView::songsLane() const
{
    for (int i = 0; i < m_view->tables().size(); ++i) {
        if (m_view->tables()[i].table == QLatin1String("melodee_songs"))
            return i;
    }
    return -1;
}

void tst_PartitionsView::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    // As melodee-admin does at start: English plurals in labels, logs and the docs screenshots.
    QVERIFY(Translator::install(qApp, QLocale(QLocale::English)));
    m_db = TestEnv::freshDatabase(QStringLiteral("partview"));
    migrate(m_db);
    // Three songs this month, one far in the future: the future one lands in the default.
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                       "SELECT 'song ' || g, 'song ' || g, now() FROM generate_series(1, 3) g;"
                       "INSERT INTO melodee_songs (name, name_normalized, created_at) "
                       "VALUES ('future', 'future', '2031-03-15 12:00:00+00');"),
        m_db.dbname);
    AppConfig config;
    config.database = m_db;
    m_session = new ConnectionSession(this);
    m_session->connectTo(config);
    m_view = new PartitionsView(m_session);
    m_view->resize(1400, 900);
    m_view->show();
    QSignalSpy loaded(m_view, &PartitionsView::loaded);
    m_view->setActive(true);
    QVERIFY(loaded.wait(60000));
    QVERIFY(loaded.first().first().toBool());
}

void tst_PartitionsView::cleanupTestCase()
{
    delete m_view;
}

void tst_PartitionsView::flagsDefaultRows()
{
    const int lane = songsLane();
    QVERIFY(lane >= 0);
    QCOMPARE(m_view->tables()[lane].defaultRows, 1);
    PartitionTimeline *t = m_view->timeline();
    const PartitionTimeline::Hit hit = t->hitTest(t->defaultRect(lane).center());
    QCOMPARE(hit.kind, PartitionTimeline::Hit::Default);
    const QString tip = t->toolTipText(hit);
    QVERIFY2(tip.contains(QLatin1String("1 rows")) && tip.contains(QLatin1String("Move rows")),
             qPrintable(tip));
}

void tst_PartitionsView::moveRowsOutOfDefault()
{
    const qint64 before = count(QStringLiteral("SELECT count(*) FROM melodee_songs"));
    QCOMPARE(before, 4);
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewMoveDefault();
    QVERIFY(preview.wait(60000));
    QVERIFY(preview.first().first().toBool());
    QCOMPARE(m_view->pendingAction(), PartitionsView::Action::MoveDefault);
    const QString sql = m_view->previewText();
    QVERIFY2(sql.contains(QLatin1String("melodee_songs_2031_03")), qPrintable(sql));
    QVERIFY(sql.contains(QLatin1String("INSERT INTO melodee_songs")));
    QVERIFY(sql.contains(QLatin1String("DELETE FROM melodee_songs_default")));
    // The preview changed nothing.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs_default")), 1);
    QVERIFY(m_view->applyButton()->isEnabled());

    QSignalSpy applied(m_view, &PartitionsView::applied);
    QTest::mouseClick(m_view->applyButton(), Qt::LeftButton);
    QVERIFY(m_view->isBusy());
    QVERIFY(applied.wait(120000));
    QVERIFY2(applied.first().first().toBool(), qPrintable(m_view->banner()->details()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs")), before);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs_default")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs_2031_03")), 1);
    QVERIFY(m_view->logText().contains(QLatin1String("moved 1 row out of the default partition")));
    QCOMPARE(m_view->tables()[songsLane()].defaultRows, 0);
    QCOMPARE(m_view->pendingAction(), PartitionsView::Action::None);
}

void tst_PartitionsView::createThrough()
{
    const Month current = Month::fromDate(QDateTime::currentDateTimeUtc().date());
    const Month target = current.addMonths(14);
    const QString name = monthPartitionName(QStringLiteral("melodee_albums"), target);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = '%1'").arg(name)),
             0);
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewCreateThrough(target);
    QVERIFY(preview.wait(60000));
    QVERIFY(m_view->previewText().contains(name));
    QSignalSpy applied(m_view, &PartitionsView::applied);
    m_view->applyPreview();
    QVERIFY(applied.wait(120000));
    QVERIFY2(applied.first().first().toBool(), qPrintable(m_view->banner()->details()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = '%1'").arg(name)),
             1);
    for (const PartitionedTableInfo &t : m_view->tables())
        QVERIFY2(t.monthsAhead >= 14, qPrintable(t.table));
    // Nothing left to do through that month.
    QSignalSpy again(m_view, &PartitionsView::previewReady);
    m_view->previewCreateThrough(target);
    QVERIFY(again.wait(60000));
    QCOMPARE(m_view->pendingAction(), PartitionsView::Action::None);
}

void tst_PartitionsView::createThroughRejectsPast_data()
{
    QTest::addColumn<int>("offset");
    QTest::newRow("last month") << -1;
    QTest::newRow("two years ago") << -24;
}

void tst_PartitionsView::createThroughRejectsPast()
{
    QFETCH(int, offset);
    const Month m = Month::fromDate(QDateTime::currentDateTimeUtc().date()).addMonths(offset);
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewCreateThrough(m);
    QCOMPARE(preview.count(), 1);
    QVERIFY(!preview.first().first().toBool());
    QVERIFY(m_view->banner()->isError());
    QVERIFY(m_view->banner()->message().contains(m.toString()));
}

void tst_PartitionsView::refreshViews()
{
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewRefreshViews();
    QVERIFY(preview.wait(60000));
    QVERIFY(m_view->previewText().contains(
        QLatin1String("REFRESH MATERIALIZED VIEW CONCURRENTLY melodee_library_totals")));
    QSignalSpy applied(m_view, &PartitionsView::applied);
    m_view->applyPreview();
    QVERIFY(applied.wait(120000));
    QVERIFY2(applied.first().first().toBool(), qPrintable(m_view->banner()->details()));
    QVERIFY(m_view->logText().contains(QLatin1String("refreshed in")));
}

void tst_PartitionsView::screenshots()
{
    // docs/screenshots/*.png from a migrated demo database with rows spread over two years.
    const QString dir = qEnvironmentVariable("MELODEE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("set MELODEE_SCREENSHOT_DIR to write the screenshots");
    const DatabaseConfig demo = TestEnv::freshDatabase(QStringLiteral("demo"));
    migrate(demo);
    const Month current = Month::fromDate(QDateTime::currentDateTimeUtc().date());
    // History: partitions back 20 months (one dropped later, a gap), rows growing over time.
    AppConfig config;
    config.database = demo;
    {
        auto conn = PgConnection::open(demo);
        const auto plans = planMaintenance(
            *conn, config.session, QDateTime::currentDateTimeUtc(), 6, current.addMonths(-20));
        runMaintenance(*conn, plans, 3);
    }
    TestEnv::psql(
        QStringLiteral("DROP TABLE %1;")
            .arg(monthPartitionName(QStringLiteral("melodee_songs"), current.addMonths(-9))),
        demo.dbname);
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "SELECT 'song ' || g, 'song ' || g, "
                                 "  date_trunc('month', now()) - make_interval(months => (g % 21)) "
                                 "  + make_interval(days => (g % 27)) "
                                 "FROM generate_series(1, 60000) g "
                                 "WHERE (g % 21) <> 9 AND random() < 0.25 + (21 - g % 21) / 28.0;"
                                 "INSERT INTO melodee_albums (name, name_normalized, created_at) "
                                 "SELECT 'album ' || g, 'album ' || g, "
                                 "  date_trunc('month', now()) - make_interval(months => (g % 21)) "
                                 "FROM generate_series(1, 6000) g;"
                                 "INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "SELECT 'late ' || g, 'late ' || g, '2030-01-10 00:00:00+00' "
                                 "FROM generate_series(1, 120) g;"
                                 "ANALYZE melodee_songs; ANALYZE melodee_albums;"),
                  demo.dbname);

    ConnectionSession session;
    config.database = demo;
    session.connectTo(config);
    PartitionsView view(&session);
    view.resize(1400, 860);
    view.show();
    QSignalSpy loaded(&view, &PartitionsView::loaded);
    view.setActive(true);
    QVERIFY(loaded.wait(60000));
    QSignalSpy preview(&view, &PartitionsView::previewReady);
    view.previewMoveDefault();
    QVERIFY(preview.wait(60000));
    QTest::qWait(100);
    QDir().mkpath(dir);
    QVERIFY(view.grab().save(QDir(dir).filePath(QStringLiteral("partitions.png"))));

    // The migrations review screen of the same server: a fresh database with the plan pending,
    // the dry run shown and the reviewer filled in.
    const DatabaseConfig fresh = TestEnv::freshDatabase(QStringLiteral("review"));
    ConnectionSession reviewSession;
    AppConfig reviewConfig;
    reviewConfig.database = fresh;
    reviewSession.connectTo(reviewConfig);
    MigrationsView mview(&reviewSession);
    mview.resize(1400, 860);
    mview.show();
    QSignalSpy refreshed(&mview, &MigrationsView::refreshed);
    mview.setActive(true);
    QVERIFY(refreshed.wait(60000));
    QSignalSpy dry(&mview, &MigrationsView::dryRunFinished);
    mview.dryRun();
    QVERIFY(dry.wait(60000));
    mview.reviewedCheck()->setChecked(true);
    mview.reviewerEdit()->setText(QStringLiteral("Ana Reviewer"));
    QTest::qWait(100);
    QVERIFY(mview.grab().save(QDir(dir).filePath(QStringLiteral("migrations.png"))));
}

QTEST_MAIN(tst_PartitionsView)
#include "tst_partitionsview.moc"
