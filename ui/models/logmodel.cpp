#include "logmodel.h"

#include <QGuiApplication>
#include <QPalette>

#include <style/theme.h>

namespace melodee {

LogModel::LogModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int LogModel::severity(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return 0;
    case QtInfoMsg:
        return 1;
    case QtWarningMsg:
        return 2;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 4;
    }
    return 1;
}

QString LogModel::levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return tr("Debug");
    case QtInfoMsg:
        return tr("Info");
    case QtWarningMsg:
        return tr("Warning");
    case QtCriticalMsg:
        return tr("Error");
    case QtFatalMsg:
        return tr("Fatal");
    }
    return QString();
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const LogEntry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return e.time.toString(QStringLiteral("HH:mm:ss.zzz"));
        case LevelColumn:
            return levelName(e.type);
        case CategoryColumn:
            return e.category;
        case MessageColumn:
            return e.message;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == MessageColumn || index.column() == TimeColumn)
            return QStringLiteral("%1\n%2").arg(e.time.toString(Qt::ISODateWithMs), e.message);
        break;
    case Qt::ForegroundRole:
        if (index.column() == LevelColumn && severity(e.type) >= 2)
            return Theme::statusColor(severity(e.type) >= 3 ? Theme::Status::Bad
                                                            : Theme::Status::Warn,
                                      QGuiApplication::palette());
        break;
    case SeverityRole:
        return severity(e.type);
    }
    return QVariant();
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case LevelColumn:
        return tr("Level");
    case CategoryColumn:
        return tr("Category");
    case MessageColumn:
        return tr("Message");
    }
    return QVariant();
}

void LogModel::append(const LogEntry &entry)
{
    appendBatch({entry});
}

void LogModel::appendBatch(const QList<LogEntry> &entries)
{
    if (entries.isEmpty())
        return;
    // Keep only what fits: a burst larger than the capacity loses its oldest lines.
    const qsizetype skip = std::max<qsizetype>(0, entries.size() - m_capacity);
    const qsizetype adding = entries.size() - skip;
    const int first = int(m_entries.size());
    beginInsertRows(QModelIndex(), first, first + int(adding) - 1);
    for (qsizetype i = skip; i < entries.size(); ++i)
        m_entries.append(entries.at(i));
    endInsertRows();
    trim();
}

void LogModel::clear()
{
    if (m_entries.isEmpty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

void LogModel::setCapacity(int capacity)
{
    m_capacity = std::max(1, capacity);
    trim();
}

void LogModel::trim()
{
    const qsizetype excess = m_entries.size() - m_capacity;
    if (excess <= 0)
        return;
    beginRemoveRows(QModelIndex(), 0, int(excess) - 1);
    m_entries.remove(0, excess);
    endRemoveRows();
}

void LogModel::post(const LogEntry &entry)
{
    bool first = false;
    {
        QMutexLocker lock(&m_pendingMutex);
        first = m_pending.isEmpty();
        m_pending.append(entry);
    }
    if (first)
        QMetaObject::invokeMethod(this, &LogModel::flushPending, Qt::QueuedConnection);
}

void LogModel::flushPending()
{
    QList<LogEntry> batch;
    {
        QMutexLocker lock(&m_pendingMutex);
        batch.swap(m_pending);
    }
    appendBatch(batch);
}

} // namespace melodee
