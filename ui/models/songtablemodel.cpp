#include "songtablemodel.h"

#include "async/whenfinished.h"

#include <i18n/numberformat.h>
#include <songs/songservice.h>
#include <util/logging.h>

#include <algorithm>

namespace melodee {

SongTableModel::SongTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

SongTableModel::~SongTableModel()
{
    for (auto &f : m_inFlight)
        f.cancel();
    m_countFuture.cancel();
}

void SongTableModel::setService(std::shared_ptr<SongService> service)
{
    m_service = std::move(service);
    reset(CountAgain);
}

void SongTableModel::setQuery(SongSort sort, const SongFilter &filter)
{
    // The count does not depend on the order: the same filter keeps an exact count.
    const bool sameRows = sameFilter(filter, m_filter);
    m_sort = sort;
    m_filter = filter;
    reset(sameRows ? KeepExactCount : CountAgain);
}

bool SongTableModel::sameFilter(const SongFilter &a, const SongFilter &b)
{
    return a.artistId == b.artistId && a.albumId == b.albumId && a.createdFromUs == b.createdFromUs
           && a.createdToUs == b.createdToUs && a.search.trimmed() == b.search.trimmed();
}

void SongTableModel::refresh()
{
    reset(CountAgain); // after a write: the rows themselves changed
}

void SongTableModel::setBlockSize(int rows)
{
    m_blockSize = std::max(1, rows);
    reset(KeepExactCount);
}

void SongTableModel::setMaxBlocks(int blocks)
{
    m_maxBlocks = std::max(2, blocks);
    evict();
}

void SongTableModel::reset(CountPolicy policy)
{
    const std::optional<SongCount> kept = policy == KeepExactCount && m_count.exact
                                              ? std::optional<SongCount>(m_count)
                                              : std::nullopt;
    beginResetModel();
    for (auto &f : m_inFlight)
        f.cancel();
    m_countFuture.cancel();
    m_inFlight.clear();
    m_queue.clear();
    m_blocks.clear();
    m_rows = 0;
    m_count = {};
    m_stats = {};
    m_lastError.clear();
    m_countPending = bool(m_service) && !kept;
    if (kept && m_service) {
        m_count = *kept;
        m_rows = int(std::min<qint64>(kept->value, INT_MAX));
    }
    endResetModel();
    emit countChanged(m_count.value, m_count.exact);
    if (!m_service || kept)
        return;

    // The estimate is instant. A filtered estimate is the planner's guess and can be far off, and
    // an unanalysed table estimates 0: then the exact count is taken (a small result is cheap).
    m_countFuture = m_service->browseCount(m_filter, qint64(m_blockSize) * 20);
    whenFinished(this, m_countFuture, [this](const TaskOutcome<SongCount> &o) {
        if (o.cancelled)
            return; // a reset replaced this request
        m_countPending = false;
        if (!o.ok()) {
            failed(o.error);
            return;
        }
        m_count = *o.value;
        setRowCountTo(std::min<qint64>(m_count.value, INT_MAX));
        emit countChanged(m_count.value, m_count.exact);
    });
}

void SongTableModel::countExactly()
{
    if (!m_service)
        return;
    m_countFuture.cancel();
    m_countFuture = m_service->count(m_filter, true);
    whenFinished(this, m_countFuture, [this](const TaskOutcome<SongCount> &o) {
        if (o.cancelled)
            return;
        m_countPending = false; // this request replaced the first count, if that was still out
        if (!o.ok()) {
            failed(o.error);
            return;
        }
        const SongCount c = *o.value;
        const bool moved = c.value != m_rows;
        m_count = c;
        setRowCountTo(std::min<qint64>(c.value, INT_MAX));
        if (moved && m_rows > 0) {
            // Blocks placed by fraction or from the end sit elsewhere now: load them again.
            m_blocks.clear();
            emit dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1));
        }
        emit countChanged(m_count.value, m_count.exact);
    });
}

void SongTableModel::failed(const QString &message)
{
    m_lastError = message;
    emit errorOccurred(message);
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
        m_blocks.removeIf([blocks](QHash<int, Block>::iterator it) { return it.key() >= blocks; });
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
    if (!song) {
        // One mark per row, in the name: text is what painting a row costs, and a jump paints
        // its rows as placeholders while they load.
        return role == Qt::DisplayRole && index.column() == NameColumn
                   ? QVariant(QStringLiteral("…"))
                   : QVariant();
    }
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
    if (orientation == Qt::Vertical && role == Qt::DisplayRole) {
        // Row numbers. The final row's number is the count: exact once counted, else the
        // planner's estimate, which says so.
        if (section == m_rows - 1 && !m_count.exact)
            return tr("about %1").arg(formatCount(section + 1));
        return formatCount(section + 1);
    }
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
        return sortForColumn(section)
                   ? tr("Click to sort by this column; click again to reverse the order.")
                   : tr("This column cannot be sorted: the database has no index for it.");
    }
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
    reset(KeepExactCount);
}

void SongTableModel::setSortOrder(Qt::SortOrder order)
{
    const bool descending = order == Qt::DescendingOrder;
    if (descending == m_descending)
        return;
    m_descending = descending;
    reset(KeepExactCount);
}

void SongTableModel::requestBlock(int block) const
{
    if (!m_service || m_inFlight.contains(block))
        return;
    m_queue.removeOne(block);
    m_queue.append(block);
    // Scrolling fast asks for many blocks; only the newest ones are still on screen.
    while (m_queue.size() > 8)
        m_queue.removeFirst();
    // Started now, from within the paint that asks, while a read slot is free: the query then
    // runs while the rest of the window paints and flushes, which a read started from the event
    // loop afterwards waited for (up to 7 ms of a jump at 10M songs). Otherwise the next read
    // to finish starts it.
    if (m_inFlight.size() < m_maxInFlight)
        const_cast<SongTableModel *>(this)->pump();
}

void SongTableModel::pump()
{
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
    QFuture<SongPage> future = fraction ? m_service->pageAtFraction(
                                   req.sort, req.filter, *fraction, req.limit, req.descending)
                                        : m_service->page(req);
    m_inFlight.insert(block, future);
    const PageAnchor anchor = req.anchor;
    whenFinished(this, future, [this, block, anchor](const TaskOutcome<SongPage> &o) {
        if (o.cancelled)
            return; // the query changed; m_inFlight was cleared with it
        m_inFlight.remove(block);
        if (o.ok()) {
            blockArrived(block, *o.value, anchor);
        } else {
            qCWarning(lcUi).noquote() << "songs block" << block << "failed:" << o.error;
            failed(o.error);
        }
        pump();
    });
}

void SongTableModel::blockArrived(int block, const SongPage &page, PageAnchor anchor)
{
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
        const auto oldest = std::min_element(
            m_blocks.cbegin(), m_blocks.cend(), [](const Block &a, const Block &b) {
                return a.lastUse < b.lastUse;
            });
        m_blocks.erase(oldest);
    }
}

} // namespace melodee
