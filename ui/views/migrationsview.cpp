#include "migrationsview.h"

namespace melodee {

MigrationsView::MigrationsView(ConnectionSession *session, QWidget *parent)
    : PlaceholderPage(ViewId::Migrations, session, parent)
{
    setDescription(tr("Every migration with its status and checksum, the exact SQL with lint "
                      "findings, dry run, rehearsal and a reviewed apply will appear here."));
}

QString MigrationsView::title() const
{
    return tr("Migrations");
}

} // namespace melodee
