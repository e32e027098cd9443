#include "songsview.h"

namespace melodee {

SongsView::SongsView(ConnectionSession *session, QWidget *parent)
    : PlaceholderPage(ViewId::Songs, session, parent)
{
    setDescription(tr("A song browser over the whole library that pages by key, so the last page "
                      "opens as fast as the first, will appear here."));
}

QString SongsView::title() const
{
    return tr("Songs");
}

} // namespace melodee
