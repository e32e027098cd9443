// libFuzzer target for the migration files an admin writes (V<version>__<name>.sql with header
// comments, parseMigration) and the reviewed plan files `melodee migrate --plan FILE` reads
// (readPlanFile). First byte modulo 3 picks:
//   0  the rest is a plan file: readPlanFile throws a usage error naming the file, or gives a
//      plan with a sha256 hash and its statements;
//   1  "<file name>\n<text>": parseMigration throws a usage error naming the file, or gives a
//      migration with a positive version, a phase 1..7, and text/up/down/checksum that agree;
//   2  a migration built from the bytes is planned as the engine plans it (parse, lint), the plan
//      is rendered and read back: the file must give the same hash and the same statements, or
//      the reviewed plan could never be applied.
#include "fuzzcheck.h"

#include <config/appconfig.h>
#include <migrate/lint.h>
#include <migrate/migration.h>
#include <migrate/migrationstatus.h>
#include <migrate/plan.h>
#include <migrate/sqlparse.h>
#include <migrate/statementanalyser.h>

#include <fuzzer/FuzzedDataProvider.h>

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimeZone>

using namespace melodee;
using namespace melodee::fuzz;

namespace {

QString planPath()
{
    static QTemporaryDir dir;
    static const QString path = dir.filePath(QStringLiteral("plan.sql"));
    return path;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    check(f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size(),
          "cannot write the plan file",
          path);
}

void usageError(const MigrateError &e, const QString &name, const char *what)
{
    check(e.kind() == ErrorKind::Usage, what, e.message());
    check(e.message().contains(name), "the error does not name the file", e.message());
}

void readPlan(const QByteArray &bytes)
{
    const QString path = planPath();
    writeFile(path, bytes);
    PlanFile p;
    try {
        p = readPlanFile(path);
    } catch (const MigrateError &e) {
        usageError(e, path, "a bad plan file is not a usage error");
        return;
    }
    static const QRegularExpression hashRe(QStringLiteral("^sha256:[0-9a-f]{64}$"));
    check(hashRe.match(p.hash).hasMatch(), "plan hash has the wrong form", p.hash);
    check(p.formatVersion == Plan::kFormatVersion, "unsupported plan format accepted");
    for (const QString &s : std::as_const(p.statements))
        check(!s.trimmed().isEmpty(), "an empty statement in a plan file");
}

std::optional<Migration> migration(const QString &fileName, const QString &text)
{
    const QString source = QStringLiteral("migrations/") + fileName;
    Migration m;
    try {
        m = parseMigration(source, fileName, text);
    } catch (const MigrateError &e) {
        usageError(e, source, "a bad migration file is not a usage error");
        return std::nullopt;
    }
    QString normalised = text;
    normalised.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    check(m.version > 0, "a migration version that is not positive");
    check(m.phase >= 1 && m.phase <= 7, "a phase outside 1..7", QString::number(m.phase));
    check(m.text == normalised, "the migration text is not the file's");
    check(m.text.startsWith(m.upText), "the up part is not the start of the file");
    check(m.text.endsWith(m.downText), "the down part is not the end of the file");
    check(m.checksum
              == QCryptographicHash::hash(m.text.toUtf8(), QCryptographicHash::Sha256).toHex(),
          "the checksum is not the SHA-256 of the text");
    check(m.source == source, "the migration lost its source");
    return m;
}

void migrationFile(const QString &input)
{
    const qsizetype nl = input.indexOf(QLatin1Char('\n'));
    if (nl < 0)
        return;
    migration(input.left(nl), input.mid(nl + 1));
}

// The statements of a migration as MigrationEngine::plan builds them; nullopt when it would refuse.
std::optional<PlannedMigration> planned(const Migration &m, bool down)
{
    SessionConfig session;
    const SqlParseResult parsed
        = parseSql(down ? m.expandedDownSql(session) : m.expandedSql(session));
    if (!parsed.error.isEmpty())
        return std::nullopt;
    Linter::Options options;
    options.inTransaction = down || m.transactional;
    options.timeoutsSetByEngine = true;
    options.ignore = QSet<QString>(m.lintIgnore.cbegin(), m.lintIgnore.cend());
    Linter linter(options);
    const StatementAnalyser analyser; // no server: column types unknown, as for a new table
    PlannedMigration pm;
    pm.migration = m;
    int index = 0;
    for (const SqlStatement &s : parsed.statements) {
        if (s.kind == QLatin1String("TransactionStmt"))
            return std::nullopt;
        pm.statements << PlannedStatement{s.text, linter.lint(s, ++index), analyser.guard(s)};
    }
    return pm;
}

void planRoundTrip(FuzzedDataProvider &in)
{
    Plan plan;
    // "host:port/dbname" from libpq; a database name may hold line breaks.
    plan.target = utf8(in.ConsumeRandomLengthString(80));
    plan.environment = in.PickValueInArray(
        {Environment::Development, Environment::Staging, Environment::Production});
    plan.baseVersion = in.ConsumeIntegralInRange(0, 100000);
    plan.now = QDateTime::fromSecsSinceEpoch(in.ConsumeIntegralInRange<qint64>(0, 4102444800LL),
                                             QTimeZone::utc());
    plan.down = in.ConsumeBool();
    plan.sessionSql << QStringLiteral("SET lock_timeout = '5s'")
                    << QStringLiteral("SET statement_timeout = '30min'");
    const int version = in.ConsumeIntegralInRange(1, 99999);
    const std::optional<MigrationStatus> previous
        = in.PickValueInArray<std::optional<MigrationStatus>>(
            {std::nullopt, MigrationStatus::Failed, MigrationStatus::Running});
    const auto m = migration(QStringLiteral("V%1__fuzz.sql").arg(version),
                             utf8(in.ConsumeRemainingBytesAsString()));
    if (!m || !m->generated.isEmpty())
        return;
    auto pm = planned(*m, plan.down);
    if (!pm)
        return;
    pm->previousStatus = previous;
    plan.migrations << *pm;

    const QString rendered = plan.render();
    const QString path = planPath();
    writeFile(path, rendered.toUtf8());
    PlanFile file;
    try {
        file = readPlanFile(path);
    } catch (const MigrateError &e) {
        broken("a rendered plan does not read back", e.message() + QStringLiteral("\n") + rendered);
    }
    check(file.hash == plan.hash(), "a rendered plan reads back with another hash", rendered);
    if (file.statements != plan.statements()) {
        broken("a rendered plan reads back with other statements",
               diffStatements(plan.statements(), file.statements).join(QLatin1Char('\n'))
                   + QStringLiteral("\n") + rendered);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0:
        readPlan(QByteArray(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1)));
        break;
    case 1:
        migrationFile(utf8(data + 1, size - 1));
        break;
    default: {
        FuzzedDataProvider in(data + 1, size - 1);
        planRoundTrip(in);
        break;
    }
    }
    return 0;
}
