#pragma once

#include "viewid.h"

#include <QByteArray>
#include <QList>
#include <QWidget>

class QLabel;

namespace melodee {

class ConnectionSession;

// Base of the main window's pages. A view gets the session at construction and reacts to
// ConnectionSession::connectionChanged(). The main window calls setActive() when the page is
// shown or hidden (including a minimised window) so views can pause polling while nobody
// looks at them.
class ViewPage : public QWidget
{
    Q_OBJECT

public:
    ViewPage(ViewId id, ConnectionSession *session, QWidget *parent = nullptr);

    ViewId viewId() const { return m_id; }
    // The navigation entry's text.
    virtual QString title() const = 0;
    bool isActive() const { return m_active; }
    void setActive(bool active);
    // A page with work in flight does not start a lazy load.
    virtual bool isBusy() const { return false; }

    // The positions of the view's splitters, kept per view in QSettings ("Views/<view>/...").
    // The main window restores them when it builds the view and saves them when it closes;
    // a drag is saved at once.
    void restoreSplitters();
    void saveSplitters() const;

signals:
    void activeChanged(bool active);

protected:
    ConnectionSession *session() const { return m_session; }
    // Called when the page becomes visible (true) or hidden (false).
    virtual void activeChangedEvent(bool active) { Q_UNUSED(active) }

    // Lazy loading for pages that read the database only while someone looks at them:
    // markStale() says the data is out of date, and load() runs now if the page is shown and
    // connected, otherwise the next time it is shown. load() calls markFresh() once the data is in.
    void markStale();
    void markFresh() { m_stale = false; }
    virtual void load() {}

    void showEvent(QShowEvent *event) override;

private:
    QString splitterKey(int index) const;
    void applyPendingSplitters();

    ViewId m_id;
    ConnectionSession *m_session;
    bool m_active = false;
    bool m_stale = true;
    QList<QByteArray> m_pendingSplitters; // saved states waiting for the page's first show
};

// Shown until a view's issue fills it: the title, what the view will do and the connection.
class PlaceholderPage : public ViewPage
{
    Q_OBJECT

public:
    PlaceholderPage(ViewId id, ConnectionSession *session, QWidget *parent = nullptr);

protected:
    void setDescription(const QString &text);

private:
    void updateConnection();

    QLabel *m_heading = nullptr;
    QLabel *m_description = nullptr;
    QLabel *m_connection = nullptr;
};

} // namespace melodee
