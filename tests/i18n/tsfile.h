#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

// A Qt Linguist .ts file as the tests need it: one entry per <message>.
struct TsMessage
{
    QString context;
    QString source;
    QString type;             // the <translation type="..."> attribute: "", unfinished, vanished...
    QString translation;      // for plain messages
    QStringList numerusForms; // for numerus="yes" messages
    bool numerus = false;
};

struct TsFile
{
    QString language; // the <TS language="..."> attribute
    QList<TsMessage> messages;

    // Reads path; on failure returns false and describes the problem in *error.
    bool load(const QString &path, QString *error);
};

} // namespace melodee
