// libFuzzer target for search normalisation: normalizeName (name_normalized and search text),
// truncateCodePoints (varchar limits) and escapeLike (LIKE patterns from user text).
// First byte even: the rest as UTF-8 (what PostgreSQL and the command line give us); odd: the
// rest as raw UTF-16, lone surrogates included (what a QLineEdit can hold).
#include "fuzzcheck.h"

#include <library/namenormalizer.h>
#include <library/songquery.h>

#include <cstring>

using namespace melodee;
using namespace melodee::fuzz;

namespace {

bool validUtf16(const QString &s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s.at(i).isHighSurrogate()) {
            if (i + 1 >= s.size() || !s.at(i + 1).isLowSurrogate())
                return false;
            ++i;
        } else if (s.at(i).isLowSurrogate()) {
            return false;
        }
    }
    return true;
}

int codePoints(const QString &s)
{
    int n = 0;
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s.at(i).isHighSurrogate() && i + 1 < s.size() && s.at(i + 1).isLowSurrogate())
            ++i;
        ++n;
    }
    return n;
}

QString hex(const QString &s)
{
    QString out;
    for (const QChar c : s.left(40))
        out += QStringLiteral("%1 ").arg(c.unicode(), 4, 16, QLatin1Char('0'));
    return out;
}

void normalize(const QString &input, int limit)
{
    const QString n = normalizeName(input);
    const QString detail = hex(input) + QStringLiteral("-> ") + hex(n);
    check(!n.startsWith(QLatin1Char(' ')) && !n.endsWith(QLatin1Char(' ')),
          "normalised name is not trimmed",
          detail);
    check(!n.contains(QLatin1String("  ")), "normalised name has a double space", detail);
    if (validUtf16(input))
        check(validUtf16(n), "normalising valid text made it invalid UTF-16", detail);
    for (qsizetype i = 0; i < n.size(); ++i) {
        char32_t cp = n.at(i).unicode();
        if (n.at(i).isHighSurrogate() && i + 1 < n.size() && n.at(i + 1).isLowSurrogate()) {
            cp = QChar::surrogateToUcs4(n.at(i), n.at(i + 1));
            ++i;
        }
        const auto cat = QChar::category(cp);
        check(cat != QChar::Mark_NonSpacing && cat != QChar::Mark_SpacingCombining
                  && cat != QChar::Mark_Enclosing,
              "normalised name keeps a combining mark",
              detail);
        check(cat != QChar::Other_Control && (cp == U' ' || !QChar::isSpace(cp)),
              "normalised name keeps a control or space character",
              detail);
    }
    // Search text is normalised like the stored names: normalising a stored name again must not
    // change it, or pasting a name into the search would not find it.
    check(normalizeName(n) == n, "normalizeName is not idempotent", detail);

    const QString cut = truncateCodePoints(n, limit);
    check(n.startsWith(cut), "truncation is not a prefix", detail);
    check(codePoints(cut) == std::min(limit, codePoints(n)),
          "truncation kept the wrong length",
          detail);
    if (validUtf16(n))
        check(validUtf16(cut), "truncation split a surrogate pair", detail);
}

// escapeLike: every LIKE metacharacter is escaped, and unescaping gives the text back.
void like(const QString &text)
{
    const QString escaped = escapeLike(text);
    QString back;
    for (qsizetype i = 0; i < escaped.size(); ++i) {
        const QChar c = escaped.at(i);
        if (c == QLatin1Char('\\')) {
            check(i + 1 < escaped.size(), "escapeLike ends in a lone backslash", escaped);
            const QChar next = escaped.at(++i);
            check(next == QLatin1Char('\\') || next == QLatin1Char('%') || next == QLatin1Char('_'),
                  "escapeLike escaped a plain character",
                  escaped);
            back += next;
        } else {
            check(c != QLatin1Char('%') && c != QLatin1Char('_'),
                  "escapeLike left a wildcard unescaped",
                  escaped);
            back += c;
        }
    }
    check(back == text, "escapeLike does not unescape to the text", text);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    QString text;
    if (data[0] % 2 == 0) {
        text = utf8(data + 1, size - 1);
    } else {
        // Copied, not cast: the bytes after the first one are not aligned for char16_t.
        text = QString(qsizetype((size - 1) / 2), Qt::Uninitialized);
        std::memcpy(text.data(), data + 1, size_t(text.size()) * sizeof(char16_t));
    }
    const int limit = data[0] >> 1; // 0..127 code points
    normalize(text, limit);
    like(text);
    like(normalizeName(text));
    return 0;
}
