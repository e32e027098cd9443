#pragma once

#include <activity/serveractivity.h>

#include <QAbstractTableModel>

namespace melodee {

// The server's sessions (pg_stat_activity) as a table. A new snapshot is merged row by row, keyed
// by pid and backend start (a reused pid is a new session), so a refresh moves, inserts and
// removes rows instead of resetting the model: the selection and scroll position survive.
// Durations are ages against the server's clock at the snapshot, so a skewed client clock cannot
// distort them. Our own sessions are tinted; the one that read the snapshot is in italics.
class ActivityModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Pid,
        Database,
        User,
        Application,
        Client,
        State,
        WaitEvent,
        StateAge,
        QueryAge,
        XactAge,
        Query,
        ColumnCount
    };
    enum Role {
        PidRole = Qt::UserRole + 1, // int
        OursRole,                   // bool: one of our pool's connections
        SelfRole,                   // bool: the connection that read the snapshot
        StateRole,                  // the raw state ("active", "idle", ...)
        AgeMsRole,                  // qint64 age in ms for the age columns, else invalid
    };

    explicit ActivityModel(QObject *parent = nullptr);

    void setSnapshot(const ActivitySnapshot &snapshot);
    void clear();
    const ActivitySnapshot &snapshot() const { return m_snapshot; }
    const ServerSession *sessionAt(int row) const;
    int rowOfPid(int pid) const;
    int oursCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // "0.4 s", "3.2 s", "4 min 05 s", "2 h 03 min", "3 d 04 h", truncated (59.99 s is "59.9 s",
    // never "60.0 s"); negative ages count as 0.
    static QString formatDuration(qint64 ms);
    // One line with runs of white space collapsed, cut to maxChars with an ellipsis (never
    // splitting a surrogate pair).
    static QString elideQuery(const QString &query, int maxChars = 120);
    // A tool tip that shows text from the server as written, line breaks kept: escaped rich text,
    // since a tool tip that merely looks like HTML ("<b>") would be rendered as HTML.
    static QString plainToolTip(const QString &text);

signals:
    // After every setSnapshot()/clear(), for summaries.
    void snapshotChanged();

private:
    qint64 ageMs(const QDateTime &t) const;
    QVariant display(const ServerSession &s, int column) const;
    QString toolTip(const ServerSession &s, int column) const;

    ActivitySnapshot m_snapshot; // m_snapshot.sessions are the rows
};

} // namespace melodee
