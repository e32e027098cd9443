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
    auto future = startTask(&m_pool, [config](std::stop_token stop) {
        PartitionMaintenance maintenance(config, stop);
        return checkPartitions(maintenance);
    });
    m_running = QFuture<void>(future);
    whenFinished(this, future, [this](const TaskOutcome<PartitionCheckReport> &r) {
        if (r.cancelled)
            return;
        setBusy(Task::None);
        if (!r.ok()) {
            m_banner->showError(tr("Could not check the partitions: %1").arg(r.error), r.details);
            emit checked(false);
            return;
        }
        QHash<QString, QStringList> findings;
        for (const PartitionCheckItem &i : r.value->items) {
            if (i.drifted() || i.bloated())
                findings.insert(i.partition, i.findings());
        }
        m_timeline->setDriftFindings(findings);
        m_driftPanel->setReport(*r.value);
        m_sideTabs->setCurrentWidget(m_driftPanel);
        const QString line = QStringLiteral("partitions check: %1 partitions, %2 drifted, %3 "
                                            "with a bloat estimate over the threshold")
                                 .arg(r.value->items.size())
                                 .arg(r.value->driftedCount())
                                 .arg(r.value->bloatedCount());
        qCInfo(lcPartitions).noquote() << line;
        appendLog(line);
        emit checked(true);
    });
}

} // namespace melodee
