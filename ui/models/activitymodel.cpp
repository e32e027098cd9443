#include "activitymodel.h"

#include <i18n/numberformat.h>

#include <QColor>
#include <QFont>
#include <QLocale>
#include <QSet>

#include <algorithm>
#include <utility>

namespace melodee {

namespace {

using Key = std::pair<int, qint64>;

Key keyOf(const ServerSession &s)
{
    return {s.pid, s.backendStart.isValid() ? s.backendStart.toMSecsSinceEpoch() : 0};
}

bool byKey(const ServerSession &a, const ServerSession &b)
{
    return keyOf(a) < keyOf(b);
}

QString localTime(const QDateTime &t)
{
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
}

} // namespace

ActivityModel::ActivityModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

QString ActivityModel::formatDuration(qint64 ms)
{
    ms = std::max<qint64>(ms, 0);
    if (ms < 60'000)
        return tr("%1 s").arg(formatDecimal(double(ms / 100) / 10.0, 1)); // truncated
    const qint64 s = ms / 1000;
    const QChar zero(u'0');
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, zero);
    if (s < 86400)
        return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, zero);
    return tr("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600, 2, 10, zero);
}

QString ActivityModel::elideQuery(const QString &query, int maxChars)
{
    QString line = query.simplified();
    if (maxChars < 1 || line.size() <= maxChars)
        return line;
    qsizetype cut = maxChars - 1; // room for the ellipsis
    if (cut > 0 && line.at(cut - 1).isHighSurrogate())
        --cut;
    return line.left(cut) + QChar(0x2026);
}

QString ActivityModel::plainToolTip(const QString &text)
{
    return QStringLiteral("<pre style='white-space:pre-wrap'>%1</pre>").arg(text.toHtmlEscaped());
}

void ActivityModel::setSnapshot(const ActivitySnapshot &snapshot)
{
    QList<ServerSession> next = snapshot.sessions;
    std::stable_sort(next.begin(), next.end(), byKey);
    QList<ServerSession> &rows = m_snapshot.sessions;

    // 1. Remove the sessions that ended, in runs from the end so row numbers stay valid.
    QSet<Key> nextKeys;
    nextKeys.reserve(next.size());
    for (const ServerSession &s : std::as_const(next))
        nextKeys.insert(keyOf(s));
    for (qsizetype last = rows.size() - 1; last >= 0;) {
        if (nextKeys.contains(keyOf(rows.at(last)))) {
            --last;
            continue;
        }
        qsizetype first = last;
        while (first > 0 && !nextKeys.contains(keyOf(rows.at(first - 1))))
            --first;
        beginRemoveRows({}, int(first), int(last));
        rows.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }

    // 2. What is left is an ordered subsequence of `next`: update it in place and insert the
    // new sessions in runs where they belong.
    qsizetype row = 0;
    for (qsizetype i = 0; i < next.size();) {
        if (row < rows.size() && keyOf(rows.at(row)) == keyOf(next.at(i))) {
            rows[row++] = next.at(i++);
            continue;
        }
        qsizetype end = i;
        while (end < next.size()
               && (row >= rows.size() || keyOf(next.at(end)) != keyOf(rows.at(row))))
            ++end;
        beginInsertRows({}, int(row), int(row + end - i - 1));
        for (qsizetype k = i; k < end; ++k)
            rows.insert(row + (k - i), next.at(k));
        endInsertRows();
        row += end - i;
        i = end;
    }

    // 3. The rest of the snapshot; every age moved with the server's clock, so repaint all.
    m_snapshot.serverNow = snapshot.serverNow;
    m_snapshot.selfPid = snapshot.selfPid;
    m_snapshot.database = snapshot.database;
    m_snapshot.user = snapshot.user;
    m_snapshot.applicationName = snapshot.applicationName;
    m_snapshot.allDatabases = snapshot.allDatabases;
    m_snapshot.hiddenCount = snapshot.hiddenCount;
    if (!rows.isEmpty())
        emit dataChanged(index(0, 0), index(int(rows.size()) - 1, ColumnCount - 1));
    emit snapshotChanged();
}

void ActivityModel::clear()
{
    if (!m_snapshot.sessions.isEmpty()) {
        beginRemoveRows({}, 0, int(m_snapshot.sessions.size()) - 1);
        m_snapshot.sessions.clear();
        endRemoveRows();
    }
    m_snapshot = ActivitySnapshot();
    emit snapshotChanged();
}

const ServerSession *ActivityModel::sessionAt(int row) const
{
    return row >= 0 && row < m_snapshot.sessions.size() ? &m_snapshot.sessions.at(row) : nullptr;
}

int ActivityModel::rowOfPid(int pid) const
{
    for (qsizetype i = 0; i < m_snapshot.sessions.size(); ++i)
        if (m_snapshot.sessions.at(i).pid == pid)
            return int(i);
    return -1;
}

int ActivityModel::oursCount() const
{
    return int(std::count_if(m_snapshot.sessions.cbegin(),
                             m_snapshot.sessions.cend(),
                             [](const ServerSession &s) { return s.ours; }));
}

int ActivityModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_snapshot.sessions.size());
}

int ActivityModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 ActivityModel::ageMs(const QDateTime &t) const
{
    if (!t.isValid() || !m_snapshot.serverNow.isValid())
        return -1;
    return std::max<qint64>(0, t.msecsTo(m_snapshot.serverNow));
}

QVariant ActivityModel::display(const ServerSession &s, int column) const
{
    auto age = [this](const QDateTime &t) -> QVariant {
        const qint64 ms = ageMs(t);
        return ms < 0 ? QVariant(QString()) : QVariant(formatDuration(ms));
    };
    switch (column) {
    case Pid:
        return s.pid;
    case Database:
        return s.database;
    case User:
        return s.user;
    case Application:
        return s.application.isEmpty() && s.backendType != QLatin1String("client backend")
                   ? s.backendType // background processes have no application name
                   : s.application;
    case Client:
        return s.clientAddr.isEmpty() && s.backendType == QLatin1String("client backend")
                   ? tr("local socket")
                   : s.clientAddr;
    case State:
        return s.state;
    case WaitEvent:
        if (s.waitEventType.isEmpty())
            return s.waitEvent;
        return QStringLiteral("%1: %2").arg(s.waitEventType, s.waitEvent);
    case StateAge:
        return age(s.stateChange);
    case QueryAge:
        return age(s.queryStart);
    case XactAge:
        return age(s.xactStart);
    case Query:
        return elideQuery(s.query);
    }
    return {};
}

QString ActivityModel::toolTip(const ServerSession &s, int column) const
{
    switch (column) {
    case Query:
        if (s.query.isEmpty())
            return {};
        return plainToolTip(s.query);
    case StateAge:
        return s.stateChange.isValid() ? tr("State since %1").arg(localTime(s.stateChange))
                                       : QString();
    case QueryAge:
        return s.queryStart.isValid() ? tr("Query started %1").arg(localTime(s.queryStart))
                                      : QString();
    case XactAge:
        return s.xactStart.isValid() ? tr("Transaction started %1").arg(localTime(s.xactStart))
                                     : QString();
    default:
        break;
    }
    QString tip = tr("pid %1 · %2").arg(s.pid).arg(s.backendType);
    if (s.backendStart.isValid())
        tip += QLatin1Char('\n') + tr("Connected %1").arg(localTime(s.backendStart));
    if (s.self)
        tip += QLatin1Char('\n') + tr("Ours: the connection that read this list");
    else if (s.ours)
        tip += QLatin1Char('\n') + tr("Ours: a connection of this application's pool");
    return tip;
}

QVariant ActivityModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ServerSession &s = m_snapshot.sessions.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(s, column);
    case Qt::ToolTipRole:
        return toolTip(s, column);
    case Qt::TextAlignmentRole:
        if (column == Pid || column == StateAge || column == QueryAge || column == XactAge)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::BackgroundRole:
        // Translucent, so it reads on light and dark palettes alike.
        return s.ours ? QVariant(QColor(33, 150, 243, 56)) : QVariant();
    case Qt::ForegroundRole:
        if (column == State && s.state == QLatin1String("active"))
            return QColor(56, 142, 60);
        if (column == State && s.state.startsWith(QLatin1String("idle in transaction")))
            return QColor(239, 108, 0);
        return {};
    case Qt::FontRole:
        if (s.self) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    case PidRole:
        return s.pid;
    case OursRole:
        return s.ours;
    case SelfRole:
        return s.self;
    case StateRole:
        return s.state;
    case AgeMsRole: {
        const QDateTime *t = column == StateAge   ? &s.stateChange
                             : column == QueryAge ? &s.queryStart
                             : column == XactAge  ? &s.xactStart
                                                  : nullptr;
        if (!t || ageMs(*t) < 0)
            return {};
        return ageMs(*t);
    }
    }
    return {};
}

QVariant ActivityModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Pid:
        return tr("PID");
    case Database:
        return tr("Database");
    case User:
        return tr("User");
    case Application:
        return tr("Application");
    case Client:
        return tr("Client");
    case State:
        return tr("State");
    case WaitEvent:
        return tr("Wait event");
    case StateAge:
        return tr("In state");
    case QueryAge:
        return tr("Query age");
    case XactAge:
        return tr("Transaction");
    case Query:
        return tr("Query");
    }
    return {};
}

} // namespace melodee
