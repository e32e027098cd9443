#include "sessionchanges.h"

#include <QByteArrayList>
#include <QByteArrayView>

#include <algorithm>
#include <array>

namespace melodee {

namespace {

bool isWordChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_'
           || u == '$' || u >= 0x80;
}

bool startsWith(QByteArrayView word, QByteArrayView lowerPrefix)
{
    if (word.size() < lowerPrefix.size())
        return false;
    for (qsizetype i = 0; i < lowerPrefix.size(); ++i) {
        char c = word[i];
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
        if (c != lowerPrefix[i])
            return false;
    }
    return true;
}

bool is(QByteArrayView word, QByteArrayView lower)
{
    return word.size() == lower.size() && startsWith(word, lower);
}

// Statements that leave nothing in the session by themselves (what they call is looked at word
// by word).
constexpr std::array<const char *, 39> kPlain = {
    "select", "insert",  "update",   "delete",  "merge",    "with",    "values",     "table",
    "begin",  "start",   "commit",   "end",     "rollback", "abort",   "savepoint",  "release",
    "show",   "explain", "copy",     "analyze", "analyse",  "vacuum",  "truncate",   "create",
    "alter",  "drop",    "comment",  "grant",   "revoke",   "refresh", "cluster",    "reindex",
    "lock",   "notify",  "unlisten", "fetch",   "move",     "close",   "checkpoint",
};

int changesOfFirstWord(QByteArrayView word)
{
    if (is(word, "set") || is(word, "reset"))
        return SessionSettings;
    if (is(word, "listen"))
        return SessionListen;
    if (is(word, "discard"))
        return 0;
    const bool plain
        = std::any_of(kPlain.begin(), kPlain.end(), [word](const char *k) { return is(word, k); });
    return plain ? 0 : SessionOther;
}

int changesOfWord(QByteArrayView word)
{
    if (is(word, "temp") || is(word, "temporary") || startsWith(word, "pg_temp"))
        return SessionTempObjects;
    if (startsWith(word, "pg_advisory_lock") || startsWith(word, "pg_try_advisory_lock"))
        return SessionAdvisoryLocks;
    if (is(word, "set_config"))
        return SessionSettings;
    return 0;
}

// Skips white space and comments at the start of the text, where they cannot be inside a
// literal. Comments nest in PostgreSQL.
const char *skipLeadingSpace(const char *p, const char *end)
{
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '(') {
            ++p;
        } else if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n')
                ++p;
        } else if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
            int depth = 0;
            do {
                if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
                    ++depth;
                    p += 2;
                } else if (end - p >= 2 && p[0] == '*' && p[1] == '/') {
                    --depth;
                    p += 2;
                } else {
                    ++p;
                }
            } while (p < end && depth > 0);
        } else {
            break;
        }
    }
    return p;
}

} // namespace

int sessionChangesOf(const QByteArray &sql)
{
    const char *p = sql.constData();
    const char *end = p + sql.size();
    p = skipLeadingSpace(p, end);
    if (p < end && !isWordChar(*p) && *p != ';')
        return SessionOther; // not a statement keyword
    int changes = 0;
    bool first = true;
    while (p < end) {
        if (isWordChar(*p)) {
            const char *start = p;
            while (p < end && isWordChar(*p))
                ++p;
            const QByteArrayView word(start, p - start);
            changes |= first ? changesOfFirstWord(word) : changesOfWord(word);
            first = false;
        } else if (*p == ';') {
            // More than one statement (or a ';' in a literal): the rest is not looked into.
            const char *rest = skipLeadingSpace(p + 1, end);
            while (rest < end && *rest == ';')
                rest = skipLeadingSpace(rest + 1, end);
            if (rest < end)
                return changes | SessionOther;
            break;
        } else {
            ++p;
        }
    }
    return changes;
}

std::optional<SessionSetting> sessionSettingOf(const QByteArray &sql)
{
    const char *p = sql.constData();
    const char *end = p + sql.size();
    const auto nextWord = [&p, end](bool dots) {
        p = skipLeadingSpace(p, end);
        const char *start = p;
        while (p < end && (isWordChar(*p) || (dots && *p == '.')))
            ++p;
        return QByteArray(start, p - start).toLower();
    };
    const QByteArray verb = nextWord(false);
    if (verb != "set" && verb != "reset")
        return std::nullopt;
    QByteArray name = nextWord(true);
    if (name == "local" || name == "transaction" || name == "constraints")
        return SessionSetting{SessionSetting::TransactionOnly, name};
    if (name == "session") {
        const char *afterSession = p;
        const QByteArray next = nextWord(true);
        if (next.isEmpty())
            p = afterSession;
        else
            name = next;
    }
    if (name.isEmpty() || (p < end && *p == '"'))
        return std::nullopt;
    return SessionSetting{verb == "set" ? SessionSetting::Set : SessionSetting::Reset, name};
}

QByteArray sessionResetSql(int changes)
{
    if (changes & SessionOther)
        changes = SessionSettings | SessionListen | SessionAdvisoryLocks | SessionTempObjects
                  | SessionOther;
    QByteArrayList statements;
    if (changes & SessionOther)
        statements << "CLOSE ALL";
    if (changes & SessionSettings)
        statements << "SET SESSION AUTHORIZATION DEFAULT"
                   << "RESET ALL";
    if (changes & SessionListen)
        statements << "UNLISTEN *";
    if (changes & SessionAdvisoryLocks)
        statements << "SELECT pg_advisory_unlock_all()";
    if (changes & SessionTempObjects)
        statements << "DISCARD TEMP";
    if (changes & SessionOther)
        statements << "DISCARD SEQUENCES";
    return statements.join("; ");
}

} // namespace melodee
