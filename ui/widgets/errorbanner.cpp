#include "errorbanner.h"

#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QToolButton>

namespace melodee {

ErrorBanner::ErrorBanner(QWidget *parent)
    : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(8, 4, 4, 4);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detailsButton = new QToolButton(this);
    m_detailsButton->setText(tr("Details"));
    m_detailsButton->setCheckable(true);
    m_closeButton = new QToolButton(this);
    m_closeButton->setText(QStringLiteral("✕"));
    m_closeButton->setToolTip(tr("Dismiss"));
    m_closeButton->setAutoRaise(true);
    m_details = new QPlainTextEdit(this);
    m_details->setReadOnly(true);
    m_details->setMaximumHeight(110);
    m_details->hide();
    grid->addWidget(m_label, 0, 0);
    grid->addWidget(m_detailsButton, 0, 1);
    grid->addWidget(m_closeButton, 0, 2);
    grid->addWidget(m_details, 1, 0, 1, 3);
    grid->setColumnStretch(0, 1);
    connect(m_detailsButton, &QToolButton::toggled, m_details, &QWidget::setVisible);
    connect(m_closeButton, &QToolButton::clicked, this, &ErrorBanner::clear);
    hide();
}

void ErrorBanner::setStyle(bool error)
{
    m_error = error;
    setStyleSheet(error ? QStringLiteral("melodee--ErrorBanner { background: rgba(211,47,47,40); "
                                         "border: 1px solid #d32f2f; border-radius: 4px; }")
                        : QStringLiteral("melodee--ErrorBanner { background: rgba(46,125,50,35); "
                                         "border: 1px solid #2e7d32; border-radius: 4px; }"));
}

void ErrorBanner::showError(const QString &message, const QString &details)
{
    setStyle(true);
    m_label->setText(message);
    m_details->setPlainText(details);
    m_detailsButton->setVisible(!details.isEmpty());
    m_detailsButton->setChecked(false);
    show();
}

void ErrorBanner::showInfo(const QString &message)
{
    setStyle(false);
    m_label->setText(message);
    m_details->clear();
    m_detailsButton->hide();
    m_detailsButton->setChecked(false);
    show();
}

void ErrorBanner::clear()
{
    m_label->clear();
    m_details->clear();
    m_error = false;
    hide();
}

QString ErrorBanner::message() const
{
    return m_label->text();
}

QString ErrorBanner::details() const
{
    return m_details->toPlainText();
}

} // namespace melodee
