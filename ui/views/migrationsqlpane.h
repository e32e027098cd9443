#pragma once

#include "migrationtraceeditor.h"

#include <migrate/migrationworkflow.h>

#include <QHash>
#include <QList>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace melodee {

class MigrationTraceEditor;
class SqlEditor;
struct SqlLineMark;

// The SQL half of the Migrations view: the exact statements of the pending plan or of one
// migration, with lint findings and the production guard's decision marked on their lines and
// listed below (activating a finding scrolls to its line).
class MigrationSqlPane : public QWidget
{
    Q_OBJECT

public:
    explicit MigrationSqlPane(QWidget *parent = nullptr);

    void showPlan(const Plan &plan);
    // A pending migration as the plan runs it (planned), otherwise the file as it is now
    // (migration), or only its version when neither is known.
    void showMigration(int version,
                       const Migration *migration,
                       const PlannedMigration *planned,
                       Environment environment,
                       const SessionConfig &session);
    void clear();
    // A rehearsal's traces, shown beside their statements from the next show on (empty: none).
    void setTraces(const QList<StatementTrace> &traces);

    SqlEditor *editor() const;
    MigrationTraceEditor *traceEditor() const { return m_sql; }
    QTreeWidget *findings() const { return m_findings; }

private:
    void show(const QString &title,
              const QString &text,
              const QList<SqlLineMark> &marks,
              const QList<TraceAnnotation> &annotations = {});
    // The annotation for the trace of statement `index` of migration `version`, if traced.
    void annotate(QList<TraceAnnotation> &out, int line, int version, int index) const;

    QLabel *m_title = nullptr;
    MigrationTraceEditor *m_sql = nullptr;
    QHash<QPair<int, int>, StatementTrace> m_traces; // (version, index) -> trace
    QTreeWidget *m_findings = nullptr;
};

} // namespace melodee
