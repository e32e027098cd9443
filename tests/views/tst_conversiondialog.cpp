#include "testenv.h"

#include <i18n/translator.h>
#include <models/conversionfindingsmodel.h>
#include <session/connectionsession.h>
#include <views/conversiondialog.h>
#include <views/migrationsview.h>
#include <widgets/errorbanner.h>
#include <widgets/sqleditor.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace melodee;
using melodee::test::TestEnv;

// The desktop app's review and apply of a conversion to monthly partitions, on melodee-next's
// schema (the fixture's 200k tracks): opened from the Migrations view, the dry-run plan computed
// off the GUI thread with its SQL, findings and hash and nothing changed; requests refused with
// the reason; the reviewer gate and the production guard; a cancelled conversion resumed by a
// second apply and ending with every row.
class tst_ConversionDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void openedFromMigrationsView();
    void planShowsReview();
    void refused_data();
    void refused();
    void productionGuard();
    void cancelThenResume();

private:
    struct Fixture
    {
        std::unique_ptr<ConnectionSession> session;
        std::unique_ptr<ConversionDialog> dialog;
        QString dbname;
    };
    Fixture open(const QString &prefix, Environment environment = Environment::Development);
    static bool planTracks(ConversionDialog *dialog,
                           const QString &column = QStringLiteral("created_at"));
    static QString catalog(const QString &dbname);
};

void tst_ConversionDialog::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    QVERIFY(Translator::install(qApp, QLocale(QLocale::English)));
}

tst_ConversionDialog::Fixture tst_ConversionDialog::open(const QString &prefix,
                                                         Environment environment)
{
    Fixture f;
    AppConfig config;
    config.database = TestEnv::melodeeNextDatabase(prefix);
    config.migrate.environment = environment;
    f.dbname = config.database.dbname;
    f.session = std::make_unique<ConnectionSession>();
    f.session->connectTo(config);
    f.dialog = std::make_unique<ConversionDialog>(f.session.get());
    f.dialog->resize(1024, 640);
    f.dialog->show();
    return f;
}

bool tst_ConversionDialog::planTracks(ConversionDialog *dialog, const QString &column)
{
    QSignalSpy finished(dialog, &ConversionDialog::planFinished);
    dialog->tableEdit()->setText(QStringLiteral("tracks"));
    dialog->columnEdit()->setText(column);
    dialog->plan();
    return finished.wait(120000) && finished.first().first().toBool();
}

QString tst_ConversionDialog::catalog(const QString &dbname)
{
    return TestEnv::psql(QStringLiteral("SELECT (SELECT count(*) FROM pg_class), "
                                        "(SELECT count(*) FROM pg_trigger), "
                                        "(SELECT count(*) FROM pg_constraint)"),
                         dbname);
}

void tst_ConversionDialog::openedFromMigrationsView()
{
    AppConfig config;
    config.database = TestEnv::melodeeNextDatabase(QStringLiteral("convdlg_view"));
    ConnectionSession session;
    session.connectTo(config);
    MigrationsView view(&session);
    view.show();
    QVERIFY(view.convertButton()->isEnabled());
    view.convertButton()->click();
    ConversionDialog *dialog = view.findChild<ConversionDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Convert a table to monthly partitions"));
    // Apply waits for a plan.
    QVERIFY(!dialog->applyButton()->isEnabled());
    // It fits the smallest supported window.
    QVERIFY2(dialog->minimumSizeHint().width() <= 1024 && dialog->minimumSizeHint().height() <= 640,
             qPrintable(QStringLiteral("%1x%2")
                            .arg(dialog->minimumSizeHint().width())
                            .arg(dialog->minimumSizeHint().height())));
    QVERIFY(dialog->width() <= 1024 && dialog->height() <= 640);
}

void tst_ConversionDialog::planShowsReview()
{
    Fixture f = open(QStringLiteral("convdlg_plan"));
    ConversionDialog *dialog = f.dialog.get();
    QAbstractItemModelTester tester(dialog->findingsModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString before = catalog(f.dbname);
    QVERIFY(planTracks(dialog));
    QCOMPARE(catalog(f.dbname), before);
    QVERIFY(dialog->currentPlan());
    const ConversionPlan &plan = *dialog->currentPlan();
    QCOMPARE(plan.newTable, QStringLiteral("tracks_partitioned"));
    // The SQL pane holds every phase's statements under the reviewed header.
    const QString sql = dialog->sqlEditor()->toPlainText();
    QCOMPARE(sql, plan.script());
    QVERIFY(sql.contains(QLatin1String("CREATE TABLE \"public\".\"tracks_partitioned\"")));
    QVERIFY(sql.contains(QLatin1String("-- Phase 4")));
    QVERIFY2(dialog->hashLabel()->text().contains(plan.hash()),
             qPrintable(dialog->hashLabel()->text()));
    QVERIFY(plan.hash().startsWith(QLatin1String("sha256:")));
    // docs/screenshots/conversion-review.png, when asked for.
    if (const QString dir = qEnvironmentVariable("MELODEE_SCREENSHOT_DIR"); !dir.isEmpty()) {
        dialog->resize(1366, 768);
        QVERIFY(dialog->grab().save(dir + QStringLiteral("/conversion-review.png")));
    }

    // Findings: both keys, the three foreign keys, then the notes; the incoming one says what
    // happens and why.
    ConversionFindingsModel *model = dialog->findingsModel();
    QCOMPARE(model->rowCount(), 2 + 3 + int(plan.notes.size()));
    int incoming = -1;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, ConversionFindingsModel::Subject)
                .data()
                .toString()
                .startsWith(QLatin1String("incoming foreign key fk_playlist_tracks_track")))
            incoming = row;
    }
    QVERIFY(incoming >= 0);
    QVERIFY(model->index(incoming, ConversionFindingsModel::WhatHappens)
                .data()
                .toString()
                .contains(QLatin1String("enforced by triggers")));
    QVERIFY(model->index(incoming, ConversionFindingsModel::Why)
                .data()
                .toString()
                .contains(QLatin1String("partition column created_at")));
    QCOMPARE(model->index(0, ConversionFindingsModel::Subject).data().toString(),
             QStringLiteral("primary key tracks_pkey (id)"));
    QCOMPARE(model->index(0, ConversionFindingsModel::WhatHappens).data().toString(),
             QStringLiteral("becomes (id, created_at)"));

    // The reviewer gate: reviewed and named.
    QVERIFY(!dialog->applyButton()->isEnabled());
    dialog->reviewedCheck()->setChecked(true);
    QVERIFY(!dialog->applyButton()->isEnabled());
    dialog->reviewerEdit()->setText(QStringLiteral("   "));
    QVERIFY(!dialog->applyButton()->isEnabled());
    dialog->reviewerEdit()->setText(QStringLiteral("Ann O'Hara"));
    QVERIFY(dialog->applyButton()->isEnabled());
    // Another table or column is another plan: the review is gone.
    QTest::keyClick(dialog->columnEdit(), Qt::Key_X);
    QVERIFY(!dialog->currentPlan());
    QVERIFY(!dialog->reviewedCheck()->isChecked());
    QVERIFY(!dialog->applyButton()->isEnabled());
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(dialog->sqlEditor()->toPlainText().isEmpty());
}

void tst_ConversionDialog::refused_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("message");
    QTest::newRow("no table") << QStringLiteral("no \"such\" table") << QStringLiteral("created_at")
                              << QStringLiteral("table \"no \"such\" table\" does not exist");
    QTest::newRow("text column") << QStringLiteral("tracks") << QStringLiteral("name")
                                 << QStringLiteral("column \"name\" is character varying(255)");
    QTest::newRow("no column") << QStringLiteral("tracks") << QString()
                               << QStringLiteral("no partition column given");
}

void tst_ConversionDialog::refused()
{
    QFETCH(QString, table);
    QFETCH(QString, column);
    QFETCH(QString, message);
    Fixture f = open(QStringLiteral("convdlg_refused"));
    ConversionDialog *dialog = f.dialog.get();
    QSignalSpy finished(dialog, &ConversionDialog::planFinished);
    dialog->tableEdit()->setText(table);
    dialog->columnEdit()->setText(column);
    dialog->plan();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY2(dialog->banner()->message().contains(message),
             qPrintable(dialog->banner()->message()));
    QVERIFY(!dialog->currentPlan());
    QVERIFY(!dialog->reviewedCheck()->isEnabled());
    QVERIFY(!dialog->applyButton()->isEnabled());
}

void tst_ConversionDialog::productionGuard()
{
    // In production Apply asks first, with what the conversion drops, widens and renames; a no
    // changes nothing.
    Fixture f = open(QStringLiteral("convdlg_prod"), Environment::Production);
    ConversionDialog *dialog = f.dialog.get();
    QStringList asked;
    dialog->setGuardConfirmer([&asked](const QStringList &steps) {
        asked = steps;
        return false;
    });
    QVERIFY(planTracks(dialog));
    dialog->reviewedCheck()->setChecked(true);
    dialog->reviewerEdit()->setText(QStringLiteral("ann"));
    const QString before = catalog(f.dbname);
    QSignalSpy finished(dialog, &ConversionDialog::applyFinished);
    dialog->apply();
    QVERIFY(!dialog->isBusy());
    QCOMPARE(finished.size(), 0);
    const QString steps = asked.join(QLatin1Char('\n'));
    QVERIFY2(steps.contains(QLatin1String("foreign key fk_playlist_tracks_track (playlist_tracks "
                                          "-> tracks)")),
             qPrintable(steps));
    QVERIFY2(steps.contains(QLatin1String("key tracks_pkey widened to (id, created_at)")),
             qPrintable(steps));
    QVERIFY2(steps.contains(QLatin1String("tracks renamed to tracks_unpartitioned")),
             qPrintable(steps));
    QVERIFY2(dialog->banner()->message().contains(QLatin1String("production guard")),
             qPrintable(dialog->banner()->message()));
    QCOMPARE(catalog(f.dbname), before);
}

void tst_ConversionDialog::cancelThenResume()
{
    // Cancel once the first batch is reported: nothing swapped, the conversion in progress;
    // planning again shows it as such, and Apply resumes it to the end with every row.
    Fixture f = open(QStringLiteral("convdlg_apply"));
    ConversionDialog *dialog = f.dialog.get();
    const QString contents = QStringLiteral(
        "SELECT count(*) || ' ' || md5(string_agg(md5(t::text), '' ORDER BY id)) FROM tracks t");
    const QString before = TestEnv::psql(contents, f.dbname);
    QVERIFY(planTracks(dialog));
    const QString hash = dialog->currentPlan()->hash();
    dialog->reviewedCheck()->setChecked(true);
    dialog->reviewerEdit()->setText(QStringLiteral("Ann O'Hara"));
    QSignalSpy finished(dialog, &ConversionDialog::applyFinished);
    dialog->apply();
    QVERIFY(dialog->isBusy());
    QVERIFY(dialog->progressBar()->isVisible());
    QVERIFY(!dialog->applyButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(dialog->logText().contains(QLatin1String("copied id <= ")), 60000);
    dialog->cancel();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY(!dialog->isBusy());
    QVERIFY(!dialog->progressBar()->isVisible());
    QVERIFY2(dialog->banner()->message().contains(QLatin1String("Conversion cancelled")),
             qPrintable(dialog->banner()->message()));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT relkind FROM pg_class WHERE oid = "
                                          "'tracks'::regclass"),
                           f.dbname),
             QStringLiteral("r"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT phase || ' ' || reviewer FROM "
                                          "melodee_conversions WHERE table_name = 'tracks'"),
                           f.dbname),
             QStringLiteral("copying Ann O'Hara"));

    // Planned again: the stored plan, said to be in progress; applied: resumed and finished.
    QVERIFY(planTracks(dialog));
    QCOMPARE(dialog->currentPlan()->hash(), hash);
    QVERIFY2(dialog->hashLabel()->text().contains(QLatin1String("in progress")),
             qPrintable(dialog->hashLabel()->text()));
    dialog->reviewedCheck()->setChecked(true);
    finished.clear();
    dialog->apply();
    QVERIFY(finished.wait(240000));
    QVERIFY2(finished.first().first().toBool(), qPrintable(dialog->banner()->message()));
    QVERIFY2(dialog->banner()->message().contains(
                 QLatin1String("tracks converted (plan %1): 200000 rows in 36 months verified; "
                               "the old table is tracks_unpartitioned.")
                     .arg(hash)),
             qPrintable(dialog->banner()->message()));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT relkind FROM pg_class WHERE oid = "
                                          "'tracks'::regclass"),
                           f.dbname),
             QStringLiteral("p"));
    QCOMPARE(TestEnv::psql(contents, f.dbname), before);
}

QTEST_MAIN(tst_ConversionDialog)
#include "tst_conversiondialog.moc"
