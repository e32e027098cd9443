#include "englishcount.h"

namespace melodee {

QString englishCount(qint64 n, const QString &one, const QString &many)
{
    return QString::number(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

} // namespace melodee
