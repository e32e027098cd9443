#include "schemanotice.h"

#include <session/connectionsession.h>

namespace melodee {

SchemaNotice::SchemaNotice(Scope scope, ConnectionSession *session, QWidget *parent)
    : QLabel(parent)
    , m_scope(scope)
    , m_session(session)
{
    setObjectName(QStringLiteral("schemaNotice"));
    setTextFormat(Qt::PlainText);
    setWordWrap(true);
    // Wrapped, and never asking for width: the notice must not widen the window.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    setFrameShape(QFrame::StyledPanel);
    setMargin(6);
    connect(session, &ConnectionSession::connectionChanged, this, &SchemaNotice::update);
    connect(session, &ConnectionSession::schemaChanged, this, &SchemaNotice::update);
    update();
}

QString SchemaNotice::melodeeNextText(Scope scope, const QString &tablePrefix)
{
    const QString managed = tr("This view manages Melodee's own %1* schema. This database holds "
                               "melodee-next's schema (tracks, albums, artists, …), which its "
                               "GORM AutoMigrate manages.")
                                .arg(tablePrefix);
    switch (scope) {
    case Scope::Migrations:
        return managed + QLatin1Char(' ')
               + tr("Applying these migrations here would create Melodee's tables beside "
                    "melodee-next's and change none of them: do not apply them to this database.");
    case Scope::Partitions:
        return managed + QLatin1Char(' ')
               + tr("Its tables are not partitioned, so there are no partitions to maintain here. "
                    "Sizes, indexes and foreign keys of its tables: melodee inspect --details.");
    }
    return managed;
}

void SchemaNotice::update()
{
    const bool show = m_session->isConnected() && m_session->schemaDetected()
                      && m_session->schemaError().isEmpty()
                      && m_session->schema().kind == SchemaKind::MelodeeNext;
    if (show)
        setText(melodeeNextText(m_scope, m_session->config().session.tablePrefix));
    else
        clear();
    setVisible(show);
}

} // namespace melodee
