#pragma once

#include "widgets/sqleditor.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

// What a rehearsal measured for the statement that starts on a line, drawn beside it.
struct TraceAnnotation
{
    int line = 0;        // 1-based
    QStringList badges;  // the strongest lock mode on its tables: "ACCESS EXCLUSIVE"
    QString note;        // "rewrites melodee_songs, 2.1 GB · 35 ms"
    QString details;     // the tooltip: every lock, rewrite and session
    bool severe = false; // a rewrite of an existing table, sessions in the way, or a failure
};

// The SQL of the review screen with the rehearsal's findings beside each statement, in a rail at
// the right edge that never covers the SQL: lock-mode badges coloured by strength and a short
// note, the full trace as the tooltip. Without annotations the rail is hidden.
class MigrationTraceEditor : public SqlEditor
{
    Q_OBJECT

public:
    explicit MigrationTraceEditor(QWidget *parent = nullptr);

    void setAnnotations(const QList<TraceAnnotation> &annotations);
    const QList<TraceAnnotation> &annotations() const { return m_annotations; }
    int railWidth() const { return m_railWidth; }
    // The colour of a lock-mode badge: red for ACCESS EXCLUSIVE, amber for modes that block
    // writes, blue for the rest.
    static QColor badgeColor(const QString &mode);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    friend class TraceRail;
    void layoutRail();
    void paintRail(QPaintEvent *event);
    // The annotation on the line at rail height y, or null.
    const TraceAnnotation *annotationAt(int y) const;

    QWidget *m_rail = nullptr;
    int m_railWidth = 0;
    QList<TraceAnnotation> m_annotations;
};

} // namespace melodee
