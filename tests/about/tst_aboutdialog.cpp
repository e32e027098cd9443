// The About dialog: the one project version, build facts, and the licence of every component
// that ships, consistent with THIRD-PARTY-NOTICES.
#include <about/aboutdialog.h>
#include <about/buildinfo.h>
#include <about/licenceinfo.h>

#include <melodee/version.h>

#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

using namespace melodee;

class tst_AboutDialog : public QObject
{
    Q_OBJECT

private slots:
    void versionAndBuildFacts();
    void licences_data();
    void licences();
    void noticesCoverEveryComponent();
};

void tst_AboutDialog::versionAndBuildFacts()
{
    AboutDialog dialog;
    auto *title = dialog.findChild<QLabel *>(QStringLiteral("aboutTitle"));
    QVERIFY(title);
    QVERIFY2(title->text().contains(QStringLiteral(MELODEE_VERSION)), qPrintable(title->text()));
    QCOMPARE(BuildInfo::version(), QStringLiteral(MELODEE_VERSION));
    QVERIFY2(!BuildInfo::compiler().startsWith(QLatin1String("unknown")),
             qPrintable(BuildInfo::compiler()));
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"))
                 .match(BuildInfo::buildDate())
                 .hasMatch(),
             qPrintable(BuildInfo::buildDate()));
    QCOMPARE(BuildInfo::qtRuntimeVersion(), QString::fromLatin1(qVersion()));
    QVERIFY(BuildInfo::libpqVersion().contains(QLatin1Char('.')));
    // Every fact is on screen, not just available.
    QStringList shown;
    for (QLabel *label : dialog.findChildren<QLabel *>())
        shown << label->text();
    for (const QString &fact : {BuildInfo::compiler(),
                                BuildInfo::qtBuildVersion(),
                                BuildInfo::buildDate(),
                                BuildInfo::libpqVersion()})
        QVERIFY2(shown.contains(fact), qPrintable(fact));
}

void tst_AboutDialog::licences_data()
{
    QTest::addColumn<QString>("component");
    QTest::addColumn<QString>("licence");
    QTest::newRow("Qt") << QStringLiteral("Qt 6") << QStringLiteral("LGPL-3.0-only");
    QTest::newRow("Qt Charts") << QStringLiteral("Qt Charts") << QStringLiteral("GPL-3.0-only");
    QTest::newRow("libpq") << QStringLiteral("libpq (PostgreSQL)") << QStringLiteral("PostgreSQL");
    QTest::newRow("QtKeychain") << QStringLiteral("QtKeychain") << QStringLiteral("BSD-2-Clause");
    QTest::newRow("libpg_query") << QStringLiteral("libpg_query") << QStringLiteral("BSD-3-Clause");
    QTest::newRow("yaml-cpp") << QStringLiteral("yaml-cpp") << QStringLiteral("MIT");
    QTest::newRow("hiredis") << QStringLiteral("hiredis") << QStringLiteral("BSD-3-Clause");
}

void tst_AboutDialog::licences()
{
    QFETCH(QString, component);
    QFETCH(QString, licence);
    AboutDialog dialog;
    QTableWidget *table = dialog.licenceTable();
    QVERIFY(table);
    QCOMPARE(table->rowCount(), int(shippedComponentLicences().size()));
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 0)->text() == component) {
            QCOMPARE(table->item(row, 1)->text(), licence);
            QVERIFY(table->item(row, 2)->text().startsWith(QLatin1String("https://")));
            return;
        }
    }
    QFAIL(qPrintable(QStringLiteral("%1 is not listed").arg(component)));
}

void tst_AboutDialog::noticesCoverEveryComponent()
{
    AboutDialog dialog;
    auto *notices = dialog.findChild<QPlainTextEdit *>(QStringLiteral("noticesText"));
    QVERIFY(notices);
    const QString text = notices->toPlainText();
    QVERIFY2(text.contains(QLatin1String("MIT License")), "LICENSE is not embedded");
    QVERIFY2(text.contains(QLatin1String("third-party notices")), "THIRD-PARTY-NOTICES missing");
    for (const ComponentLicence &c : shippedComponentLicences()) {
        // "libpq (PostgreSQL)" is listed as "libpq" in the notices.
        const QString name = c.component.section(QLatin1String(" ("), 0, 0);
        QVERIFY2(text.contains(name), qPrintable(name + QLatin1String(" not in the notices")));
    }
}

QTEST_MAIN(tst_AboutDialog)
#include "tst_aboutdialog.moc"
