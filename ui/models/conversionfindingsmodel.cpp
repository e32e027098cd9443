#include "conversionfindingsmodel.h"

namespace melodee {

ConversionFindingsModel::ConversionFindingsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ConversionFindingsModel::setPlan(const ConversionPlan &plan)
{
    QList<Row> rows;
    const QString comma = QStringLiteral(", ");
    for (const ConversionKey &key : plan.keys) {
        const QString subject = key.primary ? tr("primary key %1 (%2)") : tr("unique key %1 (%2)");
        rows.append({subject.arg(key.name, key.columns.join(comma)),
                     key.newColumns == key.columns
                         ? tr("kept as it is")
                         : tr("becomes (%1)").arg(key.newColumns.join(comma)),
                     key.consequence});
    }
    for (const ConversionForeignKey &fk : plan.foreignKeys) {
        const QString direction = fk.direction == ConversionForeignKey::Direction::Incoming
                                      ? tr("incoming foreign key %1: %2 -> %3")
                                      : tr("outgoing foreign key %1: %2 -> %3");
        rows.append({direction.arg(fk.name, fk.table, fk.references), fk.action, fk.reason});
    }
    for (const QString &note : plan.notes)
        rows.append({tr("note"), note, QString()});
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

void ConversionFindingsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int ConversionFindingsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConversionFindingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConversionFindingsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const Row &row = m_rows[index.row()];
    switch (index.column()) {
    case Subject:
        return row.subject;
    case WhatHappens:
        return row.whatHappens;
    case Why:
        return row.why;
    default:
        return {};
    }
}

QVariant
ConversionFindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Subject:
        return tr("Key or foreign key");
    case WhatHappens:
        return tr("What happens");
    case Why:
        return tr("Why");
    default:
        return {};
    }
}

} // namespace melodee
