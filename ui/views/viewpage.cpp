#include "viewpage.h"

#include <session/connectionsession.h>

#include <QLabel>
#include <QLayout>
#include <QSettings>
#include <QSplitter>
#include <QVBoxLayout>

namespace melodee {

ViewPage::ViewPage(ViewId id, ConnectionSession *session, QWidget *parent)
    : QWidget(parent)
    , m_id(id)
    , m_session(session)
{
    setObjectName(viewIdName(id) + QStringLiteral("View"));
}

void ViewPage::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (active && m_stale && m_session->isConnected() && !isBusy())
        load();
    activeChangedEvent(active);
    emit activeChanged(active);
}

QString ViewPage::splitterKey(int index) const
{
    return QStringLiteral("Views/%1/splitter%2").arg(viewIdName(m_id)).arg(index);
}

void ViewPage::restoreSplitters()
{
    // In creation order, so each splitter finds its own key again at the next start.
    const QList<QSplitter *> splitters = findChildren<QSplitter *>();
    QSettings settings;
    m_pendingSplitters.clear();
    for (int i = 0; i < splitters.size(); ++i) {
        QSplitter *splitter = splitters.at(i);
        m_pendingSplitters << settings.value(splitterKey(i)).toByteArray();
        // Kept as soon as the user drags, not only at a clean exit.
        connect(splitter, &QSplitter::splitterMoved, this, [this, splitter, i] {
            QSettings().setValue(splitterKey(i), splitter->saveState());
        });
    }
    if (isVisible())
        applyPendingSplitters();
}

void ViewPage::applyPendingSplitters()
{
    // Sizes are pixels: applied once the page has its real size, or the first layout pass
    // would share them out again by stretch factor.
    if (m_pendingSplitters.isEmpty())
        return;
    if (layout())
        layout()->activate();
    const QList<QSplitter *> splitters = findChildren<QSplitter *>();
    for (int i = 0; i < splitters.size() && i < m_pendingSplitters.size(); ++i) {
        if (!m_pendingSplitters.at(i).isEmpty())
            splitters.at(i)->restoreState(m_pendingSplitters.at(i));
    }
    m_pendingSplitters.clear();
}

void ViewPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    applyPendingSplitters();
}

void ViewPage::saveSplitters() const
{
    const QList<QSplitter *> splitters = findChildren<QSplitter *>();
    QSettings settings;
    for (int i = 0; i < splitters.size(); ++i)
        settings.setValue(splitterKey(i), splitters.at(i)->saveState());
}

void ViewPage::markStale()
{
    m_stale = true;
    if (m_active && m_session->isConnected())
        load();
}

PlaceholderPage::PlaceholderPage(ViewId id, ConnectionSession *session, QWidget *parent)
    : ViewPage(id, session, parent)
{
    auto *layout = new QVBoxLayout(this);
    m_heading = new QLabel(this);
    QFont font = m_heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    font.setBold(true);
    m_heading->setFont(font);
    m_description = new QLabel(this);
    m_description->setWordWrap(true);
    m_description->setTextFormat(Qt::PlainText);
    m_connection = new QLabel(this);
    m_connection->setTextFormat(Qt::PlainText);
    m_connection->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_heading);
    layout->addWidget(m_description);
    layout->addSpacing(12);
    layout->addWidget(m_connection);
    layout->addStretch(1);
    connect(
        session, &ConnectionSession::connectionChanged, this, &PlaceholderPage::updateConnection);
    updateConnection();
}

void PlaceholderPage::setDescription(const QString &text)
{
    m_heading->setText(title());
    m_description->setText(text);
}

void PlaceholderPage::updateConnection()
{
    m_connection->setText(session()->isConnected()
                              ? tr("Database: %1").arg(session()->displayName())
                              : tr("Not connected. Open File → Connection profiles… to connect."));
}

} // namespace melodee
