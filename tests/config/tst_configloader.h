#pragma once

// tst_ConfigLoader: every key, layer and bad value of the configuration loader. The pooling and
// replica keys' tests are in tst_configloader_pooling.cpp.
#include <config/configloader.h>
#include <config/configsources.h>
#include <util/redactor.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace std::chrono_literals;

class tst_ConfigLoader : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void everyKey_data();
    void everyKey();
    void badValues_data();
    void badValues();
    void yamlFile();
    void malformedYaml_data();
    void malformedYaml();
    void unreadableFile();
    void unknownKeysWarn();
    void precedence();
    void environmentNames_data();
    void environmentNames();
    void idleClampedToOpen();
    void secretNeverEchoed();
    void tableNames_data();
    void tableNames();
    void passwordFiles_data();
    void passwordFiles();
    void poolingDefaults();
    void replicasFromYaml_data();
    void replicasFromYaml();
    void laterLayersReplaceTheReplicaList();
    void badReplicaListInYaml();
    void passwordsInDsnsAreSecrets();
};
