#pragma once

#include <sqlscan/sqltokens.h>

#include <QHash>
#include <QList>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace melodee {

// PostgreSQL syntax highlighting from PostgreSQL's own lexer (libpg_query via scanSql()), not
// from regular expressions: the document is tokenised once per change, so strings and comments
// that span lines ($$ bodies, /* */) are coloured correctly.
class SqlHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    explicit SqlHighlighter(QTextDocument *document);

    // The format used for a token kind (derived from the palette: dark themes get light colours).
    QTextCharFormat formatFor(SqlToken::Kind kind) const;
    void setDarkPalette(bool dark);
    // The tokens of the current text (scanned on demand if highlighting has not run yet).
    const QList<SqlToken> &tokens() const;
    QString scanError() const;
    // Blocks from this number on get no formats (-1: every block is formatted). SqlEditor uses it
    // to colour a large text a chunk per event-loop tick instead of all at once. While a limit is
    // set, only a change of length or a new text (0 sets it) makes a rescan: each per-block
    // rehighlight bumps the document's revision.
    void setFormattedBlockLimit(int limit);
    int formattedBlockLimit() const { return m_formattedBlockLimit; }

protected:
    void highlightBlock(const QString &text) override;

private:
    void rescan() const;

    mutable QList<SqlToken> m_tokens;
    mutable QString m_scanError;
    mutable int m_scannedRevision = -1;
    mutable int m_scannedChars = -1;
    bool stale() const;
    QHash<int, QTextCharFormat> m_formats;
    int m_formattedBlockLimit = -1;
};

} // namespace melodee
