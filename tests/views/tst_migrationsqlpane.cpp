#include <migrate/migrationengine.h>
#include <views/migrationsqlpane.h>
#include <widgets/sqleditor.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace melodee;

// The review screen's SQL pane: lint findings and the production guard's decision per statement,
// on their lines and in the list below.
class tst_MigrationSqlPane : public QObject
{
    Q_OBJECT

private slots:
    void guardDecisionsAreShown_data();
    void guardDecisionsAreShown();
};

void tst_MigrationSqlPane::guardDecisionsAreShown_data()
{
    QTest::addColumn<QString>("environment");
    QTest::addColumn<QString>("severity");
    QTest::newRow("production") << "production"
                                << "error";
    QTest::newRow("staging") << "staging"
                             << "warning";
}

void tst_MigrationSqlPane::guardDecisionsAreShown()
{
    QFETCH(QString, environment);
    QFETCH(QString, severity);
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("V100__cleanup.sql")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("-- lint-ignore: ban-drop-table\n"
            "DROP TABLE IF EXISTS {{prefix}}old_plays;\n"
            "CREATE INDEX IF NOT EXISTS {{prefix}}songs_rating_idx ON {{songs}} (rating);\n"
            "DELETE FROM {{prefix}}canary;\n");
    f.close();
    AppConfig config;
    config.migrate.environment = *parseEnvironment(environment);
    const Plan plan = MigrationEngine(config, dir.path())
                          .plan(QDateTime(QDate(2026, 11, 27), QTime(0, 0), Qt::UTC));
    const PlannedMigration &pm = plan.migrations.last();

    MigrationSqlPane pane;
    pane.showMigration(100, &pm.migration, &pm, plan.environment, config.session);
    QStringList guardRows;
    for (int i = 0; i < pane.findings()->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = pane.findings()->topLevelItem(i);
        if (item->text(2).startsWith(QLatin1String("guard-"))) {
            QCOMPARE(item->text(1), severity);
            guardRows << item->text(0) + QLatin1Char(' ') + item->text(2) + QLatin1Char(' ')
                             + item->text(3);
        }
    }
    // One row per guarded statement, on the statement's line; the safe index has none.
    QCOMPARE(guardRows,
             (QStringList{QStringLiteral("3 guard-destructive drops table melodee_old_plays and "
                                         "its data"),
                          QStringLiteral("7 guard-destructive DELETE without WHERE deletes every "
                                         "row of melodee_canary")}));
    const QString text = pane.editor()->toPlainText();
    QCOMPARE(text.split(QLatin1Char('\n')).value(2),
             QStringLiteral("DROP TABLE IF EXISTS melodee_old_plays;"));
    QVERIFY(pane.editor()->markedLines().contains(7));

    // The whole plan: the same decisions, in the header and on the statements.
    pane.showPlan(plan);
    int guarded = 0;
    for (int i = 0; i < pane.findings()->topLevelItemCount(); ++i)
        guarded += pane.findings()->topLevelItem(i)->text(2).startsWith(QLatin1String("guard-"));
    QCOMPARE(guarded, 2);
    QVERIFY(pane.editor()->toPlainText().contains(
        QStringLiteral("-- guard: environment %1; 2 step(s)").arg(environment)));
}

QTEST_MAIN(tst_MigrationSqlPane)
#include "tst_migrationsqlpane.moc"
