#pragma once

#include <QByteArray>
#include <QString>

#include <utility>

typedef struct pg_result PGresult;

namespace melodee {

// Owns a PGresult. Values are read straight from libpq's buffer; no QVariant per cell.
class PgResult
{
public:
    PgResult() = default;
    explicit PgResult(PGresult *result)
        : m_result(result)
    {}
    PgResult(PgResult &&other) noexcept
        : m_result(std::exchange(other.m_result, nullptr))
    {}
    PgResult &operator=(PgResult &&other) noexcept;
    PgResult(const PgResult &) = delete;
    PgResult &operator=(const PgResult &) = delete;
    ~PgResult();

    PGresult *get() const { return m_result; }
    PGresult *release() { return std::exchange(m_result, nullptr); }
    bool isNull() const { return m_result == nullptr; }

    int rows() const;
    int columns() const;
    int column(const char *name) const;
    QString columnName(int col) const;
    bool isNull(int row, int col) const;
    const char *raw(int row, int col) const;
    int length(int row, int col) const;
    QString text(int row, int col) const;
    QByteArray bytes(int row, int col) const;
    qint64 toInt64(int row, int col) const;
    double toDouble(int row, int col) const;
    bool toBool(int row, int col) const;
    qint64 affectedRows() const;

private:
    PGresult *m_result = nullptr;
};

} // namespace melodee
