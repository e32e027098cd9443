#pragma once

#include "viewpage.h"

#include <library/song.h>

#include <QFuture>

#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTimer;

namespace melodee {

class SongCache;
class SongTableModel;

// The Songs page: the whole library in one table with a true scrollbar (SongTableModel), page
// controls that move the same table, sort by header, a debounced search, artist/album filters,
// the estimated count with an exact recount, and a details panel to rename or delete a song.
// Every database call runs on the session's pool.
class SongsView : public ViewPage
{
    Q_OBJECT

public:
    explicit SongsView(ConnectionSession *session, QWidget *parent = nullptr);
    ~SongsView() override;
    // The navigation shows it before the view is built.
    static QString viewTitle();
    QString title() const override;

    SongTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *searchEdit() const { return m_search; }
    QLabel *countLabel() const { return m_countLabel; }
    QLabel *pageLabel() const { return m_pageLabel; }
    QLabel *detailsLabel() const { return m_details; }

    int pageSize() const;
    void setPageSize(int rows);
    // 0-based page of the table's top row; pages are page size rows of the same ordered table.
    int currentPage() const;
    int pageCountEstimate() const;
    void goToPage(int page);
    // Replaces the delete confirmation (tests answer without a dialog).
    void setConfirmer(std::function<bool(const QString &)> confirm);
    void renameSelected(const QString &name);
    void deleteSelected();

signals:
    void detailsShown(qint64 id);
    void writeFinished(bool ok);

protected:
    void activeChangedEvent(bool active) override;

private:
    void onConnectionChanged();
    void applyFilter();
    void updateCount();
    void updatePageLabel();
    void showSelected();

    SongTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_search = nullptr;
    QLineEdit *m_artist = nullptr;
    QLineEdit *m_album = nullptr;
    QTimer *m_debounce = nullptr;
    QLabel *m_countLabel = nullptr;
    QPushButton *m_countExact = nullptr;
    QSpinBox *m_pageSize = nullptr;
    QSpinBox *m_goTo = nullptr;
    QLabel *m_pageLabel = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_details = nullptr;
    QLineEdit *m_nameEdit = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_delete = nullptr;
    std::shared_ptr<SongCache> m_cache;
    qint64 m_selectedId = 0;
    quint64 m_detailsGeneration = 0;
    std::function<bool(const QString &)> m_confirm;
    bool m_loadedOnce = false;
};

} // namespace melodee
