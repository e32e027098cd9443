#pragma once

#include "appconfig.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

// The key table ConfigLoader applies: one entry per "section.key", shared by the YAML file, the
// environment and --set. Internal to core/config.
namespace melodee::configkeys {

using Setter = std::function<void(AppConfig &, const QString &value, const QString &key)>;
// For keys that take a list: a YAML sequence arrives here item by item.
using ListSetter = std::function<void(AppConfig &, const QStringList &items, const QString &key)>;

struct KeySpec
{
    const char *key;
    Setter apply;
    bool secret = false;
    ListSetter applyList = {};
};

[[noreturn]] void reject(const QString &key, const QString &value, const QString &why);
Duration toDuration(const QString &key, const QString &value);
QString oneOf(const QString &key, const QString &value, const QStringList &allowed);

// database.pooler, direct_dsn, pooler_admin_dsn, replicas, max_replica_lag (poolingkeys.cpp).
QList<KeySpec> poolingKeySpecs();

} // namespace melodee::configkeys
