#pragma once

#include "config/appconfig.h"
#include "schemalayout.h"
#include "songquery.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>
#include <optional>

namespace melodee {

class PgConnection;

// The keyset browser over the songs table: pages read by key in one of four indexed orders, and
// jumps to a fraction of the order (from the planner's histogram), to a month or to a song.
// Never OFFSET: every page is an index range scan whatever its depth. Every method runs on the
// PgConnection it is given, so callers pick the thread and connection (SongService runs them on
// the pool). Throws DbError on failure and std::invalid_argument on bad input, naming the value.
class SongBrowser
{
public:
    // layout: whose tables to read (ours, or melodee-next's tracks).
    explicit SongBrowser(const SessionConfig &session, SchemaLayout layout = SchemaLayout::Melodee);

    const SessionConfig &session() const { return m_session; }
    QString songsTable() const { return m_songs; }

    // Keyset paging: one index range scan per page whatever its depth.
    SongPage page(PgConnection &conn, const PageRequest &request) const;

    // The rows of a page the Songs view asks for unless the admin changes it.
    static constexpr int kDefaultPageRows = 50;
    // The rows the Songs view's table reads at a time (one block of its model).
    static constexpr int kViewBlockRows = 200;
    // Plans, on a new connection, what its first song pages will need, so those pages only
    // execute. A new backend knows nothing of the partitions: the first statement planned over the
    // partitioned songs table opens every partition and its indexes, which costs it several times
    // more than the page itself (over 100 partitions, tens of milliseconds), and each further
    // shape costs a few milliseconds more to plan once (about 7 ms at 10M songs in 25 months).
    // This runs the first page of every sort (on melodee-next's tracks, of the id order only: the
    // others are not index-backed there), ascending, at `rows` rows (the Songs view passes
    // the rows its table reads at a time), then what a jump in id order (the view's first order)
    // reads: the histogram, a page at a key and the pages after and before it; their generic
    // plans stay cached. Other sorts plan their jumps on first use: warming every shape of every
    // sort moved the Songs view's first rows 150 ms later at 10M, since the first connection's
    // warm-up runs before them. Does nothing without prepared statements (behind a transaction
    // pooler nothing would stay cached). Returns the id order's first page (empty when it did
    // nothing), for warm-ups that go on to look up one song. Throws DbError, as page() does.
    SongPage warmUp(PgConnection &conn, int rows = kDefaultPageRows) const;
    // Jumps. fraction in [0,1] is turned into a key from the planner's histogram (pg_stats) or,
    // without statistics, from the key's min/max; the page starts at that key.
    // descending: the fraction is of the descending order and so is the page.
    SongPage pageAtFraction(PgConnection &conn,
                            SongSort sort,
                            const SongFilter &filter,
                            double fraction,
                            int limit,
                            bool descending = false) const;
    SongPage
    pageAtMonth(PgConnection &conn, int year, int month, const SongFilter &filter, int limit) const;
    // The page in `sort` order that starts with song `id`. In id order a missing id starts the page
    // at the next one; in other orders a missing id is a not-found DbError.
    SongPage pageAtSong(
        PgConnection &conn, SongSort sort, qint64 id, const SongFilter &filter, int limit) const;
    // Where a key lies in the sort, 0..1, from the histogram: the scrollbar position.
    // std::nullopt when there are no statistics and no rows to interpolate over.
    std::optional<double>
    estimateFraction(PgConnection &conn, SongSort sort, const SongKey &key) const;
    std::optional<SongKey> keyAtFraction(PgConnection &conn,
                                         SongSort sort,
                                         const SongFilter &filter,
                                         double fraction) const;

    // The SQL a page request runs and its parameters (for EXPLAIN in tests and the bench).
    QByteArray pageSql(const PageRequest &request, QList<QByteArray> *params) const;
    // Whether page() runs that SQL on a cached generic plan (keyset shapes on prepared
    // statements) or plans it for its parameters (searches, or no prepared statements).
    static bool pageUsesGenericPlan(const PgConnection &conn, const PageRequest &request);
    // The statement keyAtFraction() reads the planner's histogram with (its first step).
    QByteArray histogramSql(SongSort sort, QList<QByteArray> *params) const;
    // How long the planner's histogram of a sort column, read by jumps and scrollbar positions,
    // is reused before it is read again. It changes only when the table is analysed; reading it
    // costs a catalog query per jump (and its planning on every new connection). Default 60 s;
    // zero reads it every time. Copies of a browser share what it has read.
    void setHistogramLifetime(std::chrono::milliseconds lifetime);
    static constexpr std::chrono::milliseconds kDefaultHistogramLifetime{60000};

    // The request pageAtFraction() runs first (it re-reads the last page if the key left less
    // than a page).
    PageRequest fractionRequest(PgConnection &conn,
                                SongSort sort,
                                const SongFilter &filter,
                                double fraction,
                                int limit,
                                bool descending = false) const;

private:
    struct Histograms;
    QStringList histogram(PgConnection &conn, SongSort sort) const;

    SessionConfig m_session;
    SchemaLayout m_layout;
    QString m_songs;
    const char *m_columns; // the Song columns of the layout
    std::shared_ptr<Histograms> m_histograms;
};

} // namespace melodee
