#pragma once

#include "viewpage.h"

#include <songs/songservice.h>

#include <QFuture>
#include <QList>

#include <functional>
#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTimer;

namespace melodee {

class SongTableModel;

// The Songs page: the whole library in one table with a true scrollbar (SongTableModel), page
// controls that move the same table, sort by header, a debounced search, artist/album filters,
// the estimated count with an exact recount, and a details panel to rename or delete a song.
// Every database call goes through one SongService on the session's pool (the Redis cache in
// front of the details). The details panel and its actions always belong to the row selected
// now: when the list changes under it (search, filter, reload, disconnect) they are cleared.
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
    QLabel *statusLabel() const { return m_status; }
    QLabel *detailsLabel() const { return m_details; }
    QLineEdit *nameEdit() const { return m_nameEdit; }
    QPushButton *renameButton() const { return m_save; }
    QPushButton *deleteButton() const { return m_delete; }

    // The idle connections the view has opened ahead of its jumps (in the background, once its
    // first rows are in and whenever it is shown again).
    int connectionsAhead() const;

    int pageSize() const;
    void setPageSize(int rows);
    // 0-based page of the table's top row; pages are page size rows of the same ordered table.
    int currentPage() const;
    int pageCountEstimate() const;
    void goToPage(int page);
    // Replaces the delete confirmation (tests answer without a dialog); an empty function brings
    // back the dialog, whose default answer is No.
    void setConfirmer(std::function<bool(const QString &)> confirm);
    // Act on the song selected now, if its details are shown; false when there is none (nothing
    // is started then).
    bool renameSelected(const QString &name);
    bool deleteSelected();

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
    void setInitialColumnWidths();
    void stretchNameColumn();
    QString unsortableText(int column) const;
    void showSelected();
    void clearDetails(const QString &text);
    void updateActions();
    void prewarmConnections();
    // The id of the row selected now if it is loaded, else 0.
    qint64 currentSongId() const;
    // The song the actions may act on: selected now, with its details shown. 0 when none.
    qint64 actionableSongId() const;
    bool confirmDelete(const QString &text);
    void startWrite(QFuture<qint64> future, const QString &done, const QString &failedText);

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
    std::shared_ptr<SongService> m_service;
    std::optional<SongDetails> m_shown; // the details on screen, of the song selected now
    qint64 m_loadingId = 0;
    QFuture<SongDetails> m_detailsFuture;
    bool m_writing = false;
    std::function<bool(const QString &)> m_confirm;
    bool m_connectionsWarmed = false; // since the service was made
    QList<int> m_columnWidths;        // kept across a model reset
};

} // namespace melodee
