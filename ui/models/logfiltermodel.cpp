#include "logfiltermodel.h"

#include "logmodel.h"

namespace melodee {

LogFilterModel::LogFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{}

void LogFilterModel::setMinimumSeverity(int severity)
{
    if (severity == m_minimumSeverity)
        return;
    m_minimumSeverity = severity;
    invalidateRowsFilter();
}

void LogFilterModel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateRowsFilter();
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *source = sourceModel();
    const QModelIndex level = source->index(sourceRow, LogModel::LevelColumn, sourceParent);
    if (source->data(level, LogModel::SeverityRole).toInt() < m_minimumSeverity)
        return false;
    if (m_text.isEmpty())
        return true;
    for (int column : {int(LogModel::CategoryColumn), int(LogModel::MessageColumn)}) {
        const QString value
            = source->data(source->index(sourceRow, column, sourceParent)).toString();
        if (value.contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace melodee
