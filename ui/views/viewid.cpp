#include "viewid.h"

#include <QStringList>

namespace melodee {

QString viewIdName(ViewId view)
{
    switch (view) {
    case ViewId::Dashboard:
        return QStringLiteral("dashboard");
    case ViewId::Migrations:
        return QStringLiteral("migrations");
    case ViewId::Partitions:
        return QStringLiteral("partitions");
    case ViewId::Songs:
        return QStringLiteral("songs");
    }
    return QString();
}

std::optional<ViewId> viewIdFromName(const QString &name)
{
    const QString key = name.trimmed().toLower();
    for (int i = 0; i < kViewCount; ++i) {
        if (viewIdName(ViewId(i)) == key)
            return ViewId(i);
    }
    return std::nullopt;
}

QStringList viewIdNames()
{
    QStringList names;
    for (int i = 0; i < kViewCount; ++i)
        names << viewIdName(ViewId(i));
    return names;
}

} // namespace melodee
