#include "namenormalizer.h"

namespace melodee {

QString normalizeName(QStringView name)
{
    const QString decomposed = name.toString().normalized(QString::NormalizationForm_KD);
    QString out;
    out.reserve(decomposed.size());
    bool pendingSpace = false;
    for (qsizetype i = 0; i < decomposed.size(); ++i) {
        char32_t cp = decomposed.at(i).unicode();
        qsizetype width = 1;
        if (decomposed.at(i).isHighSurrogate() && i + 1 < decomposed.size()
            && decomposed.at(i + 1).isLowSurrogate()) {
            cp = QChar::surrogateToUcs4(decomposed.at(i), decomposed.at(i + 1));
            width = 2;
        } else if (decomposed.at(i).isSurrogate()) {
            // A lone half (only raw UTF-16 has them) must not pair up with another once the marks
            // between them are dropped; UTF-8 for the database turns it into U+FFFD anyway.
            cp = QChar::ReplacementCharacter;
        }
        const QChar::Category cat = QChar::category(cp);
        if (cat == QChar::Mark_NonSpacing || cat == QChar::Mark_SpacingCombining
            || cat == QChar::Mark_Enclosing) {
            i += width - 1;
            continue;
        }
        if (QChar::isSpace(cp) || cat == QChar::Other_Control) {
            pendingSpace = !out.isEmpty();
            i += width - 1;
            continue;
        }
        if (pendingSpace) {
            out.append(QLatin1Char(' '));
            pendingSpace = false;
        }
        const char32_t lower = QChar::toLower(cp);
        if (QChar::requiresSurrogates(lower)) {
            out.append(QChar(QChar::highSurrogate(lower)));
            out.append(QChar(QChar::lowSurrogate(lower)));
        } else {
            out.append(QChar(char16_t(lower)));
        }
        i += width - 1;
    }
    return out;
}

QString truncateCodePoints(const QString &text, int maxChars)
{
    int count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (count == maxChars)
            return text.left(i);
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        ++count;
    }
    return text;
}

} // namespace melodee
