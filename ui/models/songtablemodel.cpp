#include "songtablemodel.h"

#include <pool/connectionpool.h>
#include <util/logging.h>

#include <QFutureWatcher>
#include <QLocale>
#include <QTimer>

#include <algorithm>

namespace melodee {

namespace {

QString errorText(const std::exception_ptr &e)
{
    try {
        std::rethrow_exception(e);
    } catch (const DbError &db) {
        return db.toString();
    } catch (const std::exception &x) {
        return QString::fromLocal8Bit(x.what());
    } catch (...) {
        return QStringLiteral("unknown error");
    }
}

// Calls done(value) or failed(message) on `context`'s thread when `future` finishes; nothing when
// it was cancelled.
template<typename T, typename Done, typename Failed>
void whenFinished(QObject *context, QFuture<T> future, Done done, Failed failed)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done, failed] {
        watcher->deleteLater();
        QFuture<T> f = watcher->future();
        if (f.isCanceled() && f.resultCount() == 0) {
            // A cancelled future with an exception stored still rethrows it; surface real errors.
            try {
                f.waitForFinished();
            } catch (...) {
                const QString text = errorText(std::current_exception());
                if (!text.contains(QLatin1String("57014")))
                    failed(text);
            }
            return;
        }
        try {
            done(f.result());
        } catch (...) {
            failed(errorText(std::current_exception()));
        }
    });
    watcher->setFuture(future);
}

} // namespace

SongTableModel::SongTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

SongTableModel::~SongTableModel()
{
    for (auto &f : m_inFlight)
        f.cancel();
    for (auto &f : m_other)
        f.cancel();
}

void SongTableModel::setPool(std::shared_ptr<ConnectionPool> pool, const SessionConfig &session)
{
    m_pool = std::move(pool);
    m_repo = m_pool ? std::make_shared<SongRepository>(session) : nullptr;
    reset();
}

void SongTableModel::setQuery(SongSort sort, const SongFilter &filter)
{
    m_sort = sort;
    m_filter = filter;
    reset();
}

void SongTableModel::refresh()
{
    reset();
}

void SongTableModel::setBlockSize(int rows)
{
    m_blockSize = std::max(1, rows);
    reset();
}

void SongTableModel::setMaxBlocks(int blocks)
{
    m_maxBlocks = std::max(2, blocks);
    evict();
}

void SongTableModel::reset()
{
    beginResetModel();
    ++m_generation;
    for (auto &f : m_inFlight)
        f.cancel();
    for (auto &f : m_other)
        f.cancel();
    m_inFlight.clear();
    m_other.clear();
    m_queue.clear();
    m_blocks.clear();
    m_rows = 0;
    m_count = {};
    m_stats = {};
    m_lastError.clear();
    m_countPending = bool(m_pool);
    endResetModel();
    emit countChanged(0, false);
    if (!m_pool)
        return;

    const quint64 generation = m_generation;
    auto repo = m_repo;
    const SongFilter filter = m_filter;
    const int smallFiltered = m_blockSize * 20;
    // The estimate is instant. A filtered estimate is the planner's guess and can be far off, and
    // an unanalysed table estimates 0: then the exact count is taken (a small result is cheap).
    auto future = m_pool->run([repo, filter, smallFiltered](PgConnection &conn) {
        SongCount c = repo->count(conn, filter, false);
        if (c.value <= 0 || (!filter.isEmpty() && c.value < smallFiltered))
            c = repo->count(conn, filter, true);
        return c;
    });
    m_other.append(QFuture<void>(future));
    whenFinished(
        this,
        future,
        [this, generation](const SongCount &c) {
            if (generation != m_generation)
                return;
            m_countPending = false;
            m_count = c;
            setRowCountTo(std::min<qint64>(c.value, INT_MAX));
            emit countChanged(m_count.value, m_count.exact);
        },
        [this, generation](const QString &message) {
            if (generation != m_generation)
                return;
            m_countPending = false;
            m_lastError = message;
            emit errorOccurred(message);
        });
}

void SongTableModel::countExactly()
{
    if (!m_pool)
        return;
    const quint64 generation = m_generation;
    auto repo = m_repo;
    const SongFilter filter = m_filter;
    auto future = m_pool->run(
        [repo, filter](PgConnection &conn) { return repo->count(conn, filter, true); });
    m_other.append(QFuture<void>(future));
    whenFinished(
        this,
        future,
        [this, generation](const SongCount &c) {
            if (generation != m_generation)
                return;
            const bool moved = c.value != m_rows;
            m_count = c;
            setRowCountTo(std::min<qint64>(c.value, INT_MAX));
            if (moved && m_rows > 0) {
                // Blocks placed by fraction or from the end sit elsewhere now: load them again.
                m_blocks.clear();
                emit dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1));
            }
            emit countChanged(m_count.value, m_count.exact);
        },
        [this, generation](const QString &message) {
            if (generation != m_generation)
                return;
            m_lastError = message;
            emit errorOccurred(message);
        });
}

void SongTableModel::setRowCountTo(qint64 rows)
{
    const int n = int(std::max<qint64>(0, rows));
    if (n == m_rows)
        return;
    if (n < m_rows) {
        beginRemoveRows({}, n, m_rows - 1);
        m_rows = n;
        const int blocks = blockCount();
        for (auto it = m_blocks.begin(); it != m_blocks.end();) {
            if (it.key() >= blocks)
                it = m_blocks.erase(it);
            else
                ++it;
        }
        m_queue.removeIf([blocks](int b) { return b >= blocks; });
        endRemoveRows();
    } else {
        beginInsertRows({}, m_rows, n - 1);
        m_rows = n;
        endInsertRows();
    }
}

int SongTableModel::blockCount() const
{
    return (m_rows + m_blockSize - 1) / m_blockSize;
}

bool SongTableModel::isIdle() const
{
    return !m_countPending && m_inFlight.isEmpty() && m_queue.isEmpty();
}

int SongTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int SongTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

std::optional<Song> SongTableModel::songAt(int row) const
{
    if (row < 0 || row >= m_rows)
        return std::nullopt;
    const int b = row / m_blockSize;
    auto it = m_blocks.find(b);
    if (it == m_blocks.end()) {
        requestBlock(b);
        return std::nullopt;
    }
    it->lastUse = ++m_useClock;
    const int offset = row - b * m_blockSize;
    if (offset >= it->songs.size())
        return std::nullopt; // the block ended early (the end of the data): nothing to load
    return it->songs.at(offset);
}

QVariant SongTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != SongIdRole && role != LoadedRole
        && role != Qt::TextAlignmentRole && role != Qt::ToolTipRole)
        return {};
    if (role == Qt::TextAlignmentRole) {
        const int c = index.column();
        return c == IdColumn || c == ArtistColumn || c == AlbumColumn || c == DurationColumn
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    }
    const std::optional<Song> song = songAt(index.row());
    if (role == LoadedRole)
        return song.has_value();
    if (!song)
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("…")) : QVariant();
    if (role == SongIdRole)
        return song->id;
    if (role == Qt::ToolTipRole)
        return index.column() == NameColumn ? QVariant(song->filePath) : QVariant();
    switch (index.column()) {
    case IdColumn:
        return song->id;
    case NameColumn:
        return song->name;
    case ArtistColumn:
        return song->artistId ? QVariant(*song->artistId) : QVariant();
    case AlbumColumn:
        return song->albumId ? QVariant(*song->albumId) : QVariant();
    case DurationColumn:
        if (!song->durationMs)
            return {};
        return QStringLiteral("%1:%2")
            .arg(*song->durationMs / 60000)
            .arg((*song->durationMs / 1000) % 60, 2, 10, QLatin1Char('0'));
    case CreatedColumn:
        return formatUtcMicros(song->createdAtUs)
            .left(19)
            .replace(QLatin1Char('T'), QLatin1Char(' '));
    }
    return {};
}

QVariant SongTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn:
        return tr("ID");
    case NameColumn:
        return tr("Name");
    case ArtistColumn:
        return tr("Artist ID");
    case AlbumColumn:
        return tr("Album ID");
    case DurationColumn:
        return tr("Duration");
    case CreatedColumn:
        return tr("Created (UTC)");
    }
    return {};
}

std::optional<SongSort> SongTableModel::sortForColumn(int column)
{
    switch (column) {
    case IdColumn:
        return SongSort::Id;
    case NameColumn:
        return SongSort::Name;
    case ArtistColumn:
        return SongSort::Artist;
    case CreatedColumn:
        return SongSort::Created;
    }
    return std::nullopt;
}

int SongTableModel::columnForSort(SongSort sort)
{
    switch (sort) {
    case SongSort::Id:
        return IdColumn;
    case SongSort::Name:
        return NameColumn;
    case SongSort::Artist:
        return ArtistColumn;
    case SongSort::Created:
        return CreatedColumn;
    }
    return IdColumn;
}

void SongTableModel::sort(int column, Qt::SortOrder order)
{
    const auto s = sortForColumn(column);
    if (!s)
        return;
    const bool descending = order == Qt::DescendingOrder;
    if (*s == m_sort && descending == m_descending)
        return;
    m_sort = *s;
    m_descending = descending;
    reset();
}

void SongTableModel::setSortOrder(Qt::SortOrder order)
{
    const bool descending = order == Qt::DescendingOrder;
    if (descending == m_descending)
        return;
    m_descending = descending;
    reset();
}

void SongTableModel::requestBlock(int block) const
{
    if (!m_pool || m_inFlight.contains(block))
        return;
    m_queue.removeOne(block);
    m_queue.append(block);
    // Scrolling fast asks for many blocks; only the newest ones are still on screen.
    while (m_queue.size() > 8)
        m_queue.removeFirst();
    if (!m_pumpScheduled) {
        m_pumpScheduled = true;
        QTimer::singleShot(0, const_cast<SongTableModel *>(this), &SongTableModel::pump);
    }
}

void SongTableModel::pump()
{
    m_pumpScheduled = false;
    while (m_inFlight.size() < m_maxInFlight && !m_queue.isEmpty()) {
        const int b = m_queue.takeLast();
        if (b < blockCount() && !m_blocks.contains(b))
            startBlock(b);
    }
}

void SongTableModel::startBlock(int block)
{
    PageRequest req;
    req.sort = m_sort;
    req.filter = m_filter;
    req.limit = m_blockSize;
    req.descending = m_descending;
    std::optional<double> fraction;
    const int last = blockCount() - 1;
    const auto prev = m_blocks.constFind(block - 1);
    const auto next = m_blocks.constFind(block + 1);
    if (block == 0) {
        req.anchor = PageAnchor::First;
    } else if (block == last) {
        // The last block holds the rows after the last full one: read them from the end.
        req.anchor = PageAnchor::Last;
        req.limit = m_rows - block * m_blockSize;
    } else if (prev != m_blocks.constEnd() && prev->songs.size() == m_blockSize) {
        req.anchor = PageAnchor::After;
        req.key = SongKey::of(prev->songs.constLast());
    } else if (next != m_blocks.constEnd() && !next->songs.isEmpty()) {
        req.anchor = PageAnchor::Before;
        req.key = SongKey::of(next->songs.constFirst());
    } else {
        req.anchor = PageAnchor::AtOrAfter;
        fraction = double(block) * m_blockSize / double(m_rows);
    }
    switch (req.anchor) {
    case PageAnchor::First:
        ++m_stats.first;
        break;
    case PageAnchor::Last:
        ++m_stats.last;
        break;
    case PageAnchor::After:
        ++m_stats.after;
        break;
    case PageAnchor::Before:
        ++m_stats.before;
        break;
    case PageAnchor::AtOrAfter:
        ++m_stats.fraction;
        break;
    }
    auto repo = m_repo;
    auto future = m_pool->run([repo, req, fraction](PgConnection &conn) {
        if (fraction)
            return repo->pageAtFraction(
                conn, req.sort, req.filter, *fraction, req.limit, req.descending);
        return repo->page(conn, req);
    });
    m_inFlight.insert(block, future);
    const quint64 generation = m_generation;
    const PageAnchor anchor = req.anchor;
    whenFinished(
        this,
        future,
        [this, block, generation, anchor](const SongPage &page) {
            if (generation != m_generation)
                return;
            m_inFlight.remove(block);
            blockArrived(block, generation, page, anchor);
            pump();
        },
        [this, block, generation](const QString &message) {
            if (generation != m_generation)
                return;
            m_inFlight.remove(block);
            m_lastError = message;
            qCWarning(lcUi).noquote() << "songs block" << block << "failed:" << message;
            emit errorOccurred(message);
            pump();
        });
}

void SongTableModel::blockArrived(int block,
                                  quint64 generation,
                                  const SongPage &page,
                                  PageAnchor anchor)
{
    Q_UNUSED(generation)
    if (block >= blockCount())
        return;
    const int firstRow = block * m_blockSize;
    // Reading forward from the start or a neighbour and running out means the estimate was high:
    // the table ends here.
    if ((anchor == PageAnchor::First || anchor == PageAnchor::After)
        && page.songs.size() < m_blockSize && firstRow + page.songs.size() < m_rows) {
        setRowCountTo(firstRow + page.songs.size());
        if (block >= blockCount() && page.songs.isEmpty())
            return;
    }
    Block b;
    b.songs = page.songs;
    b.lastUse = ++m_useClock;
    m_blocks.insert(block, b);
    evict();
    if (!m_blocks.contains(block))
        return;
    const int lastRow = std::min(m_rows, firstRow + m_blockSize) - 1;
    if (lastRow >= firstRow)
        emit dataChanged(index(firstRow, 0), index(lastRow, ColumnCount - 1));
    emit blockLoaded(block);
}

void SongTableModel::evict()
{
    while (m_blocks.size() > m_maxBlocks) {
        auto oldest = m_blocks.begin();
        for (auto it = m_blocks.begin(); it != m_blocks.end(); ++it) {
            if (it->lastUse < oldest->lastUse)
                oldest = it;
        }
        m_blocks.erase(oldest);
    }
}

} // namespace melodee
