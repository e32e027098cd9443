#pragma once

#include <QSortFilterProxyModel>

namespace melodee {

// Hides log lines below a minimum severity (LogModel::severity) and, optionally, lines whose
// category or message do not contain a text.
class LogFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit LogFilterModel(QObject *parent = nullptr);

    int minimumSeverity() const { return m_minimumSeverity; }
    void setMinimumSeverity(int severity);
    QString text() const { return m_text; }
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_minimumSeverity = 0;
    QString m_text;
};

} // namespace melodee
