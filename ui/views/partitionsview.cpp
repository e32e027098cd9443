#include "partitionsview.h"

namespace melodee {

PartitionsView::PartitionsView(ConnectionSession *session, QWidget *parent)
    : PlaceholderPage(ViewId::Partitions, session, parent)
{
    setDescription(tr("A timeline of the partitions of each partitioned table, with gaps, the "
                      "default partition and the premake horizon, will appear here."));
}

QString PartitionsView::title() const
{
    return tr("Partitions");
}

} // namespace melodee
