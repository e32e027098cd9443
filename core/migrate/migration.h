#pragma once

#include "util/error.h"

#include <QByteArray>
#include <QException>
#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

struct SessionConfig;

// A failure of the migration engine; its kind says what went wrong, not how a front end shows it.
class MigrateError : public Error
{
public:
    MigrateError(const QString &message, ErrorKind kind = ErrorKind::Failure)
        : m_message(message)
        , m_kind(kind)
        , m_what(message.toUtf8())
    {}
    QString message() const override { return m_message; }
    ErrorKind kind() const override { return m_kind; }
    const char *what() const noexcept override { return m_what.constData(); }
    void raise() const override { throw *this; }
    MigrateError *clone() const override { return new MigrateError(*this); }

private:
    QString m_message;
    ErrorKind m_kind;
    QByteArray m_what;
};

// One versioned migration: a built-in resource or an admin's V<version>__<name>.sql.
struct Migration
{
    int version = 0;
    QString name;
    int phase = 0;
    bool transactional = true;
    bool reversible = true;
    QString generated;      // "partitions": the planner writes the statements
    QStringList lintIgnore; // rule ids the author justified in the header
    QString source;         // resource path or file path
    QString text;           // the file as written (placeholders unexpanded)
    QString upText;         // text before the "-- melodee:down" line
    QString downText;       // text after it: the down-migration, empty when there is none
    QByteArray checksum;    // hex SHA-256 of text, line endings normalised
    // Checksums of earlier texts of a built-in migration that differ in comments only: a
    // database that applied one of them has not drifted.
    QList<QByteArray> formerChecksums;

    bool builtin() const { return source.startsWith(QLatin1Char(':')); }
    // The body with {{prefix}}, {{songs}}, ... replaced through SessionConfig::tableName().
    QString expandedSql(const SessionConfig &session) const;
    QString expandedDownSql(const SessionConfig &session) const;
    bool hasDown() const { return !downText.trimmed().isEmpty(); }
    // The first sentence of the header's "-- Description:" comment, or empty.
    QString description() const;
};

// Phase names, 1..7, as plans print them.
QString phaseName(int phase);

// Parses a migration file: "V<version>__<name>.sql" plus header comments
// ("-- phase: 3", "-- transactional: false", "-- reversible: false", "-- lint-ignore: a, b").
// Throws MigrateError (exit 3) naming the file and the bad value.
Migration parseMigration(const QString &source, const QString &fileName, const QString &text);

QList<Migration> builtinMigrations();
// Admin migrations from a directory; versions must not collide with the built-ins.
QList<Migration> loadMigrationDir(const QString &dir);
// Built-ins plus the directory's, ordered by version; throws on duplicate versions.
QList<Migration> allMigrations(const QString &extraDir);

QString expandPlaceholders(const QString &sql, const SessionConfig &session);

} // namespace melodee
