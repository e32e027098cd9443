#include "migrationsqlpane.h"

#include "widgets/sqleditor.h"

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
    m_sql = new SqlEditor(this);
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

void MigrationSqlPane::clear()
{
    show(QString(), QString(), {});
}

void MigrationSqlPane::show(const QString &title,
                            const QString &text,
                            const QList<SqlLineMark> &marks)
{
    m_title->setText(title);
    m_sql->setSql(text, marks);
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
                            m.severity == QLatin1String("error") ? QColor(0xc6, 0x28, 0x28)
                                                                 : QColor(0xe6, 0x51, 0x00));
    }
}

void MigrationSqlPane::showPlan(const Plan &plan)
{
    const QString text = plan.render();
    QList<SqlLineMark> marks;
    int from = 0;
    for (const PlannedMigration &pm : plan.migrations) {
        for (const PlannedStatement &st : pm.statements) {
            const int at = int(text.indexOf(st.sql, from));
            if (at < 0)
                continue;
            from = at + int(st.sql.size());
            addMarks(marks, lineOf(text, at), st.findings);
            addGuardMark(marks, lineOf(text, at), st.guard, plan.environment);
        }
    }
    show(plan.isEmpty() ? tr("Pending plan: nothing to do")
                        : tr("Pending plan %1, exactly what Apply runs").arg(plan.hash()),
         text,
         marks);
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
        for (const PlannedStatement &st : planned->statements) {
            const int line = lineOf(text, int(text.size()));
            addMarks(marks, line, st.findings);
            addGuardMark(marks, line, st.guard, environment);
            text += st.sql + QStringLiteral(";\n\n");
        }
        show(tr("V%1 %2: pending, the statements Apply runs")
                 .arg(version)
                 .arg(planned->migration.name),
             text,
             marks);
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
        show(tr("V%1 %2: %3").arg(version).arg(migration->name, migration->source), text, marks);
    } else {
        show(tr("V%1: no file for this migration (only in the history)").arg(version), {}, {});
    }
}

} // namespace melodee
