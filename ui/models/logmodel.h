#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QMutex>

namespace melodee {

struct LogEntry
{
    QDateTime time;
    QtMsgType type = QtInfoMsg;
    QString category;
    QString message;
};

// The log dock's lines, newest last, capped at capacity() (the oldest lines drop out). post() is
// thread-safe and batches: lines logged on any thread reach the model on its own thread through
// one queued call per burst, so a flood of log lines cannot flood the event loop.
class LogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, LevelColumn, CategoryColumn, MessageColumn, ColumnCount };
    enum Role { SeverityRole = Qt::UserRole + 1 };

    explicit LogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // GUI thread only.
    void append(const LogEntry &entry);
    void appendBatch(const QList<LogEntry> &entries);
    void clear();
    const LogEntry &entry(int row) const { return m_entries.at(row); }

    // Any thread.
    void post(const LogEntry &entry);

    int capacity() const { return m_capacity; }
    void setCapacity(int capacity);

    // Debug 0 < Info 1 < Warning 2 < Critical 3 < Fatal 4 (QtMsgType's own order is not this).
    static int severity(QtMsgType type);
    static QString levelName(QtMsgType type);

private:
    void flushPending();
    void trim();

    QList<LogEntry> m_entries;
    int m_capacity = 10000;
    QMutex m_pendingMutex;
    QList<LogEntry> m_pending;
};

} // namespace melodee
