// ConversionPlan: its hash, the script a reviewer reads, and its JSON form (stored with the
// conversion's state, so a rerun resumes the very plan that was reviewed).
#include "tableconversion.h"

#include "db/sqlident.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace melodee {

QString ConversionPlan::hash() const
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    auto add = [&h](const QString &s) {
        h.addData(s.toUtf8());
        h.addData(QByteArrayView(";\n"));
    };
    for (const QString &s : createStatements)
        add(s);
    for (const QString &s : copyBatch)
        add(s);
    add(verifySql);
    for (const QString &s : swapStatements)
        add(s);
    return QStringLiteral("sha256:") + QString::fromLatin1(h.result().toHex());
}

QString ConversionPlan::script() const
{
    // Every header line is a comment, whatever the names hold.
    auto comment = [](const QString &line) {
        QString l = line;
        l.replace(QLatin1Char('\r'), QStringLiteral("\\r"));
        l.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
        return QStringLiteral("-- ") + l + QLatin1Char('\n');
    };
    QString out;
    out += comment(QStringLiteral("Convert %1.%2 to monthly range partitions of %3 (%4)")
                       .arg(schema, table, column, columnType));
    out += comment(QStringLiteral("plan %1").arg(hash()));
    out += comment(
        QStringLiteral("estimated rows: %1; data months: %2 .. %3")
            .arg(estimatedRows < 0 ? QStringLiteral("?") : QString::number(estimatedRows),
                 firstDataMonth ? firstDataMonth->toString() : QStringLiteral("none"),
                 lastDataMonth ? lastDataMonth->toString() : QStringLiteral("none")));
    out += comment(QStringLiteral("partitions: %1 months, %2 .. %3, and a default")
                       .arg(months.size())
                       .arg(months.isEmpty() ? QString() : months.first().toString(),
                            months.isEmpty() ? QString() : months.last().toString()));
    out += comment(QStringLiteral("keys:"));
    for (const ConversionKey &k : keys)
        out += comment(
            QStringLiteral("  %1 (%2) -> (%3)%4")
                .arg(k.name,
                     k.columns.join(QStringLiteral(", ")),
                     k.newColumns.join(QStringLiteral(", ")),
                     k.consequence.isEmpty() ? QString() : QStringLiteral(": ") + k.consequence));
    out += comment(QStringLiteral("foreign keys:"));
    if (foreignKeys.isEmpty())
        out += comment(QStringLiteral("  none"));
    for (const ConversionForeignKey &fk : foreignKeys) {
        out += comment(QStringLiteral("  %1 %2: %3 -> %4 %5")
                           .arg(fk.direction == ConversionForeignKey::Direction::Incoming
                                    ? QStringLiteral("incoming")
                                    : QStringLiteral("outgoing"),
                                fk.name,
                                fk.table,
                                fk.references,
                                fk.definition));
        out += comment(QStringLiteral("    what happens: ") + fk.action);
        out += comment(QStringLiteral("    why: ") + fk.reason);
    }
    out += comment(QStringLiteral("notes:"));
    for (const QString &n : notes)
        out += comment(QStringLiteral("  ") + n);
    out += QStringLiteral("\n-- Phase 1 (one transaction): create %1 and start the sync trigger\n")
               .arg(newTable);
    for (const QString &s : createStatements)
        out += s + QStringLiteral(";\n");
    out += QStringLiteral("\n-- Phase 2 (one transaction per batch of %1 rows, $1 < %2 <= $2)\n")
               .arg(batchRows)
               .arg(idColumn);
    for (const QString &s : copyBatch)
        out += s + QStringLiteral(";\n");
    out += QStringLiteral("\n-- Phase 3 (one snapshot): per month rows and checksum, of %1 and "
                          "of %2; any difference stops the conversion\n")
               .arg(table, newTable);
    out += verifySql + QStringLiteral(";\n");
    out += QStringLiteral("\n-- Phase 4 (one transaction under lock_timeout, retried): swap\n");
    for (const QString &s : swapStatements)
        out += s + QStringLiteral(";\n");
    return out;
}

QJsonObject ConversionPlan::toJson() const
{
    QJsonArray monthsJson;
    for (const Month &m : months)
        monthsJson.append(m.toString());
    QJsonArray keysJson;
    for (const ConversionKey &k : keys)
        keysJson.append(
            QJsonObject{{QStringLiteral("name"), k.name},
                        {QStringLiteral("primary"), k.primary},
                        {QStringLiteral("columns"), QJsonArray::fromStringList(k.columns)},
                        {QStringLiteral("new_columns"), QJsonArray::fromStringList(k.newColumns)},
                        {QStringLiteral("consequence"), k.consequence}});
    QJsonArray fksJson;
    for (const ConversionForeignKey &fk : foreignKeys)
        fksJson.append(QJsonObject{{QStringLiteral("direction"),
                                    fk.direction == ConversionForeignKey::Direction::Incoming
                                        ? QStringLiteral("incoming")
                                        : QStringLiteral("outgoing")},
                                   {QStringLiteral("name"), fk.name},
                                   {QStringLiteral("table"), fk.table},
                                   {QStringLiteral("references"), fk.references},
                                   {QStringLiteral("definition"), fk.definition},
                                   {QStringLiteral("action"), fk.action},
                                   {QStringLiteral("reason"), fk.reason}});
    return QJsonObject{
        {QStringLiteral("schema"), schema},
        {QStringLiteral("table"), table},
        {QStringLiteral("column"), column},
        {QStringLiteral("column_type"), columnType},
        {QStringLiteral("new_table"), newTable},
        {QStringLiteral("old_table"), oldTable},
        {QStringLiteral("id_column"), idColumn},
        {QStringLiteral("estimated_rows"),
         estimatedRows < 0 ? QJsonValue() : QJsonValue(estimatedRows)},
        {QStringLiteral("first_data_month"),
         firstDataMonth ? QJsonValue(firstDataMonth->toString()) : QJsonValue()},
        {QStringLiteral("last_data_month"),
         lastDataMonth ? QJsonValue(lastDataMonth->toString()) : QJsonValue()},
        {QStringLiteral("months"), monthsJson},
        {QStringLiteral("default_partition"), true},
        {QStringLiteral("batch_rows"), batchRows},
        {QStringLiteral("keys"), keysJson},
        {QStringLiteral("indexes"), QJsonArray::fromStringList(indexes)},
        {QStringLiteral("foreign_keys"), fksJson},
        {QStringLiteral("notes"), QJsonArray::fromStringList(notes)},
        {QStringLiteral("hash"), hash()},
        {QStringLiteral("phases"),
         QJsonObject{{QStringLiteral("create"), QJsonArray::fromStringList(createStatements)},
                     {QStringLiteral("copy_batch"), QJsonArray::fromStringList(copyBatch)},
                     {QStringLiteral("verify"), verifySql},
                     {QStringLiteral("swap"), QJsonArray::fromStringList(swapStatements)}}}};
}

ConversionPlan ConversionPlan::fromJson(const QJsonObject &o)
{
    auto strings = [](const QJsonValue &v) {
        QStringList out;
        const QJsonArray items = v.toArray();
        for (const QJsonValue &x : items)
            out << x.toString();
        return out;
    };
    ConversionPlan p;
    p.schema = o.value(QLatin1String("schema")).toString();
    p.table = o.value(QLatin1String("table")).toString();
    p.column = o.value(QLatin1String("column")).toString();
    p.columnType = o.value(QLatin1String("column_type")).toString();
    p.newTable = o.value(QLatin1String("new_table")).toString();
    p.oldTable = o.value(QLatin1String("old_table")).toString();
    p.idColumn = o.value(QLatin1String("id_column")).toString();
    p.batchRows = o.value(QLatin1String("batch_rows")).toInt();
    p.notes = strings(o.value(QLatin1String("notes")));
    const QJsonObject phases = o.value(QLatin1String("phases")).toObject();
    p.createStatements = strings(phases.value(QLatin1String("create")));
    p.copyBatch = strings(phases.value(QLatin1String("copy_batch")));
    p.verifySql = phases.value(QLatin1String("verify")).toString();
    p.swapStatements = strings(phases.value(QLatin1String("swap")));
    return p;
}

} // namespace melodee
