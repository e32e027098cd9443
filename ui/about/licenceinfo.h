#pragma once

#include <QList>
#include <QString>

namespace melodee {

// One third-party component that ships with (or is required by) Melodee Admin.
struct ComponentLicence
{
    QString component;
    QString licence; // SPDX-style identifier
    QString url;     // where its source and full licence text live
};

// What ships, in the order the About dialog lists it. THIRD-PARTY-NOTICES holds the details.
QList<ComponentLicence> shippedComponentLicences();

} // namespace melodee
