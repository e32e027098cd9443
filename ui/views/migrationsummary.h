#pragma once

#include <migrate/plan.h>

#include <QString>
#include <QStringList>

#include <optional>

class QTableView;
class QWidget;

namespace melodee {

// Texts and set-up of the Migrations view, kept apart so the view's file stays about the flow.

// The line above the list: target, version, what is pending, lint, the guard, live facts.
QString migrationPlanSummary(const Plan &plan, const QString &target);
// Why Rehearse cannot run now ("Connect to a database to rehearse", "Nothing pending"), or empty.
QString rehearseBlockedReason(bool connected, bool busy, const std::optional<Plan> &plan);
// Columns that fit at 1366 px: status, checksum and applied-at sized to their contents and shown
// right after the name; the long ones elided, with the full text as tooltip.
void setUpColumns(QTableView *table);
// After new rows: the interactive columns sized to their contents, at most about 16 characters.
void fitColumns(QTableView *table);
// The production guard's question before an apply it would stop.
bool askToPassProductionGuard(QWidget *parent, const QStringList &steps);

} // namespace melodee
