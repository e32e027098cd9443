#pragma once

// tst_PartitionsView: the view's actions and controls are in tst_partitionsview.cpp; a preview and
// a drift report following the partition list as other sessions change it are in
// tst_partitionsview_list.cpp.
#include "testenv.h"

#include <db/pgconnection.h>
#include <i18n/translator.h>
#include <migrate/migrationengine.h>
#include <models/logfiltermodel.h>
#include <models/logmodel.h>
#include <partitions/partitionmaintenance.h>
#include <session/connectionsession.h>
#include <util/logging.h>
#include <views/logdock.h>
#include <views/migrationsview.h>
#include <views/partitionsdriftpanel.h>
#include <views/partitionsview.h>
#include <widgets/errorbanner.h>
#include <widgets/partitiontimeline.h>
#include <widgets/sqleditor.h>

#include <QCheckBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

using namespace melodee;
using melodee::test::TestEnv;

// Drives the Partitions view against a migrated database: the default partition's rows are
// flagged, moved out with a preview first and no row lost, partitions are created through a
// chosen month, a running apply is cancelled without changing anything, every step reaches the
// log dock, and the view's controls behave (idle progress hidden, zoom direction, a long preview
// never widening the window).
class tst_PartitionsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void flagsDefaultRows();
    void idleProgressIsHidden();
    void zoomSliderRightZoomsIn_data();
    void zoomSliderRightZoomsIn();
    void moveRowsOutOfDefault();
    void createThrough();
    void createThroughRejects_data();
    void createThroughRejects();
    void longPreviewKeepsWindowWidth();
    void cancelKeepsBatchesAndResumes();
    void checkShowsDrift();
    void retentionHorizon();
    void refreshViews();
    void planAndCheckFollowTheList_data();
    void planAndCheckFollowTheList();
    void screenshots();

private:
    qint64 count(const QString &sql) const;
    bool reloadView();
    int songsLane() const;

    ConnectionSession *m_session = nullptr;
    PartitionsView *m_view = nullptr;
    LogDock *m_logDock = nullptr;
    DatabaseConfig m_db;
    AppConfig m_config;
};
