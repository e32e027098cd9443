// libFuzzer target for the keyset paging cursors (`melodee songs list --after/--before TOKEN`).
// First byte even: the rest is a token as a user pastes it; SongCursor::decode must throw
// std::invalid_argument or give a cursor whose encoding decodes to the same cursor.
// First byte odd: a cursor built from the bytes (sort, key values, name); its token must be
// URL-safe and decode to exactly that cursor.
#include "fuzzcheck.h"

#include <library/songquery.h>

#include <fuzzer/FuzzedDataProvider.h>

#include <QRegularExpression>

#include <stdexcept>

using namespace melodee;
using namespace melodee::fuzz;

namespace {

// Only the key parts of the cursor's sort travel in the token.
SongKey relevant(SongSort sort, const SongKey &key)
{
    SongKey k;
    k.id = key.id;
    if (sort == SongSort::Name || sort == SongSort::Artist)
        k.nameNormalized = key.nameNormalized;
    if (sort == SongSort::Artist)
        k.artistId = key.artistId;
    if (sort == SongSort::Created)
        k.createdAtUs = key.createdAtUs;
    return k;
}

bool same(const SongCursor &a, const SongCursor &b)
{
    const SongKey ka = relevant(a.sort, a.key);
    const SongKey kb = relevant(b.sort, b.key);
    return a.sort == b.sort && ka.id == kb.id && ka.nameNormalized == kb.nameNormalized
           && ka.artistId == kb.artistId && ka.createdAtUs == kb.createdAtUs;
}

QString describe(const SongCursor &c)
{
    return QStringLiteral("%1 id=%2 artist=%3 created=%4 name=%5")
        .arg(songSortName(c.sort))
        .arg(c.key.id)
        .arg(c.key.artistId)
        .arg(c.key.createdAtUs)
        .arg(c.key.nameNormalized.left(80));
}

// encode() is what the CLI prints and the GUI keeps: it must decode to the same position.
void roundTrip(const SongCursor &c)
{
    static const QRegularExpression safe(
        QStringLiteral("^(id|name|artist|created):[A-Za-z0-9_-]*$"));
    const QString token = c.encode();
    check(safe.match(token).hasMatch(), "cursor token is not URL-safe", token.left(200));
    SongCursor back;
    try {
        back = SongCursor::decode(token);
    } catch (const std::invalid_argument &e) {
        broken("an encoded cursor does not decode", describe(c) + QStringLiteral(": ") + e.what());
    }
    check(same(c, back), "cursor changed in a round trip", describe(c) + " -> " + describe(back));
    check(back.encode() == token, "re-encoding a decoded cursor changed the token", token);
}

void decodeToken(const QString &token)
{
    SongCursor c;
    try {
        c = SongCursor::decode(token);
    } catch (const std::invalid_argument &e) {
        // The message names the bad token (cut) and never is empty.
        check(QString::fromUtf8(e.what()).startsWith(QLatin1String("invalid cursor \"")),
              "decode error does not say what is wrong",
              QString::fromUtf8(e.what()));
        return;
    }
    roundTrip(c);
}

void buildCursor(FuzzedDataProvider &in)
{
    SongCursor c;
    c.sort
        = in.PickValueInArray({SongSort::Id, SongSort::Name, SongSort::Artist, SongSort::Created});
    c.key.id = in.ConsumeIntegral<qint64>();
    // Artist ids travel as JSON numbers, exact within +-2^53 (bigserial ids stay far below).
    c.key.artistId = in.ConsumeIntegralInRange<qint64>(-(qint64(1) << 53), qint64(1) << 53);
    c.key.createdAtUs = in.ConsumeIntegral<qint64>();
    // Names come from PostgreSQL text, so they are valid UTF-8: any bytes decoded as UTF-8.
    c.key.nameNormalized = utf8(in.ConsumeRemainingBytesAsString());
    roundTrip(c);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] % 2 == 0) {
        decodeToken(utf8(data + 1, size - 1));
    } else {
        FuzzedDataProvider in(data + 1, size - 1);
        buildCursor(in);
    }
    return 0;
}
