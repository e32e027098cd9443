#include "testenv.h"

#include <db/pgconnection.h>

#include <i18n/translator.h>
#include <migrate/migration.h>
#include <models/migrationlistmodel.h>
#include <session/connectionsession.h>
#include <views/migrationsqlpane.h>
#include <views/migrationsview.h>
#include <views/migrationtraceeditor.h>
#include <widgets/errorbanner.h>
#include <widgets/sqleditor.h>
#include <widgets/sqlhighlighter.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace melodee;
using melodee::test::TestEnv;

// Drives the Migrations view against a fresh database on the fixture server: load, dry run,
// rehearse, export, the reviewer gate, apply, and the history shown afterwards.
class tst_MigrationsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void loadsPending();
    void idleProgressIsHidden();
    void dryRunShowsPhases();
    void rehearseRollsBack();
    void rehearsalShowsBesideStatements();
    void rehearseSaysWhyDisabled();
    void exportWritesPlanWithHash();
    void applyGate_data();
    void applyGate();
    void applyRecordsReviewer();
    void appliedMigrationShowsItsSql();
    void columnsFit_data();
    void columnsFit();
    void nothingPendingSaysSo();
    void titleShowsVersionNotPath();
    void reviewAgainstTheLiveDatabase();
    void productionHistoryRefusesOtherEnvironments();
    void unreachableServerIsReadable();

private:
    ConnectionSession *m_session = nullptr;
    MigrationsView *m_view = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;
    DatabaseConfig m_db;
};

void tst_MigrationsView::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    // As melodee-admin does at start: English plurals in labels, logs and the docs screenshots.
    QVERIFY(Translator::install(qApp, QLocale(QLocale::English)));
    m_db = TestEnv::freshDatabase(QStringLiteral("migview"));
    AppConfig config;
    config.database = m_db;
    m_session = new ConnectionSession(this);
    m_session->connectTo(config);
    m_view = new MigrationsView(m_session);
    m_tester = new QAbstractItemModelTester(
        m_view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, this);
    m_view->resize(1400, 900);
    m_view->show();
    QSignalSpy refreshed(m_view, &MigrationsView::refreshed);
    m_view->setActive(true); // the first show loads
    QVERIFY(refreshed.wait(60000));
    QVERIFY2(m_view->banner()->message().isEmpty(), qPrintable(m_view->banner()->message()));
}

void tst_MigrationsView::cleanupTestCase()
{
    delete m_view;
}

void tst_MigrationsView::loadsPending()
{
    MigrationListModel *model = m_view->model();
    const int migrations = int(builtinMigrations().size());
    QVERIFY(model->hasPlanRow());
    QCOMPARE(model->rowCount(), migrations + 1);
    for (int v = 1; v <= migrations; ++v) {
        const int row = model->rowForVersion(v);
        QVERIFY(row > 0);
        QCOMPARE(model->data(model->index(row, MigrationListModel::Status)).toString(),
                 QStringLiteral("pending"));
    }
    QVERIFY(m_view->plan().has_value());
    QCOMPARE(m_view->plan()->baseVersion, 0);
}

void tst_MigrationsView::idleProgressIsHidden()
{
    // Nothing runs: no progress bar pretends otherwise; while a dry run plans, one shows.
    QVERIFY(!m_view->isBusy());
    QVERIFY(!m_view->progressBar()->isVisible());
    QSignalSpy done(m_view, &MigrationsView::dryRunFinished);
    m_view->dryRun();
    QVERIFY(m_view->progressBar()->isVisible());
    QVERIFY(done.wait(60000));
    QVERIFY(!m_view->isBusy());
    QVERIFY(!m_view->progressBar()->isVisible());
}

void tst_MigrationsView::dryRunShowsPhases()
{
    QSignalSpy done(m_view, &MigrationsView::dryRunFinished);
    QVERIFY(m_view->findChild<QPushButton *>() != nullptr);
    m_view->dryRun();
    QVERIFY(m_view->isBusy()); // the work is on a worker; the GUI thread is free
    QVERIFY(done.wait(60000));
    const QString sql = m_view->sqlEditor()->toPlainText();
    for (int phase = 1; phase <= 7; ++phase) {
        const QString header = QStringLiteral("-- Phase %1: %2").arg(phase).arg(phaseName(phase));
        QVERIFY2(sql.contains(header), qPrintable(header));
    }
    QVERIFY(sql.contains(m_view->plan()->hash()));
    QVERIFY(sql.contains(QLatin1String("PARTITION BY RANGE (created_at)")));
    // Highlighted by the scanner: the whole plan tokenises.
    QVERIFY2(m_view->sqlEditor()->highlighter()->tokens().size() > 100,
             qPrintable(QString::number(m_view->sqlEditor()->highlighter()->tokens().size())
                        + m_view->sqlEditor()->highlighter()->scanError()));
    QVERIFY2(m_view->sqlEditor()->highlighter()->scanError().isEmpty(),
             qPrintable(m_view->sqlEditor()->highlighter()->scanError()));
    // Every lint finding of the plan is listed and marked on a line.
    const int findings = m_view->plan()->findingCount(QStringLiteral("error"))
                         + m_view->plan()->findingCount(QStringLiteral("warning"))
                         + m_view->plan()->findingCount(QStringLiteral("info"));
    QCOMPARE(m_view->findingsList()->topLevelItemCount(), findings);
    QCOMPARE(m_view->sqlEditor()->marks().size(), findings);
    QVERIFY(m_view->logText().contains(QLatin1String("dry run:")));
}

void tst_MigrationsView::rehearseRollsBack()
{
    QSignalSpy done(m_view, &MigrationsView::rehearseFinished);
    m_view->rehearse();
    QVERIFY(done.wait(120000));
    QVERIFY2(done.first().first().toBool(), qPrintable(m_view->banner()->details()));
    QVERIFY(m_view->logText().contains(QLatin1String("rolled back")));
    // Nothing was created: no history table, no songs table.
    const QString out = TestEnv::psql(
        QStringLiteral("SELECT count(*) FROM pg_class WHERE relname LIKE 'melodee_%'"),
        m_db.dbname);
    QCOMPARE(out.trimmed(), QStringLiteral("0"));
}

void tst_MigrationsView::rehearsalShowsBesideStatements()
{
    // After the rehearsal above, the plan shows each statement's measured locks beside it.
    m_view->showVersion(0);
    const QList<TraceAnnotation> annotations = m_view->sqlPane()->traceEditor()->annotations();
    QVERIFY(annotations.size() > 20);
    bool exclusive = false;
    for (const TraceAnnotation &a : annotations) {
        exclusive |= a.badges.contains(QStringLiteral("ACCESS EXCLUSIVE"));
        QVERIFY(a.note.contains(QLatin1String("ms")));
        QVERIFY(a.line > 0 && a.line <= m_view->sqlEditor()->blockCount());
    }
    QVERIFY(exclusive); // creating tables
    // Also beside the statements of one pending migration.
    m_view->showVersion(4);
    QVERIFY(!m_view->sqlPane()->traceEditor()->annotations().isEmpty());
    m_view->showVersion(0);
}

void tst_MigrationsView::rehearseSaysWhyDisabled()
{
    // Pending migrations: Rehearse is enabled and no hint shows.
    QVERIFY(m_view->rehearseButton()->isEnabled());
    QVERIFY(m_view->rehearseHint()->isHidden());
    // Not connected: disabled, and the hint and the tooltip say why.
    ConnectionSession offline;
    MigrationsView view(&offline);
    view.resize(1024, 640);
    view.show();
    QVERIFY(!view.rehearseButton()->isEnabled());
    QVERIFY(view.rehearseHint()->isVisible());
    QCOMPARE(view.rehearseHint()->text(), QStringLiteral("Connect to a database to rehearse"));
    QCOMPARE(view.rehearseButton()->toolTip(), view.rehearseHint()->text());
}

void tst_MigrationsView::columnsFit_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1024x640") << QSize(1024, 640);
    QTest::newRow("1366x768") << QSize(1366, 768);
    QTest::newRow("1600x900") << QSize(1600, 900);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
}

void tst_MigrationsView::columnsFit()
{
    // With every migration applied, the status, checksum and applied-at columns are whole and in
    // view.
    QFETCH(QSize, size);
    m_view->resize(size);
    QTRY_COMPARE(m_view->size(), size);
    QTableView *table = m_view->table();
    QApplication::processEvents();
    for (const int c : {MigrationListModel::Status,
                        MigrationListModel::Checksum,
                        MigrationListModel::AppliedAt}) {
        const int left = table->columnViewportPosition(c);
        QVERIFY2(left >= 0, qPrintable(QString::number(c)));
        QVERIFY2(left + table->columnWidth(c) <= table->viewport()->width(),
                 qPrintable(QStringLiteral("column %1 ends at %2, viewport %3")
                                .arg(c)
                                .arg(left + table->columnWidth(c))
                                .arg(table->viewport()->width())));
        const int header = table->horizontalHeader()->sectionSizeHint(c);
        QVERIFY(table->columnWidth(c) >= header);
    }
    // The checksum is short in the cell and whole in the tooltip.
    const QModelIndex sum = m_view->model()->index(1, MigrationListModel::Checksum);
    QVERIFY(m_view->model()->data(sum, Qt::ToolTipRole).toString().size()
            > m_view->model()->data(sum).toString().size());
    m_view->resize(1400, 900);
}

void tst_MigrationsView::exportWritesPlanWithHash()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("plan.sql"));
    QVERIFY(m_view->exportPlanTo(path));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    QVERIFY(text.contains(m_view->plan()->hash()));
    QCOMPARE(readPlanFile(path).hash, m_view->plan()->hash());
    // A path that cannot be written is a readable error, not a crash.
    QVERIFY(!m_view->exportPlanTo(QStringLiteral("/nonexistent-dir/plan.sql")));
    QVERIFY(m_view->banner()->isError());
    QVERIFY(m_view->banner()->message().contains(QLatin1String("/nonexistent-dir/plan.sql")));
}

void tst_MigrationsView::applyGate_data()
{
    QTest::addColumn<bool>("reviewed");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("enabled");
    QTest::newRow("neither") << false << QString() << false;
    QTest::newRow("ticked, no name") << true << QString() << false;
    QTest::newRow("named, not ticked") << false << QStringLiteral("Ana") << false;
    QTest::newRow("ticked, blank name") << true << QStringLiteral("   ") << false;
    QTest::newRow("ticked and named") << true << QStringLiteral("Ana") << true;
}

void tst_MigrationsView::applyGate()
{
    QFETCH(bool, reviewed);
    QFETCH(QString, name);
    QFETCH(bool, enabled);
    m_view->reviewedCheck()->setChecked(reviewed);
    m_view->reviewerEdit()->setText(name);
    QCOMPARE(m_view->applyButton()->isEnabled(), enabled);
    QCOMPARE(m_view->canApply(), enabled);
    // apply() itself refuses when the gate is closed.
    if (!enabled) {
        m_view->apply();
        QVERIFY(!m_view->isBusy());
    }
}

void tst_MigrationsView::applyRecordsReviewer()
{
    m_view->reviewedCheck()->setChecked(true);
    m_view->reviewerEdit()->setText(QStringLiteral("Ana Reviewer"));
    QVERIFY(m_view->applyButton()->isEnabled());
    QSignalSpy done(m_view, &MigrationsView::applyFinished);
    QTest::mouseClick(m_view->applyButton(), Qt::LeftButton);
    QVERIFY(m_view->isBusy());
    QVERIFY(!m_view->applyButton()->isEnabled());
    QVERIFY(done.wait(180000));
    QVERIFY2(
        done.first().first().toBool(),
        qPrintable(m_view->banner()->message() + QLatin1Char('\n') + m_view->banner()->details()));
    // Live log: one line per statement, then the result.
    QVERIFY(m_view->logText().contains(QLatin1String("[V1 1/")));
    QVERIFY(m_view->logText().contains(QLatin1String("Applied")));
    QCOMPARE(m_view->progressBar()->value(), m_view->progressBar()->maximum());
    // The list refreshed: every migration applied and reviewed by Ana.
    MigrationListModel *model = m_view->model();
    QVERIFY(!model->hasPlanRow());
    for (int row = 0; row < model->rowCount(); ++row) {
        QCOMPARE(model->data(model->index(row, MigrationListModel::Status)).toString(),
                 QStringLiteral("applied"));
        QCOMPARE(model->data(model->index(row, MigrationListModel::Reviewer)).toString(),
                 QStringLiteral("Ana Reviewer"));
        QVERIFY(
            !model->data(model->index(row, MigrationListModel::AppliedAt)).toString().isEmpty());
    }
    QVERIFY(m_view->plan()->isEmpty());
    QVERIFY(!m_view->applyButton()->isEnabled());
    const QString history = TestEnv::psql(
        QStringLiteral("SELECT count(*) FROM melodee_schema_migrations WHERE reviewer = 'Ana "
                       "Reviewer' AND status = 'applied'"),
        m_db.dbname);
    QCOMPARE(history.trimmed().toInt(), int(builtinMigrations().size()));
}

void tst_MigrationsView::appliedMigrationShowsItsSql()
{
    m_view->showVersion(4);
    const QString sql = m_view->sqlEditor()->toPlainText();
    QVERIFY(sql.contains(QLatin1String("CREATE TABLE IF NOT EXISTS melodee_songs")));
    QVERIFY(!sql.contains(QLatin1String("{{songs}}"))); // placeholders expanded
    QVERIFY(m_view->sqlEditor()->highlighter()->tokens().size() > 50);
}

void tst_MigrationsView::nothingPendingSaysSo()
{
    QVERIFY(m_view->plan()->isEmpty());
    QVERIFY(!m_view->rehearseButton()->isEnabled());
    QCOMPARE(m_view->rehearseHint()->text(), QStringLiteral("Nothing pending to rehearse"));
    QVERIFY(m_view->rehearseHint()->isVisible());
}

void tst_MigrationsView::titleShowsVersionNotPath()
{
    for (int v = 1; v <= int(builtinMigrations().size()); ++v) {
        m_view->showVersion(v);
        const QString title = m_view->sqlPane()->findChild<QLabel *>()->text();
        QVERIFY2(title.startsWith(QStringLiteral("V%1 ").arg(v)), qPrintable(title));
        QVERIFY2(!title.contains(QLatin1String(":/")), qPrintable(title));
        QVERIFY2(!title.contains(QLatin1String(".sql")), qPrintable(title));
    }
    m_view->showVersion(1);
    QVERIFY(m_view->sqlPane()->findChild<QLabel *>()->text().size() > 12); // a description
}

// A library with songs and two admin migrations: the review screen grades the type change by
// the size of melodee_songs and names the session reading it; the rehearsal then shows the
// locks and the rewrite beside each statement. Writes docs/screenshots/migrations-rehearse.png
// when MELODEE_SCREENSHOT_DIR is set.
void tst_MigrationsView::reviewAgainstTheLiveDatabase()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("migview_live"));
    const QString dsn = QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
                            .arg(db.host)
                            .arg(db.port)
                            .arg(db.dbname);
    auto r = TestEnv::runCli({QStringLiteral("migrate"), QStringLiteral("--dsn"), dsn});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = TestEnv::runCli({QStringLiteral("demo-data"),
                         QStringLiteral("--dsn"),
                         dsn,
                         QStringLiteral("--songs"),
                         QStringLiteral("50000"),
                         QStringLiteral("--seed"),
                         QStringLiteral("3")},
                        {},
                        300000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QTemporaryDir dir;
    QFile mood(dir.filePath(QStringLiteral("V100__add_mood.sql")));
    QVERIFY(mood.open(QIODevice::WriteOnly));
    mood.write("-- Description: a mood tag per song.\n"
               "ALTER TABLE {{songs}} ADD COLUMN IF NOT EXISTS mood text;\n");
    mood.close();
    QFile retype(dir.filePath(QStringLiteral("V101__track_number_bigint.sql")));
    QVERIFY(retype.open(QIODevice::WriteOnly));
    retype.write("-- Description: track numbers as bigint.\n"
                 "ALTER TABLE {{songs}} ALTER COLUMN track_number TYPE bigint;\n");
    retype.close();

    // A session reads the songs while the plan is reviewed.
    DatabaseConfig readerConfig = db;
    readerConfig.applicationName = QStringLiteral("melodee-server");
    auto reader = PgConnection::open(readerConfig);
    reader->exec("BEGIN");
    reader->exec("SELECT count(*) FROM melodee_songs");

    ConnectionSession session;
    AppConfig config;
    config.database = db;
    session.connectTo(config);
    MigrationsView view(&session);
    view.setMigrationDir(dir.path());
    view.resize(1366, 768);
    view.show();
    QSignalSpy refreshed(&view, &MigrationsView::refreshed);
    view.setActive(true);
    QVERIFY(refreshed.wait(60000));
    QVERIFY2(view.banner()->message().isEmpty(), qPrintable(view.banner()->message()));
    QCOMPARE(view.model()->pendingCount(), 2);
    QStringList findings;
    const PlannedStatement &st = view.plan()->migrations.last().statements.first();
    for (const LintFinding &f : st.findings) {
        findings << f.rule + QLatin1Char(':') + f.severity;
        if (f.rule == QLatin1String("changing-column-type")) {
            QVERIFY2(f.message.contains(QLatin1String("melodee_songs:")), qPrintable(f.message));
            QVERIFY(f.live.value(QStringLiteral("rows")).toDouble() > 40000);
        }
    }
    QVERIFY2(findings.contains(QStringLiteral("changing-column-type:warning")),
             qPrintable(findings.join(QLatin1Char(','))));
    QVERIFY2(findings.contains(QStringLiteral("lock-blocks-live-sessions:warning")),
             qPrintable(findings.join(QLatin1Char(','))));
    reader->exec("COMMIT"); // the reader is done: the rehearsal will not wait for it

    QSignalSpy rehearsed(&view, &MigrationsView::rehearseFinished);
    view.rehearse();
    QVERIFY(rehearsed.wait(120000));
    QVERIFY2(rehearsed.first().first().toBool(), qPrintable(view.banner()->details()));
    view.showVersion(0);
    bool rewrite = false;
    bool exclusive = false;
    for (const TraceAnnotation &a : view.sqlPane()->traceEditor()->annotations()) {
        rewrite |= a.note.startsWith(QLatin1String("rewrites melodee_songs, "));
        exclusive |= a.badges.value(0) == QLatin1String("ACCESS EXCLUSIVE");
    }
    QVERIFY(rewrite);
    QVERIFY(exclusive);
    // However much the summary and the rail say, the view still fits the smallest window.
    QVERIFY2(view.minimumSizeHint().width() <= 1024,
             qPrintable(QString::number(view.minimumSizeHint().width())));
    // As a reviewer would look at it, at the size of the README's screenshots: the type change's
    // finding activated, so the editor shows both statements with their badges and notes.
    view.resize(1366, 768);
    QTRY_COMPARE(view.size(), QSize(1366, 768));
    QTreeWidget *list = view.findingsList();
    QTreeWidgetItem *last = list->topLevelItem(list->topLevelItemCount() - 1);
    QVERIFY(last);
    list->setCurrentItem(last);
    emit list->itemActivated(last, 0);
    QTRY_VERIFY(view.sqlEditor()->textCursor().blockNumber() + 1 == last->text(0).toInt());
    // The rail sits between the SQL and the scroll bar, covered by neither.
    MigrationTraceEditor *editor = view.sqlPane()->traceEditor();
    const QWidget *rail = editor->findChild<QWidget *>(QStringLiteral("traceRail"));
    QVERIFY(rail && rail->isVisible());
    QCOMPARE(rail->width(), editor->railWidth());
    const QRect railRect(rail->mapToGlobal(QPoint(0, 0)), rail->size());
    QVERIFY(!railRect.intersects(
        QRect(editor->viewport()->mapToGlobal(QPoint(0, 0)), editor->viewport()->size())));
    QVERIFY(editor->verticalScrollBar()->isVisible());
    QVERIFY(!railRect.intersects(QRect(editor->verticalScrollBar()->mapToGlobal(QPoint(0, 0)),
                                       editor->verticalScrollBar()->size())));
    const QImage shot = view.grab().toImage();
    QCOMPARE(shot.size(), QSize(1366, 768));
    const QString out = qEnvironmentVariable("MELODEE_SCREENSHOT_DIR");
    if (!out.isEmpty())
        QVERIFY(shot.save(QDir(out).filePath(QStringLiteral("migrations-rehearse.png"))));
}

// The history records production: a connection whose migrate.environment is not production may
// review but not apply, and says why; one that says production applies.
void tst_MigrationsView::productionHistoryRefusesOtherEnvironments()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("migview_env"));
    const auto r = TestEnv::runCli({QStringLiteral("migrate"),
                                    QStringLiteral("--environment"),
                                    QStringLiteral("production"),
                                    QStringLiteral("--dsn"),
                                    QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 "
                                                   "sslmode=disable")
                                        .arg(db.host)
                                        .arg(db.port)
                                        .arg(db.dbname)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // Migration 7 becomes pending again.
    TestEnv::psql(QStringLiteral("DELETE FROM melodee_schema_migrations WHERE version = 7; DROP "
                                 "MATERIALIZED VIEW melodee_library_totals, "
                                 "melodee_artist_counts"),
                  db.dbname);
    for (const Environment env : {Environment::Development, Environment::Production}) {
        ConnectionSession session;
        AppConfig config;
        config.database = db;
        config.migrate.environment = env;
        session.connectTo(config);
        MigrationsView view(&session);
        QStringList asked;
        view.setDestructiveConfirmer([&](const QStringList &steps) {
            asked << steps;
            return true;
        });
        QSignalSpy refreshed(&view, &MigrationsView::refreshed);
        view.setActive(true);
        QVERIFY(refreshed.wait(60000));
        QCOMPARE(view.model()->pendingCount(), 1);
        view.reviewedCheck()->setChecked(true);
        view.reviewerEdit()->setText(QStringLiteral("Ana"));
        QVERIFY(view.canApply());
        QSignalSpy applied(&view, &MigrationsView::applyFinished);
        view.apply();
        if (env == Environment::Development) {
            // Refused before any work starts, with the reason in the banner.
            QVERIFY(!view.isBusy());
            QVERIFY(view.banner()->isError());
            QVERIFY2(view.banner()->message().contains(QLatin1String("history records "
                                                                     "production")),
                     qPrintable(view.banner()->message()));
            QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM "
                                                  "melodee_schema_migrations WHERE version = 7"),
                                   db.dbname),
                     QStringLiteral("0"));
        } else {
            QVERIFY(applied.wait(60000));
            QVERIFY2(applied.first().first().toBool(), qPrintable(view.banner()->details()));
            QCOMPARE(TestEnv::psql(QStringLiteral("SELECT environment FROM "
                                                  "melodee_schema_migrations WHERE version = 7"),
                                   db.dbname),
                     QStringLiteral("production"));
        }
        QVERIFY(asked.isEmpty()); // nothing destructive: no confirmation asked
    }
}

void tst_MigrationsView::unreachableServerIsReadable()
{
    // A closed port: the error appears in the banner with details; no crash, no freeze.
    ConnectionSession session;
    AppConfig config;
    config.database = m_db;
    config.database.port = 1; // nothing listens on 127.0.0.1:1
    config.database.connectTimeout = std::chrono::seconds(2);
    session.connectTo(config);
    MigrationsView view(&session);
    QSignalSpy refreshed(&view, &MigrationsView::refreshed);
    view.setActive(true);
    QVERIFY(refreshed.wait(30000));
    QVERIFY2(view.banner()->isError(), qPrintable(view.logText() + view.banner()->message()));
    QVERIFY(!view.banner()->message().isEmpty());
    QVERIFY(!view.applyButton()->isEnabled());
}

QTEST_MAIN(tst_MigrationsView)
#include "tst_migrationsview.moc"
