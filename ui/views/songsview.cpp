#include "songsview.h"

#include "models/songtablemodel.h"
#include "session/connectionsession.h"

#include <cache/songcache.h>
#include <library/songrepository.h>
#include <pool/connectionpool.h>

#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace melodee {

namespace {

struct Details
{
    std::optional<Song> song;
    QString artistName;
    QString albumName;
    QString cache; // hit, miss, disabled, unavailable
};

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

template<typename T, typename Done>
void onFinished(QObject *context, QFuture<T> future, Done done)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        watcher->deleteLater();
        QString error;
        std::optional<T> value;
        try {
            value = watcher->future().result();
        } catch (const DbError &e) {
            error = e.toString();
        } catch (const std::exception &e) {
            error = QString::fromLocal8Bit(e.what());
        }
        done(value, error);
    });
    watcher->setFuture(future);
}

} // namespace

SongsView::SongsView(ConnectionSession *session, QWidget *parent)
    : ViewPage(ViewId::Songs, session, parent)
    , m_model(new SongTableModel(this))
{
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search names…"));
    m_search->setClearButtonEnabled(true);
    m_artist = new QLineEdit(this);
    m_artist->setPlaceholderText(tr("Artist ID"));
    m_artist->setValidator(new QIntValidator(1, INT_MAX, m_artist));
    m_album = new QLineEdit(this);
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
                if (section != column || order != m_model->sortOrder())
                    m_table->horizontalHeader()->setSortIndicator(column, m_model->sortOrder());
            });
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->setColumnWidth(SongTableModel::NameColumn, 320);

    auto *first = new QPushButton(tr("« First"), this);
    auto *prev = new QPushButton(tr("◀ Prev"), this);
    auto *next = new QPushButton(tr("Next ▶"), this);
    auto *last = new QPushButton(tr("Last »"), this);
    m_pageSize = new QSpinBox(this);
    m_pageSize->setRange(10, 1000);
    m_pageSize->setValue(50);
    m_pageSize->setPrefix(tr("page size "));
    m_goTo = new QSpinBox(this);
    m_goTo->setRange(1, INT_MAX);
    m_goTo->setPrefix(tr("go to page "));
    m_goTo->setKeyboardTracking(false);
    m_pageLabel = new QLabel(this);
    m_status = new QLabel(this);
    auto *paging = new QHBoxLayout;
    for (QWidget *w : {static_cast<QWidget *>(first),
                       static_cast<QWidget *>(prev),
                       static_cast<QWidget *>(next),
                       static_cast<QWidget *>(last)})
        paging->addWidget(w);
    paging->addWidget(m_pageLabel);
    paging->addStretch();
    paging->addWidget(m_status);
    paging->addWidget(m_pageSize);
    paging->addWidget(m_goTo);

    auto *detailsBox = new QWidget(this);
    m_details = new QLabel(tr("Select a song to see its details."), detailsBox);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_nameEdit = new QLineEdit(detailsBox);
    m_save = new QPushButton(tr("Rename"), detailsBox);
    m_delete = new QPushButton(tr("Delete…"), detailsBox);
    auto *detailsLayout = new QVBoxLayout(detailsBox);
    detailsLayout->addWidget(m_details, 1);
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

    m_confirm = [this](const QString &text) {
        return QMessageBox::question(this, tr("Delete song"), text) == QMessageBox::Yes;
    };

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
    connect(m_table->selectionModel(),
            &QItemSelectionModel::currentRowChanged,
            this,
            &SongsView::showSelected);
    connect(m_model, &SongTableModel::blockLoaded, this, [this] {
        if (m_selectedId == 0 && m_table->currentIndex().isValid())
            showSelected();
    });
    connect(m_save, &QPushButton::clicked, this, [this] { renameSelected(m_nameEdit->text()); });
    connect(m_delete, &QPushButton::clicked, this, &SongsView::deleteSelected);
    connect(session, &ConnectionSession::connectionChanged, this, &SongsView::onConnectionChanged);
    updateCount();
    updatePageLabel();
    if (session->isConnected())
        onConnectionChanged();
}

SongsView::~SongsView() = default;

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
    Q_UNUSED(active)
}

void SongsView::onConnectionChanged()
{
    m_selectedId = 0;
    const AppConfig &config = session()->config();
    m_cache = session()->isConnected() && config.redis.enabled
                  ? std::make_shared<SongCache>(config.redis)
                  : nullptr;
    m_model->setPool(session()->isConnected() ? session()->pool() : nullptr, config.session);
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
    const QLocale locale;
    if (!m_model->count() && !m_model->countIsExact())
        m_countLabel->setText(tr("≈ … songs"));
    else if (m_model->countIsExact())
        m_countLabel->setText(tr("%1 songs").arg(locale.toString(m_model->count())));
    else
        m_countLabel->setText(tr("≈ %1 songs").arg(locale.toString(m_model->count())));
    updatePageLabel();
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
    const QString approx = m_model->countIsExact() ? QString() : QStringLiteral("≈ ");
    m_pageLabel->setText(
        tr("page %1 of %2%3").arg(currentPage() + 1).arg(approx).arg(pageCountEstimate()));
    const QSignalBlocker block(m_goTo);
    m_goTo->setMaximum(pageCountEstimate());
    m_goTo->setValue(currentPage() + 1);
}

void SongsView::showSelected()
{
    const QModelIndex current = m_table->currentIndex();
    const QVariant id = current.isValid()
                            ? m_model->data(current.siblingAtColumn(0), SongTableModel::SongIdRole)
                            : QVariant();
    if (!id.isValid()) {
        m_selectedId = 0;
        return; // not loaded yet; blockLoaded brings us back
    }
    m_selectedId = id.toLongLong();
    auto pool = session()->pool();
    if (!pool)
        return;
    const quint64 generation = ++m_detailsGeneration;
    const qint64 songId = m_selectedId;
    auto cache = m_cache;
    auto repo = std::make_shared<SongRepository>(session()->config().session);
    m_details->setText(tr("Loading song %1…").arg(songId));
    auto future = pool->run([cache, repo, songId](PgConnection &conn) {
        Details d;
        SongCache::Lookup how = SongCache::Lookup::Disabled;
        if (cache)
            d.song = cache->get(songId, &how);
        d.cache = lookupName(how);
        if (!d.song) {
            d.song = repo->songById(conn, songId);
            if (d.song && cache)
                cache->put(*d.song);
        }
        const auto joined = repo->songsWithAlbumAndArtist(conn, {songId});
        if (!joined.isEmpty()) {
            d.artistName = joined.first().artistName;
            d.albumName = joined.first().albumName;
        }
        return d;
    });
    onFinished(this,
               future,
               [this, generation, songId](const std::optional<Details> &d, const QString &error) {
                   if (generation != m_detailsGeneration)
                       return;
                   if (!d) {
                       m_details->setText(tr("Could not load song %1: %2").arg(songId).arg(error));
                       return;
                   }
                   if (!d->song) {
                       m_details->setText(tr("Song %1 no longer exists.").arg(songId));
                       return;
                   }
                   const Song &s = *d->song;
                   QStringList lines;
                   lines << tr("<b>%1</b>").arg(s.name.toHtmlEscaped());
                   lines << tr("ID: %1").arg(s.id);
                   lines << tr("Artist: %1 (%2)")
                                .arg(d->artistName.toHtmlEscaped())
                                .arg(s.artistId ? QString::number(*s.artistId)
                                                : QStringLiteral("–"));
                   lines << tr("Album: %1 (%2)")
                                .arg(d->albumName.toHtmlEscaped())
                                .arg(s.albumId ? QString::number(*s.albumId) : QStringLiteral("–"));
                   if (s.durationMs)
                       lines << tr("Duration: %1 s").arg(*s.durationMs / 1000);
                   lines << tr("Play count: %1").arg(s.playCount);
                   lines << tr("File: %1").arg(s.filePath.toHtmlEscaped());
                   lines << tr("Created: %1").arg(formatUtcMicros(s.createdAtUs));
                   lines << tr("Cache: %1").arg(d->cache);
                   m_details->setText(lines.join(QStringLiteral("<br>")));
                   m_nameEdit->setText(s.name);
                   emit detailsShown(s.id);
               });
}

void SongsView::setConfirmer(std::function<bool(const QString &)> confirm)
{
    m_confirm = std::move(confirm);
}

void SongsView::renameSelected(const QString &name)
{
    auto pool = session()->pool();
    if (!pool || m_selectedId == 0 || name.trimmed().isEmpty())
        return;
    const qint64 id = m_selectedId;
    auto cache = m_cache;
    auto repo = std::make_shared<SongRepository>(session()->config().session);
    auto future = pool->run([cache, repo, id, name](PgConnection &conn) {
        const qint64 n = repo->renameSong(conn, id, name);
        if (cache)
            cache->invalidate(id);
        return n;
    });
    onFinished(this, future, [this](const std::optional<qint64> &n, const QString &error) {
        m_status->setText(n ? tr("Renamed.") : tr("Rename failed: %1").arg(error));
        if (n)
            m_model->refresh();
        emit writeFinished(n.has_value());
    });
}

void SongsView::deleteSelected()
{
    auto pool = session()->pool();
    if (!pool || m_selectedId == 0)
        return;
    const qint64 id = m_selectedId;
    if (!m_confirm(tr("Delete song %1? This cannot be undone.").arg(id)))
        return;
    auto cache = m_cache;
    auto repo = std::make_shared<SongRepository>(session()->config().session);
    auto future = pool->run([cache, repo, id](PgConnection &conn) {
        const qint64 n = repo->deleteSong(conn, id);
        if (cache)
            cache->invalidate(id);
        return n;
    });
    onFinished(this, future, [this, id](const std::optional<qint64> &n, const QString &error) {
        m_status->setText(n ? tr("Deleted song %1.").arg(id) : tr("Delete failed: %1").arg(error));
        if (n) {
            m_selectedId = 0;
            m_model->refresh();
        }
        emit writeFinished(n.has_value());
    });
}

} // namespace melodee
