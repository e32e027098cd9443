#include "catalogfacts.h"

#include <QLocale>

namespace melodee {

QString formatTableSize(qint64 bytes)
{
    return bytes < 0 ? QStringLiteral("size unknown")
                     : QLocale(QLocale::English)
                           .formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString formatRowEstimate(double rows)
{
    return rows < 0
               ? QStringLiteral("never analyzed")
               : QStringLiteral("~%1 rows").arg(QLocale(QLocale::English).toString(qint64(rows)));
}

QString SizeThresholds::severity(double rows, qint64 bytes)
{
    if (rows >= kErrorRows || bytes >= kErrorBytes)
        return QStringLiteral("error");
    if (rows < kWarnRows && bytes >= 0 && bytes < kWarnBytes)
        return QStringLiteral("info");
    return QStringLiteral("warning");
}

QString RelationFacts::sizeText() const
{
    QString text = formatTableSize(bytes) + QStringLiteral(", ") + formatRowEstimate(rows);
    if (partitions > 0)
        text += QStringLiteral(" in %1 partitions").arg(partitions);
    return text;
}

QJsonObject RelationFacts::toJson() const
{
    QJsonObject o{{QStringLiteral("table"), relation.display()},
                  {QStringLiteral("bytes"), double(bytes)},
                  {QStringLiteral("rows"), rows},
                  {QStringLiteral("partitions"), partitions}};
    if (!defaultPartition.isEmpty()) {
        o.insert(QStringLiteral("default_partition"), defaultPartition);
        o.insert(QStringLiteral("default_rows"), defaultRows);
        o.insert(QStringLiteral("default_bytes"), double(defaultBytes));
    }
    return o;
}

QList<RelationRef> CatalogFacts::relationsOf(const QList<SqlStatement> &statements)
{
    QList<RelationRef> out;
    for (const SqlStatement &s : statements) {
        for (const RelationRef &r : statementRelations(s.node)) {
            if (!out.contains(r))
                out << r;
        }
    }
    return out;
}

const RelationFacts *CatalogFacts::find(const RelationRef &relation) const
{
    const auto it = m_facts.constFind(relation.regclassText());
    return it == m_facts.constEnd() ? nullptr : &*it;
}

} // namespace melodee
