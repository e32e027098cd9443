#include "songsview.h"

#include "async/whenfinished.h"
#include "models/songtablemodel.h"
#include "session/connectionsession.h"
#include "widgets/rowheaderview.h"

#include <i18n/numberformat.h>
#include <library/songbrowser.h>
#include <pool/connectionpool.h>

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace melodee {

namespace {

QString lookupName(SongCache::Lookup how)
{
    switch (how) {
    case SongCache::Lookup::Hit:
        return QStringLiteral("hit");
    case SongCache::Lookup::Miss:
        return QStringLiteral("miss");
    case SongCache::Lookup::Corrupt:
        return QStringLiteral("miss (corrupt entry)");
    case SongCache::Lookup::Unavailable:
        return QStringLiteral("unavailable");
    case SongCache::Lookup::Disabled:
        return QStringLiteral("disabled");
    }
    return {};
}

} // namespace

SongsView::SongsView(ConnectionSession *session, QWidget *parent)
    : ViewPage(ViewId::Songs, session, parent)
    , m_model(new SongTableModel(this))
{
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("searchFilter"));
    m_search->setPlaceholderText(tr("Search names…"));
    m_search->setClearButtonEnabled(true);
    m_artist = new QLineEdit(this);
    m_artist->setObjectName(QStringLiteral("artistFilter"));
    m_artist->setPlaceholderText(tr("Artist ID"));
    m_artist->setValidator(new QIntValidator(1, INT_MAX, m_artist));
    m_album = new QLineEdit(this);
    m_album->setObjectName(QStringLiteral("albumFilter"));
    m_album->setPlaceholderText(tr("Album ID"));
    m_album->setValidator(new QIntValidator(1, INT_MAX, m_album));
    m_countLabel = new QLabel(this);
    m_countExact = new QPushButton(tr("Count exactly"), this);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_search, 3);
    filters->addWidget(m_artist, 1);
    filters->addWidget(m_album, 1);
    filters->addWidget(m_countLabel);
    filters->addWidget(m_countExact);

    m_table = new QTableView(this);
    // Row numbers for millions of rows: QHeaderView's own paint is slow with a row selected.
    m_table->setVerticalHeader(new RowHeaderView(m_table));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(SongTableModel::IdColumn, Qt::AscendingOrder);
    // Runs after QTableView passed the click to the model: a column without an index (album,
    // duration) leaves the sort as it was, and the arrow goes back to the column really sorted.
    connect(m_table->horizontalHeader(),
            &QHeaderView::sortIndicatorChanged,
            this,
            [this](int section, Qt::SortOrder order) {
                const int column = SongTableModel::columnForSort(m_model->songSort());
                if (section == column && order == m_model->sortOrder())
                    return;
                // Not a silent no-op: say why the order stays.
                if (!SongTableModel::sortForColumn(section))
                    m_status->setText(unsortableText(section));
                m_table->horizontalHeader()->setSortIndicator(column, m_model->sortOrder());
            });
    // The name takes the width the other columns leave, so the last column is in view from
    // 1024 px up and a wide window gives long names the room.
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    // A model reset (search, sort, reload) gives every column Qt's default width back: keep the
    // widths the columns had (the user's, or the ones below) so nothing jumps between pages.
    setInitialColumnWidths();
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_columnWidths.clear();
        for (int c = 0; c < SongTableModel::ColumnCount; ++c)
            m_columnWidths << m_table->columnWidth(c);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        for (int c = 0; c < m_columnWidths.size(); ++c)
            m_table->setColumnWidth(c, m_columnWidths.at(c));
        stretchNameColumn();
    });

    auto *first = new QPushButton(tr("« First"), this);
    auto *prev = new QPushButton(tr("◀ Prev"), this);
    auto *next = new QPushButton(tr("Next ▶"), this);
    auto *last = new QPushButton(tr("Last »"), this);
    m_pageSize = new QSpinBox(this);
    m_pageSize->setRange(10, 1000);
    m_pageSize->setValue(SongBrowser::kDefaultPageRows);
    m_pageSize->setPrefix(tr("page size "));
    m_goTo = new QSpinBox(this);
    m_goTo->setRange(1, INT_MAX);
    m_goTo->setPrefix(tr("go to page "));
    m_goTo->setKeyboardTracking(false);
    m_pageLabel = new QLabel(this);
    // A fixed size (the width set in updatePageLabel()): a new page number then repaints the label
    // alone; a label that fits its text would lay out the whole window on every jump.
    m_pageLabel->setFixedHeight(m_pageLabel->sizeHint().height());
    m_status = new QLabel(this);
    auto *paging = new QHBoxLayout;
    for (QWidget *w : {static_cast<QWidget *>(first),
                       static_cast<QWidget *>(prev),
                       static_cast<QWidget *>(next),
                       static_cast<QWidget *>(last)})
        paging->addWidget(w);
    paging->addWidget(m_pageLabel);
    paging->addStretch();
    paging->addWidget(m_pageSize);
    paging->addWidget(m_goTo);

    auto *detailsBox = new QWidget(this);
    m_details = new QLabel(tr("Select a song to see its details."));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    // In a scroll area: new details (every page jump selects a row) lay out inside it, and a
    // long file path scrolls, instead of laying out the whole window again.
    auto *detailsScroll = new QScrollArea(detailsBox);
    detailsScroll->setWidget(m_details);
    detailsScroll->setWidgetResizable(true);
    detailsScroll->setFrameShape(QFrame::NoFrame);
    detailsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_nameEdit = new QLineEdit(detailsBox);
    m_save = new QPushButton(tr("Rename"), detailsBox);
    m_delete = new QPushButton(tr("Delete…"), detailsBox);
    auto *detailsLayout = new QVBoxLayout(detailsBox);
    detailsLayout->addWidget(detailsScroll, 1);
    auto *edit = new QHBoxLayout;
    edit->addWidget(m_nameEdit, 1);
    edit->addWidget(m_save);
    detailsLayout->addLayout(edit);
    detailsLayout->addWidget(m_delete);
    detailsBox->setMinimumWidth(260);

    auto *split = new QSplitter(this);
    split->addWidget(m_table);
    split->addWidget(detailsBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(split, 1);
    layout->addLayout(paging);
    // On its own line and wrapped: a long message never widens the window.
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    layout->addWidget(m_status);

    connect(m_search, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_artist, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_album, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &SongsView::applyFilter);
    connect(m_countExact, &QPushButton::clicked, m_model, &SongTableModel::countExactly);
    connect(m_model, &SongTableModel::countChanged, this, &SongsView::updateCount);
    connect(m_model, &SongTableModel::errorOccurred, m_status, &QLabel::setText);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SongsView::updatePageLabel);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &SongsView::updatePageLabel);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &SongsView::updatePageLabel);
    connect(
        m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, &SongsView::updatePageLabel);
    connect(m_pageSize, &QSpinBox::valueChanged, this, &SongsView::updatePageLabel);
    connect(first, &QPushButton::clicked, this, [this] { goToPage(0); });
    connect(prev, &QPushButton::clicked, this, [this] { goToPage(currentPage() - 1); });
    connect(next, &QPushButton::clicked, this, [this] { goToPage(currentPage() + 1); });
    connect(last, &QPushButton::clicked, this, [this] { goToPage(pageCountEstimate() - 1); });
    connect(m_goTo, &QSpinBox::valueChanged, this, [this](int page) { goToPage(page - 1); });
    // The details follow the row selected now, whatever moved it: a click, a reset of the model
    // (search, filter, sort, reload, disconnect: Qt drops the selection without a signal), rows
    // removed under it, or a reload that put another song on the selected row.
    connect(m_table->selectionModel(),
            &QItemSelectionModel::currentRowChanged,
            this,
            &SongsView::showSelected);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SongsView::showSelected);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &SongsView::showSelected);
    connect(m_model, &SongTableModel::blockLoaded, this, &SongsView::showSelected);
    // Once the first screen's rows (and the count) are in, not before: opening and warming
    // connections costs the server about 100 ms each at 10M songs, which the first rows would
    // otherwise share the CPUs with.
    const auto prewarmOnceTheScreenIsIn = [this] {
        if (!m_connectionsWarmed && m_model->isIdle() && m_model->loadedBlockCount() > 0)
            prewarmConnections();
    };
    connect(m_model, &SongTableModel::blockLoaded, this, prewarmOnceTheScreenIsIn);
    connect(m_model, &SongTableModel::countChanged, this, prewarmOnceTheScreenIsIn);
    connect(m_model,
            &QAbstractItemModel::dataChanged,
            this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                const int row = m_table->currentIndex().row();
                if (row >= topLeft.row() && row <= bottomRight.row())
                    showSelected();
            });
    connect(m_save, &QPushButton::clicked, this, [this] { renameSelected(m_nameEdit->text()); });
    connect(m_delete, &QPushButton::clicked, this, &SongsView::deleteSelected);
    connect(session, &ConnectionSession::connectionChanged, this, &SongsView::onConnectionChanged);
    // The tables to read (ours, or melodee-next's tracks) are known once the schema is.
    connect(session, &ConnectionSession::schemaChanged, this, &SongsView::onConnectionChanged);
    updateCount();
    updatePageLabel();
    clearDetails(tr("Select a song to see its details."));
    if (session->isConnected())
        onConnectionChanged();
}

SongsView::~SongsView()
{
    m_detailsFuture.cancel(); // nobody will show it
}

QString SongsView::viewTitle()
{
    return tr("Songs");
}

QString SongsView::title() const
{
    return viewTitle();
}

void SongsView::activeChangedEvent(bool active)
{
    // Connections idle for conn_max_idle_time were closed meanwhile.
    if (active && m_connectionsWarmed)
        prewarmConnections();
}

int SongsView::connectionsAhead() const
{
    // What a jump reads at once, its blocks and the details, and one more for what is still
    // finishing (the jump before, a health check). Not more: every connection is a backend that
    // has yet to touch the shared buffers, so its first pages are slower (docs/scale.md); with
    // two jumps' worth (six) the jumps' median went up in alternating runs.
    return m_model->maxInFlight() + 2;
}

void SongsView::prewarmConnections()
{
    // Opened in the background: a jump then never waits for a connection to open and warm up
    // (about 100 ms at 10M songs).
    if (!m_service)
        return;
    m_connectionsWarmed = true;
    m_service->prewarm(connectionsAhead());
}

void SongsView::onConnectionChanged()
{
    const AppConfig &config = session()->config();
    if (session()->isConnected() && session()->pool() && session()->schemaDetected()) {
        auto cache = config.redis.enabled ? std::make_shared<SongCache>(config.redis) : nullptr;
        m_service = std::make_shared<SongService>(
            session()->router(), config.session, cache, session()->schemaLayout());
    } else {
        m_service.reset();
    }
    m_connectionsWarmed = false;
    m_model->setService(m_service); // resets the model, and with it the details
}

void SongsView::applyFilter()
{
    SongFilter f;
    f.search = m_search->text();
    if (!m_artist->text().isEmpty())
        f.artistId = m_artist->text().toLongLong();
    if (!m_album->text().isEmpty())
        f.albumId = m_album->text().toLongLong();
    m_model->setQuery(m_model->songSort(), f);
}

void SongsView::updateCount()
{
    if (!m_model->count() && !m_model->countIsExact())
        m_countLabel->setText(tr("≈ … songs"));
    else if (m_model->countIsExact())
        m_countLabel->setText(tr("%1 songs").arg(formatCount(m_model->count())));
    else
        m_countLabel->setText(tr("≈ %1 songs").arg(formatCount(m_model->count())));
    // Row numbers up to the count (and "about" before an estimated last one) fit without the
    // header, and the columns after it, moving as pages go by.
    const QString widest
        = m_model->countIsExact()
              ? formatCount(std::max<qint64>(m_model->count(), 9999))
              : tr("about %1").arg(formatCount(std::max<qint64>(m_model->count(), 9999)));
    QHeaderView *rows = m_table->verticalHeader();
    rows->setMinimumWidth(rows->fontMetrics().horizontalAdvance(widest) + 16);
    updatePageLabel();
}

void SongsView::setInitialColumnWidths()
{
    const QFontMetrics fm = m_table->fontMetrics();
    const int pad = 24; // the cell margins and the header's sort arrow
    const auto fit = [&](int column, const QString &widest) {
        const QString title
            = m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        m_table->setColumnWidth(
            column, std::max(fm.horizontalAdvance(widest), fm.horizontalAdvance(title)) + pad);
    };
    // Ids up to ten digits with their group separators.
    fit(SongTableModel::IdColumn, formatCount(9'999'999'999));
    fit(SongTableModel::ArtistColumn, formatCount(99'999'999));
    fit(SongTableModel::AlbumColumn, formatCount(99'999'999));
    fit(SongTableModel::DurationColumn, QStringLiteral("000:00"));
    fit(SongTableModel::CreatedColumn, QStringLiteral("0000-00-00 00:00:00"));
    stretchNameColumn();
}

void SongsView::stretchNameColumn()
{
    // A reset gives every section the header's default mode back.
    m_table->horizontalHeader()->setSectionResizeMode(SongTableModel::NameColumn,
                                                      QHeaderView::Stretch);
}

QString SongsView::unsortableText(int column) const
{
    return tr("\"%1\" cannot be sorted: the database has no index for it. The list stays sorted "
              "by \"%2\".")
        .arg(m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString(),
             m_model
                 ->headerData(SongTableModel::columnForSort(m_model->songSort()),
                              Qt::Horizontal,
                              Qt::DisplayRole)
                 .toString());
}

int SongsView::pageSize() const
{
    return m_pageSize->value();
}

void SongsView::setPageSize(int rows)
{
    m_pageSize->setValue(rows);
}

int SongsView::currentPage() const
{
    const QModelIndex top = m_table->indexAt(QPoint(1, 1));
    const int row = top.isValid() ? top.row() : 0;
    return row / pageSize();
}

int SongsView::pageCountEstimate() const
{
    return std::max(1, (m_model->rowCount() + pageSize() - 1) / pageSize());
}

void SongsView::goToPage(int page)
{
    const int rows = m_model->rowCount();
    if (rows == 0)
        return;
    page = std::clamp(page, 0, pageCountEstimate() - 1);
    const int row = std::min(rows - 1, page * pageSize());
    m_table->scrollTo(m_model->index(row, 0), QAbstractItemView::PositionAtTop);
    m_table->setCurrentIndex(m_model->index(row, 0));
    updatePageLabel();
}

void SongsView::updatePageLabel()
{
    const int pageCount = pageCountEstimate();
    const int current = currentPage() + 1;
    const QString page = formatCount(current);
    const QString pages = formatCount(pageCount);
    const QString exact = tr("page %1 of %2");
    const QString estimated = tr("page %1 of about %2");
    const QSignalBlocker block(m_goTo);
    // Only when the page count changes, not on every scroll step: QSpinBox lays out its window
    // again on every setMaximum(), even to the same value, and the label's width follows the
    // count alone.
    if (m_goTo->maximum() != pageCount) {
        m_goTo->setMaximum(pageCount);
        // Wide enough for any page of this many, so paging never changes the label's size.
        QString widest = pages;
        for (QChar &c : widest) {
            if (c.isDigit())
                c = QLatin1Char('8');
        }
        const QFontMetrics fm = m_pageLabel->fontMetrics();
        m_pageLabel->setFixedWidth(std::max(fm.horizontalAdvance(exact.arg(widest, widest)),
                                            fm.horizontalAdvance(estimated.arg(widest, widest)))
                                   + fm.averageCharWidth());
    }
    m_pageLabel->setText((m_model->countIsExact() ? exact : estimated).arg(page, pages));
    m_goTo->setValue(current);
}

qint64 SongsView::currentSongId() const
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid() || !m_model->isLoaded(current.row()))
        return 0;
    return m_model->data(current.siblingAtColumn(0), SongTableModel::SongIdRole).toLongLong();
}

qint64 SongsView::actionableSongId() const
{
    const qint64 id = currentSongId();
    return m_service && m_shown && id != 0 && m_shown->id == id ? id : 0;
}

void SongsView::clearDetails(const QString &text)
{
    m_shown.reset();
    m_details->setText(text);
    m_nameEdit->clear();
    updateActions();
}

void SongsView::updateActions()
{
    const bool enabled = actionableSongId() != 0 && !m_writing;
    m_nameEdit->setEnabled(enabled);
    m_save->setEnabled(enabled);
    m_delete->setEnabled(enabled);
}

void SongsView::showSelected()
{
    const qint64 id = currentSongId();
    if (id != 0 && ((m_shown && m_shown->id == id) || m_loadingId == id)) {
        updateActions();
        return; // already shown, or on its way
    }
    m_detailsFuture.cancel();
    m_loadingId = 0;
    if (id == 0) {
        // Nothing selected, or a row whose block is still loading (blockLoaded brings us back).
        clearDetails(m_table->currentIndex().isValid() ? tr("Loading…")
                                                       : tr("Select a song to see its details."));
        return;
    }
    clearDetails(tr("Loading song %1…").arg(id));
    if (!m_service)
        return;
    m_loadingId = id;
    m_detailsFuture = m_service->details(id);
    whenFinished(this, m_detailsFuture, [this, id](const TaskOutcome<SongDetails> &o) {
        if (o.cancelled)
            return; // another row was selected, or the list changed
        m_loadingId = 0;
        if (!o.ok()) {
            m_details->setText(
                tr("Could not load song %1: %2").arg(QString::number(id), o.error.toHtmlEscaped()));
            return;
        }
        if (!o.value->song) {
            m_details->setText(tr("Song %1 no longer exists.").arg(id));
            return;
        }
        const SongDetails &d = *o.value;
        const Song &s = *d.song;
        QStringList lines;
        lines << tr("<b>%1</b>").arg(s.name.toHtmlEscaped());
        lines << tr("ID: %1").arg(s.id);
        // One arg() call each: a name holding "%1" must not be taken for a placeholder.
        lines << tr("Artist: %1 (%2)")
                     .arg(d.artistName.toHtmlEscaped(),
                          s.artistId ? QString::number(*s.artistId) : QStringLiteral("–"));
        lines << tr("Album: %1 (%2)")
                     .arg(d.albumName.toHtmlEscaped(),
                          s.albumId ? QString::number(*s.albumId) : QStringLiteral("–"));
        if (s.durationMs)
            lines << tr("Duration: %1 s").arg(*s.durationMs / 1000);
        lines << tr("Play count: %1").arg(formatCount(s.playCount));
        lines << tr("File: %1").arg(s.filePath.toHtmlEscaped());
        lines << tr("Created: %1").arg(formatUtcMicros(s.createdAtUs));
        lines << tr("Cache: %1").arg(lookupName(d.cache));
        m_shown = d;
        m_details->setText(lines.join(QStringLiteral("<br>")));
        m_nameEdit->setText(s.name);
        updateActions();
        emit detailsShown(s.id);
    });
}

void SongsView::setConfirmer(std::function<bool(const QString &)> confirm)
{
    m_confirm = std::move(confirm);
}

bool SongsView::confirmDelete(const QString &text)
{
    if (m_confirm)
        return m_confirm(text);
    // Names are shown as they are (plain text, never markup), and Enter or Escape answer No.
    QMessageBox box(
        QMessageBox::Warning, tr("Delete song"), text, QMessageBox::Yes | QMessageBox::No, this);
    box.setTextFormat(Qt::PlainText);
    box.button(QMessageBox::Yes)->setText(tr("Delete"));
    box.setDefaultButton(QMessageBox::No);
    box.setEscapeButton(QMessageBox::No);
    return box.exec() == QMessageBox::Yes;
}

void SongsView::startWrite(QFuture<qint64> future, const QString &done, const QString &failedText)
{
    m_writing = true;
    updateActions();
    whenFinished(this, future, [this, done, failedText](const TaskOutcome<qint64> &o) {
        m_writing = false;
        const bool ok = o.ok();
        m_status->setText(ok ? done : failedText.arg(o.error));
        // The list is read again; the selection, and the details with it, go with the reset.
        if (ok)
            m_model->refresh();
        updateActions();
        emit writeFinished(ok);
    });
}

bool SongsView::renameSelected(const QString &name)
{
    const qint64 id = actionableSongId();
    if (id == 0 || m_writing || name.trimmed().isEmpty())
        return false;
    startWrite(
        m_service->renameSong(id, name), tr("Renamed song %1.").arg(id), tr("Rename failed: %1"));
    return true;
}

bool SongsView::deleteSelected()
{
    const qint64 id = actionableSongId();
    if (id == 0 || m_writing)
        return false;
    const SongDetails d = *m_shown;
    const QString none = tr("(none)");
    const QString text = tr("Delete the song \u201c%1\u201d?\n\nArtist: %2\nAlbum: %3\nID: %4\n\n"
                            "This cannot be undone.")
                             .arg(d.song->name,
                                  d.artistName.isEmpty() ? none : d.artistName,
                                  d.albumName.isEmpty() ? none : d.albumName,
                                  QString::number(id));
    if (!confirmDelete(text))
        return false;
    // The list may have changed while the question was open: delete only what is still selected.
    if (actionableSongId() != id) {
        m_status->setText(tr("The selection changed; nothing was deleted."));
        return false;
    }
    startWrite(m_service->deleteSong(id), tr("Deleted song %1.").arg(id), tr("Delete failed: %1"));
    return true;
}

} // namespace melodee
