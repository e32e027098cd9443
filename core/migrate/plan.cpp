#include "plan.h"

#include "migrationguard.h"
#include "sqlparse.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>

#include <vector>

namespace melodee {

namespace {

// A value shown in a "-- ..." comment line stays on that line: PostgreSQL ends a comment at CR or
// LF, so a database or column name holding one would turn the rest into SQL of the plan file (and
// a NUL would end the file for the parser).
QString oneLine(QString text)
{
    return text.replace(QLatin1Char('\r'), QLatin1String("\\r"))
        .replace(QLatin1Char('\n'), QLatin1String("\\n"))
        .replace(QChar(0), QLatin1String("\\0"));
}

} // namespace

bool PlannedMigration::destructive() const
{
    for (const PlannedStatement &s : statements) {
        if (!s.guard.isSafe())
            return true;
    }
    return false;
}

int Plan::statementCount() const
{
    int n = 0;
    for (const PlannedMigration &m : migrations)
        n += int(m.statements.size());
    return n;
}

QStringList Plan::statements() const
{
    QStringList out = sessionSql;
    for (const PlannedMigration &m : migrations) {
        for (const PlannedStatement &s : m.statements)
            out << s.sql;
    }
    return out;
}

QString Plan::hash() const
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (down)
        h.addData("-- direction down\n");
    for (const QString &s : sessionSql)
        h.addData((s + QStringLiteral(";\n")).toUtf8());
    for (const PlannedMigration &m : migrations) {
        h.addData(QStringLiteral("-- migration %1 %2\n")
                      .arg(m.migration.version)
                      .arg(m.migration.transactional ? QStringLiteral("transactional")
                                                     : QStringLiteral("non-transactional"))
                      .toUtf8());
        for (const PlannedStatement &s : m.statements)
            h.addData((s.sql + QStringLiteral(";\n")).toUtf8());
    }
    return QStringLiteral("sha256:") + QString::fromLatin1(h.result().toHex());
}

int Plan::findingCount(const QString &severity) const
{
    int n = 0;
    for (const PlannedMigration &m : migrations) {
        for (const PlannedStatement &s : m.statements) {
            for (const LintFinding &f : s.findings)
                n += f.severity == severity ? 1 : 0;
        }
    }
    return n;
}

QString Plan::render() const
{
    QString o;
    const QString rule(70, QLatin1Char('='));
    o += QStringLiteral("-- Melodee migration plan\n");
    o += QStringLiteral("-- format-version: %1\n").arg(kFormatVersion);
    o += QStringLiteral("-- plan-hash: %1\n").arg(hash());
    o += QStringLiteral("-- target: %1\n").arg(oneLine(target));
    o += QStringLiteral("-- base-version: %1%2\n")
             .arg(baseVersion)
             .arg(baseVersion == 0 ? QStringLiteral(" (empty database)") : QString());
    o += QStringLiteral("-- generated-at: %1\n").arg(now.toUTC().toString(Qt::ISODate));
    o += QStringLiteral("-- environment: %1\n").arg(environmentName(environment));
    if (down)
        o += QStringLiteral("-- direction: DOWN (undoes applied migrations, newest first)\n");
    o += QStringLiteral("-- pending: %1 migrations, %2 statements; lint: %3 errors, %4 warnings\n")
             .arg(migrations.size())
             .arg(statementCount())
             .arg(findingCount(QStringLiteral("error")))
             .arg(findingCount(QStringLiteral("warning")));
    for (const QString &line : evaluateGuard(*this).summary())
        o += QStringLiteral("-- ") + line + QLatin1Char('\n');
    o += QStringLiteral("-- Apply exactly this plan: melodee migrate --plan <this file> --reviewer "
                        "<name>\n");
    if (migrations.isEmpty()) {
        o += QStringLiteral("--\n-- Nothing to do: the database is up to date.\n");
        return o;
    }
    o += QStringLiteral("\n-- Session settings, run once before the first migration:\n");
    for (const QString &s : sessionSql)
        o += s + QStringLiteral(";\n");

    int phase = -1;
    for (const PlannedMigration &pm : migrations) {
        const Migration &m = pm.migration;
        if (m.phase != phase) {
            phase = m.phase;
            o += QStringLiteral("\n-- %1\n-- Phase %2: %3\n-- %1\n")
                     .arg(rule)
                     .arg(phase)
                     .arg(phaseName(phase));
        }
        QStringList traits;
        traits << (m.transactional ? QStringLiteral("transactional (one transaction with its "
                                                    "history row)")
                                   : QStringLiteral("NON-TRANSACTIONAL (statements commit one by "
                                                    "one; an interrupted run is redone)"));
        traits << (m.reversible ? QStringLiteral("reversible") : QStringLiteral("IRREVERSIBLE"));
        GuardDecision worst;
        for (const PlannedStatement &s : pm.statements)
            worst = GuardDecision::worst(worst, s.guard);
        if (!worst.isSafe())
            traits << worst.verdictName().toUpper();
        o += QStringLiteral("\n-- Migration %1 %2: %3\n")
                 .arg(m.version)
                 .arg(oneLine(m.name), traits.join(QLatin1String(", ")));
        o += QStringLiteral("-- source: %1%2, checksum sha256:%3\n")
                 .arg(m.builtin() ? QStringLiteral("built-in ") : QString(),
                      oneLine(m.builtin() ? m.source.section(QLatin1Char('/'), -1) : m.source),
                      QString::fromLatin1(m.checksum));
        if (!m.generated.isEmpty())
            o += QStringLiteral("-- statements generated from generated-at (UTC month) and "
                                "migrate.premake_months\n");
        if (pm.previousStatus)
            o += QStringLiteral("-- an earlier attempt ended as \"%1\"; it is run again\n")
                     .arg(migrationStatusName(*pm.previousStatus));
        for (const PlannedStatement &s : pm.statements) {
            for (const LintFinding &f : s.findings) {
                o += QStringLiteral("-- lint %1 [%2]: %3; fix: %4\n")
                         .arg(f.severity, f.rule, oneLine(f.message), oneLine(f.fix));
            }
            if (!s.guard.isSafe())
                o += QStringLiteral("-- guard: %1\n").arg(s.guard.toString());
            o += s.sql + QStringLiteral(";\n");
        }
    }
    return o;
}

PlanFile readPlanFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw MigrateError(QStringLiteral("--plan %1: %2").arg(path, f.errorString()),
                           ErrorKind::Usage);
    const QString text = QString::fromUtf8(f.readAll());
    PlanFile p;
    static const QRegularExpression hashRe(QStringLiteral("^-- plan-hash: (sha256:[0-9a-f]{64})$"),
                                           QRegularExpression::MultilineOption);
    static const QRegularExpression fmtRe(QStringLiteral("^-- format-version: (\\d+)$"),
                                          QRegularExpression::MultilineOption);
    const auto hm = hashRe.match(text);
    const auto fm = fmtRe.match(text);
    if (!hm.hasMatch() || !fm.hasMatch()) {
        throw MigrateError(QStringLiteral("--plan %1: not a melodee plan (no format-version / "
                                          "plan-hash header)")
                               .arg(path),
                           ErrorKind::Usage);
    }
    p.hash = hm.captured(1);
    p.formatVersion = fm.captured(1).toInt();
    if (p.formatVersion != Plan::kFormatVersion) {
        throw MigrateError(QStringLiteral("--plan %1: format-version %2 is not supported (this "
                                          "melodee writes %3)")
                               .arg(path)
                               .arg(p.formatVersion)
                               .arg(Plan::kFormatVersion),
                           ErrorKind::Usage);
    }
    const SqlParseResult parsed = parseSql(text);
    if (!parsed.error.isEmpty()) {
        throw MigrateError(QStringLiteral("--plan %1: line %2: %3")
                               .arg(path)
                               .arg(parsed.errorLine)
                               .arg(parsed.error),
                           ErrorKind::Usage);
    }
    for (const SqlStatement &s : parsed.statements)
        p.statements << s.text;
    return p;
}

QStringList diffStatements(const QStringList &a, const QStringList &b, int maxLines)
{
    // Longest common subsequence; plans hold tens of statements, so O(n*m) is fine.
    const int n = int(a.size());
    const int m = int(b.size());
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (int i = n - 1; i >= 0; --i) {
        for (int j = m - 1; j >= 0; --j)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : qMax(lcs[i + 1][j], lcs[i][j + 1]);
    }
    auto firstLine = [](const QString &s) {
        const QString l = s.section(QLatin1Char('\n'), 0, 0);
        return s.contains(QLatin1Char('\n')) ? l + QStringLiteral(" ...") : l;
    };
    QStringList out;
    int i = 0;
    int j = 0;
    while ((i < n || j < m) && out.size() < maxLines) {
        if (i < n && j < m && a[i] == b[j]) {
            ++i;
            ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            out << QStringLiteral("+ ") + firstLine(b[j++]);
        } else {
            out << QStringLiteral("- ") + firstLine(a[i++]);
        }
    }
    return out;
}

} // namespace melodee
