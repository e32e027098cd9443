#include "numberformat.h"

#include <QLocale>

namespace melodee {

QString formatCount(qint64 value)
{
    return QLocale().toString(value);
}

QString formatDecimal(double value, int decimals)
{
    return QLocale().toString(value, 'f', decimals);
}

} // namespace melodee
