#include "error.h"

namespace melodee {

ErrorInfo describeError(const std::exception_ptr &error)
{
    ErrorInfo info;
    try {
        std::rethrow_exception(error);
    } catch (const Error &e) {
        info.message = e.message();
        info.details = e.details();
        info.kind = e.kind();
    } catch (const std::exception &e) {
        info.message = QString::fromLocal8Bit(e.what());
    } catch (...) {
        info.message = QStringLiteral("unknown error");
    }
    return info;
}

} // namespace melodee
