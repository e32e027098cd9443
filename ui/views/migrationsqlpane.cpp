#include "migrationsqlpane.h"

#include <i18n/numberformat.h>

#include "migrationtraceeditor.h"
#include "widgets/sqleditor.h"

#include <migrate/catalogfacts.h>
#include <migrate/lockmodes.h>

#include <QLabel>
#include <QSplitter>
#include <QTextBlock>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace melodee {

namespace {

// Lint findings of a statement marked on the statement's first line.
void addMarks(QList<SqlLineMark> &marks, int line, const QList<LintFinding> &findings)
{
    for (const LintFinding &f : findings) {
        marks << SqlLineMark{
            line,
            f.severity,
            QStringLiteral("%1 [%2]: %3\nfix: %4").arg(f.severity, f.rule, f.message, f.fix)};
    }
}

// The production guard's decision on a statement, marked like a finding: an error where the
// guard is enforced (production), a warning elsewhere.
void addGuardMark(QList<SqlLineMark> &marks,
                  int line,
                  const GuardDecision &guard,
                  Environment environment)
{
    if (guard.isSafe())
        return;
    const QString severity = environment == Environment::Production ? QStringLiteral("error")
                                                                    : QStringLiteral("warning");
    marks << SqlLineMark{line,
                         severity,
                         QStringLiteral("%1 [guard-%2]: %3\nfix: %4")
                             .arg(severity,
                                  guard.verdictName(),
                                  guard.reason,
                                  MigrationSqlPane::tr("production applies it only after an "
                                                       "explicit confirmation"))};
}

// A rehearsal's measurements of one statement as the badges and note beside it.
TraceAnnotation annotationFor(const StatementTrace &t, int line)
{
    TraceAnnotation a;
    a.line = line;
    QList<LockMode> modes;
    for (const TracedLock &l : t.locks) {
        const LockMode m = lockModeFromName(l.mode);
        if (!modes.contains(m))
            modes << m;
    }
    std::sort(modes.begin(), modes.end(), std::greater<>());
    if (!modes.isEmpty()) // the strongest: the one that decides who waits
        a.badges << lockModeTitle(modes.first());
    QStringList note;
    QStringList details;
    for (const TracedRewrite &r : t.rewrites) {
        note << (r.bytes < 0 ? MigrationSqlPane::tr("rewrites %1 (created here)").arg(r.relation)
                             : MigrationSqlPane::tr("rewrites %1, %2")
                                   .arg(r.relation, formatTableSize(r.bytes)));
        a.severe |= r.bytes >= 0;
    }
    if (!t.waitedFor.isEmpty())
        note << MigrationSqlPane::tr("waited for %n session(s)", nullptr, int(t.waitedFor.size()));
    if (!t.blocking.isEmpty())
        note << MigrationSqlPane::tr("blocked %n session(s)", nullptr, int(t.blocking.size()));
    note << MigrationSqlPane::tr("%1 ms").arg(formatDecimal(t.ms, t.ms < 10 ? 1 : 0));
    if (!t.error.isEmpty())
        note << MigrationSqlPane::tr("failed");
    a.severe |= !t.waitedFor.isEmpty() || !t.blocking.isEmpty() || !t.error.isEmpty();
    a.note = note.join(QStringLiteral(" · "));
    for (const TracedLock &l : t.locks)
        details << (l.taken ? MigrationSqlPane::tr("took %1 on %2")
                            : MigrationSqlPane::tr("holds %1 on %2"))
                       .arg(l.mode, l.relation);
    for (const SessionLock &l : t.waitedFor + t.blocking)
        details << MigrationSqlPane::tr("%1 pid %2 (%3, application \"%4\") %5 on %6")
                       .arg(l.granted ? MigrationSqlPane::tr("held by")
                                      : MigrationSqlPane::tr("waiting:"))
                       .arg(l.pid)
                       .arg(l.user, l.application, lockModeName(l.mode), l.relation);
    if (!t.error.isEmpty())
        details << t.error;
    a.details = MigrationSqlPane::tr("Rehearsal, rolled back:") + QLatin1Char('\n')
                + details.join(QLatin1Char('\n'));
    return a;
}

int lineOf(const QString &text, int pos)
{
    return int(QStringView(text).left(pos).count(QLatin1Char('\n'))) + 1;
}

} // namespace

MigrationSqlPane::MigrationSqlPane(QWidget *parent)
    : QWidget(parent)
{
    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true); // a plan's title holds its full hash
    m_sql = new MigrationTraceEditor(this);
    m_findings = new QTreeWidget(this);
    m_findings->setRootIsDecorated(false);
    m_findings->setHeaderLabels({tr("Line"), tr("Severity"), tr("Rule"), tr("Finding"), tr("Fix")});
    m_findings->setAlternatingRowColors(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_sql);
    split->addWidget(m_findings);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    layout->addWidget(split);

    connect(m_findings, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QTextBlock block = m_sql->document()->findBlockByNumber(item->text(0).toInt() - 1);
        if (block.isValid()) {
            m_sql->setTextCursor(QTextCursor(block));
            m_sql->centerCursor();
        }
    });
}

SqlEditor *MigrationSqlPane::editor() const
{
    return m_sql;
}

void MigrationSqlPane::clear()
{
    show(QString(), QString(), {});
}

void MigrationSqlPane::setTraces(const QList<StatementTrace> &traces)
{
    m_traces.clear();
    for (const StatementTrace &t : traces)
        m_traces.insert({t.version, t.index}, t);
}

void MigrationSqlPane::annotate(QList<TraceAnnotation> &out, int line, int version, int index) const
{
    const auto it = m_traces.constFind({version, index});
    if (it != m_traces.constEnd())
        out << annotationFor(*it, line);
}

void MigrationSqlPane::show(const QString &title,
                            const QString &text,
                            const QList<SqlLineMark> &marks,
                            const QList<TraceAnnotation> &annotations)
{
    m_title->setText(title);
    m_sql->setSql(text, marks);
    m_sql->setAnnotations(annotations);
    m_findings->clear();
    for (const SqlLineMark &m : marks) {
        const QStringList parts = m.text.split(QLatin1Char('\n'));
        const QString head = parts.value(0);
        auto *item = new QTreeWidgetItem(
            m_findings,
            {QString::number(m.line),
             m.severity,
             head.section(QLatin1Char('['), 1).section(QLatin1Char(']'), 0, 0),
             head.section(QLatin1String("]: "), 1),
             parts.value(1).mid(5)});
        item->setForeground(1,
                            m.severity == QLatin1String("error")     ? QColor(0xc6, 0x28, 0x28)
                            : m.severity == QLatin1String("warning") ? QColor(0xe6, 0x51, 0x00)
                                                                     : QColor(0x15, 0x65, 0xc0));
    }
}

void MigrationSqlPane::showPlan(const Plan &plan)
{
    const QString text = plan.render();
    QList<SqlLineMark> marks;
    QList<TraceAnnotation> annotations;
    int from = 0;
    for (const PlannedMigration &pm : plan.migrations) {
        int index = 0;
        for (const PlannedStatement &st : pm.statements) {
            ++index;
            const int at = int(text.indexOf(st.sql, from));
            if (at < 0)
                continue;
            from = at + int(st.sql.size());
            addMarks(marks, lineOf(text, at), st.findings);
            addGuardMark(marks, lineOf(text, at), st.guard, plan.environment);
            annotate(annotations, lineOf(text, at), pm.migration.version, index);
        }
    }
    show(plan.isEmpty() ? tr("Pending plan: nothing to do")
                        : tr("Pending plan %1, exactly what Apply runs").arg(plan.hash()),
         text,
         marks,
         annotations);
}

void MigrationSqlPane::showMigration(int version,
                                     const Migration *migration,
                                     const PlannedMigration *planned,
                                     Environment environment,
                                     const SessionConfig &session)
{
    QString text;
    QList<SqlLineMark> marks;
    if (planned) {
        // Pending: exactly the statements the plan runs (generated ones included).
        text = QStringLiteral("-- V%1 %2 · phase %3 (%4) · %5 · %6\n\n")
                   .arg(version)
                   .arg(planned->migration.name)
                   .arg(planned->migration.phase)
                   .arg(phaseName(planned->migration.phase),
                        planned->migration.transactional ? tr("transactional")
                                                         : tr("non-transactional"),
                        planned->migration.reversible ? tr("reversible") : tr("irreversible"));
        QList<TraceAnnotation> annotations;
        int index = 0;
        for (const PlannedStatement &st : planned->statements) {
            const int line = lineOf(text, int(text.size()));
            addMarks(marks, line, st.findings);
            addGuardMark(marks, line, st.guard, environment);
            annotate(annotations, line, version, ++index);
            text += st.sql + QStringLiteral(";\n\n");
        }
        show(tr("V%1 %2: pending, the statements Apply runs")
                 .arg(version)
                 .arg(planned->migration.name),
             text,
             marks,
             annotations);
    } else if (migration) {
        // Applied (or otherwise not in the plan): the file as it is now, linted as the planner
        // would lint it.
        text = migration->expandedSql(session);
        Linter::Options o;
        o.inTransaction = migration->transactional;
        o.timeoutsSetByEngine = true;
        for (const QString &r : migration->lintIgnore)
            o.ignore.insert(r);
        Linter linter(o);
        for (const LintFinding &f : linter.lintScript(text))
            addMarks(marks, f.line, {f});
        // The version and what the migration says it does; never the resource path it ships in.
        const QString description = migration->description();
        show(description.isEmpty()
                 ? tr("V%1 %2").arg(version).arg(migration->name)
                 : tr("V%1 %2: %3").arg(version).arg(migration->name, description),
             text,
             marks);
    } else {
        show(tr("V%1: no file for this migration (only in the history)").arg(version), {}, {});
    }
}

} // namespace melodee
