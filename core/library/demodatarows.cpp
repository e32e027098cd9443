#include "demodatarows.h"

#include "namenormalizer.h"

#include <QString>

#include <iterator>

namespace melodee::demodata {

namespace {

// Word lists for names; a few carry diacritics so normalisation and accent-insensitive search
// have something to do.
const char *const kFirst[]
    = {"Ada",   "Björn",  "Chloé", "Dmitri", "Elena",  "Félix",  "Grace", "Hugo",  "Inès",
       "José",  "Kai",    "Lena",  "Måns",   "Nina",   "Ólafur", "Priya", "Quinn", "Renée",
       "Sven",  "Tomás",  "Uma",   "Viktor", "Wren",   "Xenia",  "Yusuf", "Zoë",   "Amara",
       "Bruno", "Celine", "Diego", "Emil",   "Fatima", "Gustav", "Hana",  "Ivan"};
const char *const kLast[]
    = {"Andersson",  "Brown",  "Castillo", "Dubois", "Eriksen", "Fischer",  "García",  "Hansen",
       "Ibáñez",     "Jensen", "Kowalski", "López",  "Müller",  "Nakamura", "O'Brien", "Petrov",
       "Quintero",   "Rossi",  "Schäfer",  "Tanaka", "Ulloa",   "Varga",    "Weber",   "Young",
       "Zimmermann", "Novák",  "Silva",    "Costa",  "Kim",     "Singh"};
const char *const kAdjective[]
    = {"Electric", "Silent", "Golden",  "Broken",  "Midnight", "Crimson",  "Velvet",  "Neon",
       "Hollow",   "Wild",   "Frozen",  "Burning", "Distant",  "Lonely",   "Radiant", "Fading",
       "Endless",  "Savage", "Gentle",  "Hidden",  "Sacred",   "Restless", "Liquid",  "Northern",
       "Southern", "Blue",   "Scarlet", "Paper",   "Iron",     "Crystal",  "Lucky",   "Sleepless",
       "Café",     "Über",   "Naïve",   "Sunny",   "Shadow",   "Cosmic",   "Quiet",   "Fearless"};
const char *const kNoun[]
    = {"Heart",  "River",    "Dream",   "Fire",    "Night",     "Ocean",   "Road",    "Star",
       "Shadow", "Light",    "Rain",    "Storm",   "Garden",    "City",    "Mirror",  "Signal",
       "Echo",   "Horizon",  "Machine", "Summer",  "Winter",    "Ghost",   "Kingdom", "Letter",
       "Memory", "Diamond",  "Thunder", "Highway", "Satellite", "Harbor",  "Desert",  "Forest",
       "Island", "Engine",   "Anthem",  "Wolf",    "Canyon",    "Lantern", "Orbit",   "Fiesta",
       "Crème",  "Señorita", "Façade",  "Smile",   "Wave",      "Tide",    "Flame",   "Moon"};
const char *const kVerb[] = {"Running",
                             "Falling",
                             "Dancing",
                             "Waiting",
                             "Calling",
                             "Chasing",
                             "Burning",
                             "Holding",
                             "Turning",
                             "Breaking",
                             "Singing",
                             "Drifting",
                             "Flying",
                             "Fading",
                             "Rising",
                             "Shining",
                             "Dreaming",
                             "Leaving"};
const char *const kGlue[] = {"of", "in", "and", "on", "for", "from", "under", "without"};
const char *const kSuffix[] = {"(Remix)",
                               "(Live)",
                               "(Acoustic)",
                               "(Radio Edit)",
                               "Pt. II",
                               "(Demo)",
                               "(Remastered)",
                               "(Extended Mix)"};
const int kBitRates[] = {128, 192, 256, 320, 320, 320, 1411};

} // namespace

Name makeName(const std::string &text)
{
    return {text, normalizeName(QString::fromStdString(text)).toStdString()};
}

std::string artistName(Random &r)
{
    switch (r.below(5)) {
    case 0:
        return std::string("The ") + r.pick(kAdjective) + ' ' + r.pick(kNoun) + 's';
    case 1:
    case 2:
        return std::string(r.pick(kFirst)) + ' ' + r.pick(kLast);
    case 3:
        return std::string(r.pick(kAdjective)) + ' ' + r.pick(kNoun);
    default:
        return std::string(r.pick(kNoun)) + ' ' + r.pick(kGlue) + ' ' + r.pick(kNoun);
    }
}

std::string albumName(Random &r)
{
    switch (r.below(4)) {
    case 0:
        return std::string(r.pick(kAdjective)) + ' ' + r.pick(kNoun);
    case 1:
        return std::string(r.pick(kNoun)) + ' ' + r.pick(kGlue) + " the " + r.pick(kNoun);
    case 2:
        return std::string(r.pick(kVerb)) + ' ' + r.pick(kNoun) + 's';
    default:
        return std::string(r.pick(kAdjective)) + ' ' + r.pick(kAdjective) + ' ' + r.pick(kNoun);
    }
}

std::string songName(Random &r)
{
    std::string s;
    switch (r.below(6)) {
    case 0:
        s = r.pick(kNoun);
        break;
    case 1:
        s = std::string(r.pick(kAdjective)) + ' ' + r.pick(kNoun);
        break;
    case 2:
        s = std::string(r.pick(kVerb)) + ' ' + r.pick(kGlue) + " the " + r.pick(kNoun);
        break;
    case 3:
        s = std::string(r.pick(kNoun)) + ' ' + r.pick(kGlue) + ' ' + r.pick(kAdjective) + ' '
            + r.pick(kNoun) + 's';
        break;
    case 4:
        s = std::string(r.pick(kVerb)) + ' ' + r.pick(kAdjective);
        break;
    default:
        s = std::string(r.pick(kAdjective)) + ' ' + r.pick(kNoun) + ' ' + r.pick(kVerb);
        break;
    }
    if (r.below(10) == 0)
        s += std::string(" ") + r.pick(kSuffix);
    return s;
}

int pickBitRate(Random &r)
{
    return kBitRates[r.below(std::size(kBitRates))];
}

qint64 songDurationMs(quint64 seed, qint64 song)
{
    Random r(seed, DurationStream, quint64(song));
    return 90000 + qint64(r.below(330000));
}

} // namespace melodee::demodata
