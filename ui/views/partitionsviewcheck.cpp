#include "partitionsdriftpanel.h"
#include "partitionsview.h"

#include "async/whenfinished.h"
#include "session/connectionsession.h"
#include "widgets/errorbanner.h"
#include "widgets/partitiontimeline.h"

#include <async/task.h>
#include <util/logging.h>

#include <QSpinBox>
#include <QTabWidget>

// The Partitions view's drift check and retention horizon.

namespace melodee {

void PartitionsView::setRetentionMonths(int months)
{
    if (m_keep->value() != months)
        m_keep->setValue(months);
    m_timeline->setRetentionMonths(months);
}

void PartitionsView::checkDrift()
{
    if (m_busy || !session()->isConnected())
        return;
    setBusy(Task::Check, tr("Checking partitions…"));
    m_banner->clear();
    qCInfo(lcPartitions) << "partitions check requested in the Partitions view";
    const AppConfig config = session()->config();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // The list with the report, from the same worker: the report is kept while the view shows
    // these partitions.
    using Checked = std::pair<QList<PartitionedTableInfo>, PartitionCheckReport>;
    auto future = startTask(&m_pool, [config, now](std::stop_token stop) {
        PartitionMaintenance maintenance(config, stop);
        QList<PartitionedTableInfo> tables = maintenance.list(now, false);
        return Checked{std::move(tables), checkPartitions(maintenance)};
    });
    m_running = QFuture<void>(future);
    whenFinished(this, future, [this, now](const TaskOutcome<Checked> &r) {
        if (r.cancelled)
            return;
        setBusy(Task::None);
        if (!r.ok()) {
            m_banner->showError(tr("Could not check the partitions: %1").arg(r.error), r.details);
            emit checked(false);
            return;
        }
        const auto &[tables, report] = *r.value;
        showTables(tables, now);
        QHash<QString, QStringList> findings;
        for (const PartitionCheckItem &i : report.items) {
            if (i.drifted() || i.bloated())
                findings.insert(i.partition, i.findings());
        }
        m_timeline->setDriftFindings(findings);
        m_driftPanel->setReport(report);
        m_checkLayout = partitionLayout(tables);
        m_sideTabs->setCurrentWidget(m_driftPanel);
        const QString line = QStringLiteral("partitions check: %1 partitions, %2 drifted, %3 "
                                            "with a bloat estimate over the threshold")
                                 .arg(report.items.size())
                                 .arg(report.driftedCount())
                                 .arg(report.bloatedCount());
        qCInfo(lcPartitions).noquote() << line;
        appendLog(line);
        emit checked(true);
    });
}

} // namespace melodee
