#pragma once

#include <QDialog>

class QTabWidget;
class QTableWidget;

namespace melodee {

// Help > About: version, build facts and the licences of everything that ships.
class AboutDialog : public QDialog
{
    Q_OBJECT

public:
    explicit AboutDialog(QWidget *parent = nullptr);

    QTabWidget *tabs() const { return m_tabs; }
    QTableWidget *licenceTable() const { return m_licences; }

private:
    QWidget *createAboutPage();
    QWidget *createLicencesPage();
    QWidget *createNoticesPage();

    QTabWidget *m_tabs = nullptr;
    QTableWidget *m_licences = nullptr;
};

} // namespace melodee
