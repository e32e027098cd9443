#include "migrationengine.h"
#include "migrationguard.h"

#include "catalogfacts.h"
#include "db/dberror.h"
#include "partitions/partitionsql.h"
#include "sqlparse.h"

#include <QHash>

#include <algorithm>

namespace melodee {

namespace {

QStringList sessionSql(const MigrateConfig &c)
{
    return {
        QStringLiteral("SET lock_timeout = '%1'").arg(MigrationEngine::durationSql(c.lockTimeout)),
        QStringLiteral("SET statement_timeout = '%1'")
            .arg(MigrationEngine::durationSql(c.statementTimeout))};
}

} // namespace

QList<SqlStatement> MigrationEngine::parseMigration(const Migration &m, const QDateTime &now) const
{
    QString script;
    if (m.generated == QLatin1String("partitions")) {
        const Month first = Month::fromDate(now.date());
        QStringList stmts;
        for (const QString &table : partitionedTables(m_config.session)) {
            for (const Month &month : monthWindow(first, m_config.migrate.premakeMonths))
                stmts << createMonthPartitionSql(table, month);
            stmts << createDefaultPartitionSql(table);
        }
        script = stmts.join(QStringLiteral(";\n")) + QStringLiteral(";\n");
    } else if (!m.generated.isEmpty()) {
        throw MigrateError(
            QStringLiteral("%1: unknown generator \"%2\"").arg(m.source, m.generated));
    } else {
        script = m.expandedSql(m_config.session);
    }
    const SqlParseResult parsed = parseSql(script);
    if (!parsed.error.isEmpty()) {
        throw MigrateError(
            QStringLiteral("%1: line %2: %3").arg(m.source).arg(parsed.errorLine).arg(parsed.error),
            ErrorKind::Usage);
    }
    for (const SqlStatement &s : parsed.statements) {
        if (s.kind == QLatin1String("TransactionStmt")) {
            throw MigrateError(QStringLiteral("%1: line %2: BEGIN/COMMIT in a migration; the "
                                              "engine runs each migration in its own "
                                              "transaction (or none with '-- transactional: "
                                              "false')")
                                   .arg(m.source)
                                   .arg(s.line),
                               ErrorKind::Usage);
        }
    }
    return parsed.statements;
}

Plan MigrationEngine::plan(const QDateTime &now, bool liveFacts)
{
    Plan plan;
    plan.now = now.toUTC();
    plan.target = targetDescription();
    plan.environment = m_config.migrate.environment;
    plan.sessionSql = sessionSql(m_config.migrate);

    QHash<int, HistoryRow> rows;
    for (const HistoryRow &h : history()) {
        rows.insert(h.version, h);
        if (h.status == MigrationStatus::Applied)
            plan.baseVersion = qMax(plan.baseVersion, h.version);
        plan.productionInHistory |= h.environment == Environment::Production;
    }

    // Parsed first, so the catalog facts of every table the plan names come in one query.
    struct Parsed
    {
        PlannedMigration pm;
        QList<SqlStatement> statements;
    };
    QList<Parsed> pending;
    for (const Migration &m : m_migrations) {
        const auto row = rows.constFind(m.version);
        if (row != rows.constEnd() && row->status == MigrationStatus::Applied)
            continue;
        Parsed p;
        p.pm.migration = m;
        if (row != rows.constEnd())
            p.pm.previousStatus = row->status;
        p.statements = parseMigration(m, plan.now);
        pending << p;
    }
    CatalogFacts facts;
    if (liveFacts && m_conn) {
        QList<SqlStatement> all;
        for (const Parsed &p : std::as_const(pending))
            all += p.statements;
        try {
            facts = CatalogFacts::fetch(*m_conn, CatalogFacts::relationsOf(all));
            plan.liveFacts = true;
        } catch (const DbError &e) {
            // Lint without them rather than no review at all; the screen says why.
            if (e.isCancelled())
                throw;
            plan.liveFactsError = e.toString();
        }
    }

    const StatementAnalyser analyser(
        [this](const QString &table, const QString &column) { return columnType(table, column); });
    Linter linter;
    if (plan.liveFacts)
        linter.setCatalog(&facts);
    for (Parsed &p : pending) {
        const Migration &m = p.pm.migration;
        Linter::Options lo;
        lo.inTransaction = m.transactional;
        lo.timeoutsSetByEngine = true;
        lo.ignore = QSet<QString>(m.lintIgnore.cbegin(), m.lintIgnore.cend());
        linter.setOptions(lo);
        int index = 0;
        for (const SqlStatement &s : std::as_const(p.statements)) {
            PlannedStatement ps;
            ps.sql = s.text;
            ps.findings = linter.lint(s, ++index);
            ps.guard = analyser.guard(s);
            p.pm.statements << ps;
        }
        plan.migrations << p.pm;
    }
    return plan;
}

void MigrationEngine::checkGuard(const Plan &plan,
                                 bool allowDestructive,
                                 bool forceEnvironment) const
{
    const QString refusal = evaluateGuard(plan).refusal(allowDestructive, forceEnvironment);
    if (!refusal.isEmpty())
        throw MigrateError(refusal, ErrorKind::Guard);
}

Plan MigrationEngine::planDown(int toVersion)
{
    Plan plan;
    plan.down = true;
    plan.downTo = toVersion;
    plan.now = QDateTime::currentDateTimeUtc();
    plan.target = targetDescription();
    plan.environment = m_config.migrate.environment;
    plan.sessionSql = sessionSql(m_config.migrate);
    QList<MigrationState> undo;
    for (const MigrationState &s : status()) {
        if (s.history && s.history->status == MigrationStatus::Applied)
            plan.baseVersion = qMax(plan.baseVersion, s.version);
        if (s.history)
            plan.productionInHistory |= s.history->environment == Environment::Production;
        if (s.version > toVersion && s.history)
            undo.prepend(s);
    }
    auto find = [this](int version) {
        return std::find_if(m_migrations.cbegin(),
                            m_migrations.cend(),
                            [version](const Migration &m) { return m.version == version; });
    };
    QStringList irreversible;
    QStringList noDown;
    for (const MigrationState &s : std::as_const(undo)) {
        const auto it = find(s.version);
        if (it == m_migrations.cend()) {
            throw MigrateError(QStringLiteral("migration %1 %2 is in the history but its file is "
                                              "missing; pass the --dir that holds it")
                                   .arg(s.version)
                                   .arg(s.name));
        }
        if (!it->reversible)
            irreversible << QStringLiteral("%1 %2").arg(it->version).arg(it->name);
        else if (!it->hasDown())
            noDown << QStringLiteral("%1 %2").arg(it->version).arg(it->name);
    }
    if (!irreversible.isEmpty()) {
        throw MigrateError(QStringLiteral("down-migration refused: %1 is irreversible")
                               .arg(irreversible.join(QLatin1String(", "))),
                           ErrorKind::Guard);
    }
    if (!noDown.isEmpty()) {
        throw MigrateError(QStringLiteral("cannot go down: %1 has no \"-- melodee:down\" section")
                               .arg(noDown.join(QLatin1String(", "))));
    }
    const StatementAnalyser analyser(
        [this](const QString &table, const QString &column) { return columnType(table, column); });
    Linter linter;
    for (const MigrationState &s : std::as_const(undo)) {
        const Migration &m = *find(s.version);
        const SqlParseResult parsed = parseSql(m.expandedDownSql(m_config.session));
        if (!parsed.error.isEmpty())
            throw MigrateError(QStringLiteral("%1 (down part): %2").arg(m.source, parsed.error),
                               ErrorKind::Usage);
        Linter::Options lo;
        lo.inTransaction = true;
        lo.timeoutsSetByEngine = true;
        lo.ignore = QSet<QString>(m.lintIgnore.cbegin(), m.lintIgnore.cend());
        linter.setOptions(lo);
        PlannedMigration pm;
        pm.migration = m;
        pm.migration.transactional = true; // a down part always runs in one transaction
        int index = 0;
        for (const SqlStatement &st : parsed.statements)
            pm.statements << PlannedStatement{
                st.text, linter.lint(st, ++index), analyser.guard(st)};
        plan.migrations << pm;
    }
    return plan;
}

} // namespace melodee
