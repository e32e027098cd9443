#pragma once

#include <library/songbrowser.h>
#include <library/songquery.h>

#include <QAbstractTableModel>
#include <QFuture>
#include <QHash>
#include <QList>
#include <QSet>

#include <memory>
#include <optional>

namespace melodee {

class SongService;

// The songs table as one long list with a true scrollbar: rowCount() is the planner's estimate
// and rows arrive in blocks loaded by key through SongService on the pool's workers (never
// OFFSET, never on the GUI thread). A far block is found by the key at its fraction of the sort
// (the histogram), a near one by keyset next/prev from a loaded neighbour. At most maxBlocks()
// blocks stay in memory.
class SongTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        NameColumn,
        ArtistColumn,
        AlbumColumn,
        DurationColumn,
        CreatedColumn,
        ColumnCount
    };
    enum Role { SongIdRole = Qt::UserRole + 1, LoadedRole };

    explicit SongTableModel(QObject *parent = nullptr);
    ~SongTableModel() override;

    // Starts over on `service` (nullptr: empty model). Waits for nothing: old work is cancelled.
    void setService(std::shared_ptr<SongService> service);
    // Keeps the current sort order (ascending or descending).
    void setQuery(SongSort sort, const SongFilter &filter);
    SongSort songSort() const { return m_sort; }
    Qt::SortOrder sortOrder() const
    {
        return m_descending ? Qt::DescendingOrder : Qt::AscendingOrder;
    }
    void setSortOrder(Qt::SortOrder order);
    const SongFilter &filter() const { return m_filter; }
    // Reloads the same query (after a write).
    void refresh();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    // Clicking a header picks the sort, a second click reverses it (the same index, read
    // backwards). Columns without an index (album, duration) keep the current sort.
    void sort(int column, Qt::SortOrder order) override;
    static std::optional<SongSort> sortForColumn(int column);
    static int columnForSort(SongSort sort);

    // The row count is the estimate until countExactly() finishes.
    qint64 count() const { return m_count.value; }
    bool countIsExact() const { return m_count.exact; }
    void countExactly();

    std::optional<Song> songAt(int row) const;
    int blockSize() const { return m_blockSize; }
    void setBlockSize(int rows);
    int maxBlocks() const { return m_maxBlocks; }
    void setMaxBlocks(int blocks);
    int loadedBlockCount() const { return int(m_blocks.size()); }
    // Whether the row's block is in memory; unlike data() it asks for nothing.
    bool isLoaded(int row) const { return m_blocks.contains(row / m_blockSize); }
    int pendingBlockCount() const { return int(m_inFlight.size() + m_queue.size()); }
    // Blocks loaded since the last reset by how they were found (for tests and the status line).
    struct LoadStats
    {
        int first = 0, last = 0, after = 0, before = 0, fraction = 0;
    };
    LoadStats loadStats() const { return m_stats; }
    // How many blocks it reads at once.
    int maxInFlight() const { return m_maxInFlight; }
    QString lastError() const { return m_lastError; }
    // True once the count arrived and nothing is loading.
    bool isIdle() const;

signals:
    void countChanged(qint64 count, bool exact);
    void blockLoaded(int block);
    void errorOccurred(const QString &message);

private:
    struct Block
    {
        QList<Song> songs;
        quint64 lastUse = 0;
    };
    // KeepExactCount: the rows are the same ones in another order, so an exact count stays.
    enum CountPolicy { CountAgain, KeepExactCount };
    void reset(CountPolicy policy);
    static bool sameFilter(const SongFilter &a, const SongFilter &b);
    void requestBlock(int block) const;
    void pump();
    void startBlock(int block);
    void blockArrived(int block, const SongPage &page, PageAnchor anchor);
    void failed(const QString &message);
    void evict();
    void setRowCountTo(qint64 rows);
    int blockCount() const;

    std::shared_ptr<SongService> m_service;
    SongSort m_sort = SongSort::Id;
    bool m_descending = false;
    SongFilter m_filter;
    int m_blockSize = SongBrowser::kViewBlockRows; // the rows new connections warm up
    int m_maxBlocks = 50;
    int m_maxInFlight = 2;
    int m_rows = 0;
    SongCount m_count;
    bool m_countPending = false;
    mutable quint64 m_useClock = 0;
    mutable QHash<int, Block> m_blocks;
    mutable QList<int> m_queue; // wanted blocks, newest last (served first)
    // Cancelled when the query changes: their outcome then arrives as cancelled and is dropped.
    QHash<int, QFuture<SongPage>> m_inFlight;
    QFuture<SongCount> m_countFuture;
    LoadStats m_stats;
    QString m_lastError;
};

} // namespace melodee
