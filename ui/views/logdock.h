#pragma once

#include <QDockWidget>

class QComboBox;
class QLineEdit;
class QTableView;

namespace melodee {

class LogModel;
class LogFilterModel;

// The application's log lines (every melodee.* category, already redacted) with a level and
// text filter. It follows new lines while scrolled to the bottom.
class LogDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit LogDock(QWidget *parent = nullptr);
    ~LogDock() override;

    // Routes the process's log sink (core/util/logging.h) into this dock until it is destroyed.
    void captureApplicationLog();

    LogModel *model() const { return m_model; }
    LogFilterModel *filterModel() const { return m_filter; }
    void setMinimumSeverity(int severity);

private:
    void onRowsInserted();

    LogModel *m_model = nullptr;
    LogFilterModel *m_filter = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_level = nullptr;
    QLineEdit *m_text = nullptr;
    bool m_capturing = false;
};

} // namespace melodee
