#include "migrationsummary.h"

#include "models/migrationlistmodel.h"

#include <migrate/migrationguard.h>

#include <QCoreApplication>
#include <QHeaderView>
#include <QMessageBox>
#include <QTableView>

namespace melodee {

namespace {

// The view's translation context, so these strings stay with the view's (and lupdate finds them).
struct ViewText
{
    Q_DECLARE_TR_FUNCTIONS(melodee::MigrationsView)
};

} // namespace

QString migrationPlanSummary(const Plan &plan, const QString &target)
{
    const int errors = plan.findingCount(QStringLiteral("error"));
    const int warnings = plan.findingCount(QStringLiteral("warning"));
    const GuardReport guard = evaluateGuard(plan);
    QString text
        = plan.isEmpty()
              ? ViewText::tr("%1 · at version %2 · nothing pending")
                    .arg(target)
                    .arg(plan.baseVersion)
              : ViewText::tr(
                    "%1 · at version %2 · %3, %4 · lint: %5, %6 · plan %7 · environment %8")
                    .arg(target)
                    .arg(plan.baseVersion)
                    .arg(ViewText::tr(
                             "%n pending migration(s)", nullptr, int(plan.migrations.size())),
                         ViewText::tr("%n statement(s)", nullptr, plan.statementCount()),
                         ViewText::tr("%n error(s)", nullptr, errors),
                         ViewText::tr("%n warning(s)", nullptr, warnings),
                         plan.hash().left(19),
                         environmentName(plan.environment));
    if (!guard.steps.isEmpty())
        text += ViewText::tr(" · guard: %n step(s) production applies only after confirmation",
                             nullptr,
                             int(guard.steps.size()));
    if (guard.environmentMismatch())
        text += ViewText::tr(" · the history records production, this connection says %1")
                    .arg(environmentName(guard.environment));
    if (!plan.isEmpty() && plan.liveFacts)
        text += ViewText::tr(" · lint read the live catalog");
    else if (!plan.liveFactsError.isEmpty())
        text += ViewText::tr(" · lint offline (catalog not readable: %1)").arg(plan.liveFactsError);
    return text;
}

QString rehearseBlockedReason(bool connected, bool busy, const std::optional<Plan> &plan)
{
    if (!connected)
        return ViewText::tr("Connect to a database to rehearse");
    if (busy)
        return {};
    if (!plan)
        return ViewText::tr("Refresh to load the plan, then rehearse");
    if (plan->isEmpty())
        return ViewText::tr("Nothing pending to rehearse");
    return {};
}

void setUpColumns(QTableView *table)
{
    QHeaderView *header = table->horizontalHeader();
    header->setStretchLastSection(false);
    header->setMinimumSectionSize(40);
    // Status, checksum and applied-at first after the name: they are what a reviewer reads.
    const int visual[] = {MigrationListModel::Version,
                          MigrationListModel::Name,
                          MigrationListModel::Status,
                          MigrationListModel::Checksum,
                          MigrationListModel::AppliedAt,
                          MigrationListModel::Phase,
                          MigrationListModel::Reviewer,
                          MigrationListModel::AppliedEnvironment};
    for (int to = 0; to < int(std::size(visual)); ++to)
        header->moveSection(header->visualIndex(visual[to]), to);
    for (const int c : {MigrationListModel::Version,
                        MigrationListModel::Status,
                        MigrationListModel::Checksum,
                        MigrationListModel::AppliedAt})
        header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(MigrationListModel::Name, QHeaderView::Stretch);
    for (const int c : {MigrationListModel::Phase,
                        MigrationListModel::Reviewer,
                        MigrationListModel::AppliedEnvironment})
        header->setSectionResizeMode(c, QHeaderView::Interactive);
    table->setTextElideMode(Qt::ElideRight);
}

void fitColumns(QTableView *table)
{
    const int cap = table->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 16;
    for (const int c : {MigrationListModel::Phase,
                        MigrationListModel::Reviewer,
                        MigrationListModel::AppliedEnvironment}) {
        table->resizeColumnToContents(c);
        if (table->columnWidth(c) > cap)
            table->setColumnWidth(c, cap);
    }
}

bool askToPassProductionGuard(QWidget *parent, const QStringList &steps)
{
    return QMessageBox::warning(
               parent,
               ViewText::tr("Production guard"),
               ViewText::tr("This database is marked production. The plan contains steps "
                            "the production guard stops (destructive, unclassified or "
                            "irreversible):\n\n%1\n\nApply them anyway?")
                   .arg(steps.join(QLatin1Char('\n'))),
               QMessageBox::Yes | QMessageBox::Cancel,
               QMessageBox::Cancel)
           == QMessageBox::Yes;
}

} // namespace melodee
