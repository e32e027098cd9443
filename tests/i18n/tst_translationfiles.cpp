// Every GUI translation must be complete: no unfinished, empty, stale or missing entries, the
// same placeholders and mnemonics as the English source, and every plural form filled in.
#include "tsfile.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;

namespace {

const QString TranslationsDir = QStringLiteral(MELODEE_SOURCE_DIR "/translations");

// The full catalogues, then English, which holds only the plural forms (lupdate -pluralonly).
const QString EnglishPlurals = QStringLiteral("en/melodee-admin_en.ts");

QStringList tsFiles()
{
    return QDir(TranslationsDir).entryList({QStringLiteral("melodee-admin_*.ts")}, QDir::Files)
           << EnglishPlurals;
}

QSet<QString> placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%L?(\\d+|n)"));
    QSet<QString> found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured(0).remove(QLatin1Char('L')));
    return found;
}

// Mnemonic markers: a single '&' (not "&&") followed by a character.
int mnemonics(const QString &text)
{
    int count = 0;
    for (int i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != QLatin1Char('&'))
            continue;
        if (text.at(i + 1) == QLatin1Char('&'))
            ++i;
        else
            ++count;
    }
    return count;
}

// Plural forms Qt expects per language (see Qt's numerus rules).
int expectedNumerusForms(const QString &language)
{
    const QString lang = language.section(QLatin1Char('_'), 0, 0);
    if (lang == QLatin1String("en") || lang == QLatin1String("de") || lang == QLatin1String("fr")
        || lang == QLatin1String("es"))
        return 2;
    return -1; // unknown here: only require non-empty forms
}

// Qt Test truncates long failure messages, so every problem goes to the log on its own line.
bool reportProblems(const QStringList &problems)
{
    for (const QString &problem : problems)
        qWarning().noquote() << problem;
    return problems.isEmpty();
}

QString where(const TsMessage &m)
{
    return QStringLiteral("[%1] \"%2\"").arg(m.context, m.source);
}

} // namespace

class tst_TranslationFiles : public QObject
{
    Q_OBJECT

private slots:
    void requiredLanguages();
    void complete_data();
    void complete();
    void upToDate_data();
    void upToDate();
};

void tst_TranslationFiles::requiredLanguages()
{
    const QStringList files = tsFiles();
    QVERIFY2(files.contains(QStringLiteral("melodee-admin_de.ts")), "German is required");
    QVERIFY2(files.contains(QStringLiteral("melodee-admin_fr.ts")), "French is required");
}

void tst_TranslationFiles::complete_data()
{
    QTest::addColumn<QString>("file");
    for (const QString &file : tsFiles())
        QTest::newRow(qPrintable(file)) << file;
}

void tst_TranslationFiles::complete()
{
    QFETCH(QString, file);
    TsFile ts;
    QString error;
    QVERIFY2(ts.load(TranslationsDir + QLatin1Char('/') + file, &error), qPrintable(error));
    QVERIFY2(!ts.messages.isEmpty(), "no messages: run the update_translations target");
    const QString expectedLanguage = file.section(QLatin1Char('_'), 1).chopped(3);
    QCOMPARE(ts.language, expectedLanguage);

    QStringList problems;
    const int forms = expectedNumerusForms(ts.language);
    for (const TsMessage &m : std::as_const(ts.messages)) {
        if (!m.type.isEmpty()) {
            problems << QStringLiteral("%1 is %2").arg(where(m), m.type);
            continue;
        }
        const QStringList texts = m.numerus ? m.numerusForms : QStringList{m.translation};
        if (m.numerus && forms > 0 && texts.size() != forms)
            problems << QStringLiteral("%1 has %2 plural forms, expected %3")
                            .arg(where(m))
                            .arg(texts.size())
                            .arg(forms);
        for (const QString &text : texts) {
            if (text.trimmed().isEmpty()) {
                problems << QStringLiteral("%1 has an empty translation").arg(where(m));
                continue;
            }
            QSet<QString> expected = placeholders(m.source);
            QSet<QString> actual = placeholders(text);
            // A singular form may spell the number out ("eine Zeile"), so %n is optional there.
            if (m.numerus && text != texts.last()) {
                expected.remove(QStringLiteral("%n"));
                actual.remove(QStringLiteral("%n"));
            }
            if (expected != actual)
                problems << QStringLiteral("%1: placeholders differ in \"%2\"").arg(where(m), text);
            if (mnemonics(m.source) != mnemonics(text))
                problems << QStringLiteral("%1: '&' mnemonic missing or doubled in \"%2\"")
                                .arg(where(m), text);
        }
    }
    QVERIFY2(reportProblems(problems),
             qPrintable(QStringLiteral("%1 problem(s), listed above").arg(problems.size())));
}

void tst_TranslationFiles::upToDate_data()
{
    complete_data();
}

// Runs lupdate over the current sources into a copy: anything it adds is a string the code
// shows that nobody translated; anything it drops is stale.
void tst_TranslationFiles::upToDate()
{
    QFETCH(QString, file);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString copy = tmp.filePath(QFileInfo(file).fileName());
    QVERIFY(QFile::copy(TranslationsDir + QLatin1Char('/') + file, copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);

    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    QStringList arguments{QStringLiteral("-no-obsolete"),
                          QStringLiteral("-locations"),
                          QStringLiteral("none"),
                          QStringLiteral(MELODEE_SOURCE_DIR "/ui"),
                          QStringLiteral(MELODEE_SOURCE_DIR "/app"),
                          QStringLiteral("-ts"),
                          copy};
    if (file == EnglishPlurals)
        arguments.prepend(QStringLiteral("-pluralonly"));
    lupdate.start(QStringLiteral(MELODEE_LUPDATE), arguments);
    QVERIFY2(lupdate.waitForFinished(120000), "lupdate did not finish");
    QVERIFY2(lupdate.exitCode() == 0, lupdate.readAll().constData());

    TsFile committed, fresh;
    QString error;
    QVERIFY2(committed.load(TranslationsDir + QLatin1Char('/') + file, &error), qPrintable(error));
    QVERIFY2(fresh.load(copy, &error), qPrintable(error));
    auto key = [](const TsMessage &m) {
        return m.context + QChar(0) + m.source;
    };
    QSet<QString> committedKeys;
    for (const TsMessage &m : std::as_const(committed.messages))
        committedKeys.insert(key(m));
    QStringList problems;
    QSet<QString> freshKeys;
    for (const TsMessage &m : std::as_const(fresh.messages)) {
        freshKeys.insert(key(m));
        if (!committedKeys.contains(key(m)) || m.type == QLatin1String("unfinished"))
            problems << QStringLiteral("missing: %1").arg(where(m));
    }
    for (const TsMessage &m : std::as_const(committed.messages)) {
        if (!freshKeys.contains(key(m)))
            problems << QStringLiteral("stale (no longer in the code): %1").arg(where(m));
    }
    QVERIFY2(reportProblems(problems),
             qPrintable(QStringLiteral("%1 is out of date in %2 place(s) listed above; run `ninja "
                                       "update_translations` and translate (docs/translations.md)")
                            .arg(file)
                            .arg(problems.size())));
}

QTEST_GUILESS_MAIN(tst_TranslationFiles)
#include "tst_translationfiles.moc"
