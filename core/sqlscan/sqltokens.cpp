#include "sqltokens.h"

#include <QByteArray>
#include <QVarLengthArray>

#include <pg_query.h>

#include <vector>

namespace melodee {

namespace {

// Token numbers from libpg_query's pg_query.proto (enum Token), which mirrors gram.y. The
// generated protobuf-c header needs protobuf-c's headers, which Debian's libpg-query-dev does not
// pull in, so the two small messages are decoded here from the wire format instead.
enum : int {
    kIdent = 258,
    kUident = 259,
    kFconst = 260,
    kSconst = 261,
    kUsconst = 262,
    kBconst = 263,
    kXconst = 264,
    kOp = 265,
    kIconst = 266,
    kParam = 267,
    kTypecast = 268,
    kNotEquals = 274,
    kSqlComment = 275,
    kCComment = 276,
};
enum : int { kNoKeyword = 0, kReservedKeyword = 4 };

struct Reader
{
    const unsigned char *p;
    const unsigned char *end;

    bool varint(quint64 *out)
    {
        quint64 v = 0;
        for (int shift = 0; shift < 64 && p < end; shift += 7) {
            const unsigned char b = *p++;
            v |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80)) {
                *out = v;
                return true;
            }
        }
        return false;
    }
    // Skips a field of the given wire type; false on malformed input.
    bool skip(int wireType)
    {
        quint64 n = 0;
        switch (wireType) {
        case 0:
            return varint(&n);
        case 1:
            if (end - p < 8)
                return false;
            p += 8;
            return true;
        case 2:
            if (!varint(&n) || quint64(end - p) < n)
                return false;
            p += n;
            return true;
        case 5:
            if (end - p < 4)
                return false;
            p += 4;
            return true;
        default:
            return false;
        }
    }
};

struct RawToken
{
    int start = 0;
    int end = 0;
    int token = 0;
    int keywordKind = 0;
};

bool decodeToken(Reader r, RawToken *t)
{
    while (r.p < r.end) {
        quint64 key = 0;
        if (!r.varint(&key))
            return false;
        const int field = int(key >> 3);
        const int wire = int(key & 7);
        // pg_query.proto: start = 1, end = 2, token = 4, keyword_kind = 5.
        if (wire == 0 && (field == 1 || field == 2 || field == 4 || field == 5)) {
            quint64 v = 0;
            if (!r.varint(&v))
                return false;
            const int value = int(qint32(quint32(v)));
            if (field == 1)
                t->start = value;
            else if (field == 2)
                t->end = value;
            else if (field == 4)
                t->token = value;
            else
                t->keywordKind = value;
        } else if (!r.skip(wire)) {
            return false;
        }
    }
    return true;
}

bool decodeScanResult(const char *data, size_t len, std::vector<RawToken> *out)
{
    Reader r{reinterpret_cast<const unsigned char *>(data),
             reinterpret_cast<const unsigned char *>(data) + len};
    while (r.p < r.end) {
        quint64 key = 0;
        if (!r.varint(&key))
            return false;
        const int field = int(key >> 3);
        const int wire = int(key & 7);
        if (field == 2 && wire == 2) {
            quint64 n = 0;
            if (!r.varint(&n) || quint64(r.end - r.p) < n)
                return false;
            RawToken t;
            if (!decodeToken({r.p, r.p + n}, &t))
                return false;
            out->push_back(t);
            r.p += n;
        } else if (!r.skip(wire)) {
            return false;
        }
    }
    return true;
}

SqlToken::Kind classify(const RawToken &t)
{
    if (t.token == kSqlComment || t.token == kCComment)
        return SqlToken::Comment;
    if (t.keywordKind != kNoKeyword)
        return SqlToken::Keyword;
    switch (t.token) {
    case kIdent:
    case kUident:
        return SqlToken::Identifier;
    case kFconst:
    case kIconst:
        return SqlToken::Number;
    case kSconst:
    case kUsconst:
    case kBconst:
    case kXconst:
        return SqlToken::String;
    case kParam:
        return SqlToken::Parameter;
    default:
        break;
    }
    if (t.token < 256 || t.token == kOp || (t.token >= kTypecast && t.token <= kNotEquals))
        return SqlToken::Operator;
    return SqlToken::Other;
}

// libpg_query reports an error position as PostgreSQL does: 1-based, in characters, not bytes.
int byteOfCharacter(const QByteArray &utf8, int characters)
{
    int i = 0;
    while (i < utf8.size() && characters > 0) {
        ++i;
        while (i < utf8.size() && (uchar(utf8[i]) & 0xC0) == 0x80)
            ++i;
        --characters;
    }
    return i;
}

bool isSqlSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// libpg_query ends U&'...' and U&"..." at their last lexeme instead of their closing quote (an
// empty or one-character span). Nothing but whitespace separates tokens, so each runs to the next
// token, or to the end of what was scanned.
void extendUnicodeTokens(const QByteArray &utf8, int scanned, std::vector<RawToken> *tokens)
{
    for (size_t i = 0; i < tokens->size(); ++i) {
        RawToken &t = (*tokens)[i];
        if (t.token != kUsconst && t.token != kUident)
            continue;
        int end = i + 1 < tokens->size() ? (*tokens)[i + 1].start : scanned;
        while (end > t.start && isSqlSpace(utf8[end - 1]))
            --end;
        t.end = qMax(t.end, end);
    }
}

// Scans utf8[0, len); returns false with the scanner's error when it fails.
bool scanBytes(const QByteArray &utf8,
               std::vector<RawToken> *tokens,
               QString *error,
               int *errorByte)
{
    PgQueryScanResult result = pg_query_scan(utf8.constData());
    bool ok = true;
    if (result.error) {
        ok = false;
        *error = QString::fromUtf8(result.error->message);
        *errorByte = byteOfCharacter(utf8, result.error->cursorpos - 1);
    } else if (!decodeScanResult(result.pbuf.data, result.pbuf.len, tokens)) {
        ok = false;
        *error = QStringLiteral("malformed scanner output");
        *errorByte = 0;
    }
    pg_query_free_scan_result(result);
    return ok;
}

} // namespace

SqlScanResult scanSqlDetailed(const QString &sql)
{
    SqlScanResult out;
    const QByteArray utf8 = sql.toUtf8();
    // byte offset -> QString position, so callers can highlight QString ranges directly.
    QVarLengthArray<int, 1024> pos(utf8.size() + 1);
    int u16 = 0;
    for (int i = 0; i < utf8.size();) {
        const unsigned char b = uchar(utf8[i]);
        const int len = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        for (int k = 0; k < len && i + k < utf8.size(); ++k)
            pos[i + k] = u16;
        u16 += len == 4 ? 2 : 1; // a 4-byte sequence is a surrogate pair in UTF-16
        i += len;
    }
    pos[utf8.size()] = sql.size();

    std::vector<RawToken> raw;
    int errorByte = -1;
    // The scanner reads a C string: a NUL character ends the text it sees.
    int scanned = int(qstrnlen(utf8.constData(), size_t(utf8.size())));
    if (!scanBytes(utf8, &raw, &out.error, &errorByte)) {
        out.errorPosition = pos[qBound(0, errorByte, int(utf8.size()))];
        // Keep the tokens before the error so the valid part is still highlighted.
        raw.clear();
        QString ignored;
        int ignoredByte = 0;
        if (errorByte > 0 && !scanBytes(utf8.left(errorByte), &raw, &ignored, &ignoredByte))
            raw.clear();
        scanned = qMin(scanned, errorByte);
    }
    extendUnicodeTokens(utf8, scanned, &raw);
    out.tokens.reserve(qsizetype(raw.size()));
    for (const RawToken &t : raw) {
        if (t.start < 0 || t.end < t.start || t.end > utf8.size())
            continue;
        SqlToken tok;
        tok.kind = classify(t);
        tok.byteStart = t.start;
        tok.byteEnd = t.end;
        tok.start = pos[t.start];
        tok.end = pos[t.end];
        tok.reservedKeyword = t.keywordKind == kReservedKeyword;
        out.tokens << tok;
    }
    return out;
}

QList<SqlToken> scanSql(const QString &sql)
{
    return scanSqlDetailed(sql).tokens;
}

const char *sqlTokenKindName(SqlToken::Kind kind)
{
    switch (kind) {
    case SqlToken::Keyword:
        return "keyword";
    case SqlToken::Identifier:
        return "identifier";
    case SqlToken::String:
        return "string";
    case SqlToken::Number:
        return "number";
    case SqlToken::Parameter:
        return "parameter";
    case SqlToken::Comment:
        return "comment";
    case SqlToken::Operator:
        return "operator";
    case SqlToken::Other:
        break;
    }
    return "other";
}

} // namespace melodee
