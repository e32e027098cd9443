#pragma once

#include <config/appconfig.h>

#include <QMainWindow>

class QListWidget;
class QStackedWidget;
class QLabel;

namespace melodee {

// The main window: a navigation list on the left, one page per view, connection state below.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(const AppConfig &config, QWidget *parent = nullptr);

    enum class View { Dashboard, Migrations, Partitions, Songs };
    void showView(View view);
    View currentView() const;

private:
    void addPage(const QString &title, QWidget *page);

    AppConfig m_config;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_connectionLabel = nullptr;
};

} // namespace melodee
