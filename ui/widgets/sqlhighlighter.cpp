#include "sqlhighlighter.h"

#include <QApplication>
#include <QPalette>
#include <QTextDocument>

#include <algorithm>

namespace melodee {

SqlHighlighter::SqlHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{
    setDarkPalette(QApplication::palette().color(QPalette::Base).lightness() < 128);
}

void SqlHighlighter::setDarkPalette(bool dark)
{
    const auto make = [](const QColor &c, bool bold = false, bool italic = false) {
        QTextCharFormat f;
        f.setForeground(c);
        if (bold)
            f.setFontWeight(QFont::Bold);
        f.setFontItalic(italic);
        return f;
    };
    m_formats.clear();
    m_formats.insert(SqlToken::Keyword,
                     make(dark ? QColor(0x82, 0xaa, 0xff) : QColor(0x1a, 0x4f, 0xa8), true));
    m_formats.insert(SqlToken::Identifier,
                     make(dark ? QColor(0xd8, 0xde, 0xe9) : QColor(0x20, 0x20, 0x20)));
    m_formats.insert(SqlToken::String,
                     make(dark ? QColor(0xc3, 0xe8, 0x8d) : QColor(0x2e, 0x7d, 0x32)));
    m_formats.insert(SqlToken::Number,
                     make(dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0xa6, 0x4d, 0x00)));
    m_formats.insert(SqlToken::Parameter,
                     make(dark ? QColor(0xff, 0xcb, 0x6b) : QColor(0x8e, 0x24, 0xaa)));
    m_formats.insert(SqlToken::Comment,
                     make(dark ? QColor(0x8a, 0x93, 0xa6) : QColor(0x6a, 0x73, 0x7d), false, true));
    m_formats.insert(SqlToken::Operator,
                     make(dark ? QColor(0x89, 0xdd, 0xff) : QColor(0x55, 0x55, 0x55)));
    m_formats.insert(SqlToken::Other, QTextCharFormat());
    m_scannedRevision = -1;
    rehighlight();
}

QTextCharFormat SqlHighlighter::formatFor(SqlToken::Kind kind) const
{
    return m_formats.value(kind);
}

const QList<SqlToken> &SqlHighlighter::tokens() const
{
    if (stale())
        rescan();
    return m_tokens;
}

QString SqlHighlighter::scanError() const
{
    tokens();
    return m_scanError;
}

void SqlHighlighter::setFormattedBlockLimit(int limit)
{
    if (limit == 0)
        m_scannedRevision = -1; // a new text follows
    m_formattedBlockLimit = limit;
}

// setPlainText() can keep the revision while replacing the text, so the length is checked too.
bool SqlHighlighter::stale() const
{
    if (!document())
        return false;
    if (m_scannedRevision == -1 || m_scannedChars != document()->characterCount())
        return true;
    return m_formattedBlockLimit < 0 && m_scannedRevision != document()->revision();
}

void SqlHighlighter::rescan() const
{
    const SqlScanResult r = scanSqlDetailed(document()->toPlainText());
    m_tokens = r.tokens;
    m_scanError = r.error;
    m_scannedRevision = document()->revision();
    m_scannedChars = document()->characterCount();
}

void SqlHighlighter::highlightBlock(const QString &text)
{
    if (!document())
        return;
    if (stale())
        rescan();
    // A new state per scan makes Qt carry on to the following blocks, which an edit can recolour
    // (opening a comment on one line changes every line after it).
    setCurrentBlockState(m_scannedRevision);
    if (m_formattedBlockLimit >= 0 && currentBlock().blockNumber() >= m_formattedBlockLimit)
        return;
    const int blockStart = currentBlock().position();
    const int blockEnd = blockStart + int(text.size());
    // First token that ends after the block starts; tokens are in text order.
    auto it = std::lower_bound(m_tokens.cbegin(),
                               m_tokens.cend(),
                               blockStart,
                               [](const SqlToken &t, int pos) { return t.end <= pos; });
    for (; it != m_tokens.cend() && it->start < blockEnd; ++it) {
        const int from = std::max(it->start, blockStart);
        const int to = std::min(it->end, blockEnd);
        if (to > from && it->kind != SqlToken::Other)
            setFormat(from - blockStart, to - from, m_formats.value(it->kind));
    }
}

} // namespace melodee
