#include "dashboardview.h"

namespace melodee {

DashboardView::DashboardView(ConnectionSession *session, QWidget *parent)
    : PlaceholderPage(ViewId::Dashboard, session, parent)
{
    setDescription(tr("Live connection-pool charts, the health badge, runtime pool settings, a "
                      "load test and server activity will appear here."));
}

QString DashboardView::title() const
{
    return tr("Dashboard");
}

} // namespace melodee
