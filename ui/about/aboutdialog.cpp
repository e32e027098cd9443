#include "aboutdialog.h"

#include "buildinfo.h"
#include "licenceinfo.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QFormLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace melodee {

namespace {

QString resourceText(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

} // namespace

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About Melodee Admin"));
    setObjectName(QStringLiteral("aboutDialog"));
    auto *layout = new QVBoxLayout(this);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(createAboutPage(), tr("About"));
    m_tabs->addTab(createLicencesPage(), tr("Licences"));
    m_tabs->addTab(createNoticesPage(), tr("Third-party notices"));
    layout->addWidget(m_tabs);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(640, 480);
}

QWidget *AboutDialog::createAboutPage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    auto *icon = new QLabel(page);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/melodee-admin.png")).pixmap(96, 96));
    layout->addWidget(icon, 0, Qt::AlignHCenter);
    auto *title = new QLabel(tr("<h2>Melodee Admin %1</h2>").arg(BuildInfo::version()), page);
    title->setObjectName(QStringLiteral("aboutTitle"));
    layout->addWidget(title, 0, Qt::AlignHCenter);
    auto *blurb
        = new QLabel(tr("Administers the PostgreSQL database of a Melodee music server."), page);
    blurb->setWordWrap(true);
    layout->addWidget(blurb);

    auto *form = new QFormLayout;
    form->addRow(tr("Version:"), new QLabel(BuildInfo::version(), page));
    form->addRow(tr("Compiler:"), new QLabel(BuildInfo::compiler(), page));
    form->addRow(tr("Built with Qt:"), new QLabel(BuildInfo::qtBuildVersion(), page));
    form->addRow(tr("Running on Qt:"), new QLabel(BuildInfo::qtRuntimeVersion(), page));
    form->addRow(tr("libpq:"), new QLabel(BuildInfo::libpqVersion(), page));
    form->addRow(tr("Build date:"), new QLabel(BuildInfo::buildDate(), page));
    form->addRow(tr("Platform:"), new QLabel(BuildInfo::platform(), page));
    layout->addLayout(form);
    auto *licence = new QLabel(tr("Melodee Admin is free software under the MIT licence. "
                                  "The libraries it uses keep their own licences, listed in "
                                  "the next tab."),
                               page);
    licence->setWordWrap(true);
    layout->addWidget(licence);
    layout->addStretch();
    return page;
}

QWidget *AboutDialog::createLicencesPage()
{
    const QList<ComponentLicence> components = shippedComponentLicences();
    m_licences = new QTableWidget(int(components.size()), 3, this);
    m_licences->setObjectName(QStringLiteral("licenceTable"));
    m_licences->setHorizontalHeaderLabels({tr("Component"), tr("Licence"), tr("Source")});
    m_licences->verticalHeader()->hide();
    m_licences->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_licences->horizontalHeader()->setStretchLastSection(true);
    for (int row = 0; row < components.size(); ++row) {
        const ComponentLicence &c = components.at(row);
        m_licences->setItem(row, 0, new QTableWidgetItem(c.component));
        m_licences->setItem(row, 1, new QTableWidgetItem(c.licence));
        m_licences->setItem(row, 2, new QTableWidgetItem(c.url));
    }
    m_licences->resizeColumnsToContents();
    return m_licences;
}

QWidget *AboutDialog::createNoticesPage()
{
    auto *text = new QPlainTextEdit(this);
    text->setObjectName(QStringLiteral("noticesText"));
    text->setReadOnly(true);
    text->setPlainText(resourceText(QStringLiteral(":/licences/LICENSE")) + QLatin1Char('\n')
                       + resourceText(QStringLiteral(":/licences/THIRD-PARTY-NOTICES")));
    return text;
}

} // namespace melodee
