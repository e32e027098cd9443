#pragma once

#include "errorkind.h"

#include <QException>
#include <QString>
#include <QStringList>

#include <exception>

namespace melodee {

// The base of the product's errors. A QException, so it crosses QFuture boundaries unchanged; its
// kind tells a front end how to present it (an exit code, a dialog's wording) without parsing text.
class Error : public QException
{
public:
    virtual ErrorKind kind() const = 0;
    // One readable line, redacted.
    virtual QString message() const = 0;
    // Lines an admin can expand: SQLSTATE, detail, hint. Redacted.
    virtual QStringList details() const { return {}; }
};

// What a front end shows for an exception of any type.
struct ErrorInfo
{
    QString message;
    QStringList details;
    ErrorKind kind = ErrorKind::Failure;
};

ErrorInfo describeError(const std::exception_ptr &error);

} // namespace melodee
