#pragma once

#include <QLabel>

namespace melodee {

class ConnectionSession;

// A plain line at the top of a view that manages Melodee's own schema (migrations, partitions),
// shown only while the connected database holds melodee-next's schema instead: it says what the
// view manages and why it does not apply here. Hidden until the schema has been recognised, on
// our schema, on an unrecognised (for example empty) database and when not connected.
class SchemaNotice : public QLabel
{
    Q_OBJECT

public:
    enum class Scope { Migrations, Partitions };

    SchemaNotice(Scope scope, ConnectionSession *session, QWidget *parent = nullptr);

    // The text for a melodee-next database, given the configured table prefix.
    static QString melodeeNextText(Scope scope, const QString &tablePrefix);

private:
    void update();

    Scope m_scope;
    ConnectionSession *m_session;
};

} // namespace melodee
