#pragma once

// tst_MainWindow: the window, its views, menus, status bar and settings are in
// tst_mainwindow.cpp; the sentence-case walk over every visible text is in
// tst_mainwindow_texts.cpp.
#include <about/aboutdialog.h>
#include <charts/timeserieschart.h>
#include <config/profilestore.h>
#include <dialogs/connectionprofilesdialog.h>
#include <models/activitymodel.h>
#include <models/logmodel.h>
#include <models/songtablemodel.h>
#include <session/connectionsession.h>
#include <util/logging.h>
#include <views/activitypanel.h>
#include <views/conversiondialog.h>
#include <views/dashboardview.h>
#include <views/logdock.h>
#include <views/mainwindow.h>
#include <views/songsview.h>
#include <views/viewpage.h>

#include <melodee/version.h>
#include <testenv.h>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <thread>

using namespace melodee;
using namespace melodee::test;

class tst_MainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void opensWithFourViews();
    void shortcuts_data();
    void shortcuts();
    void startupView_data();
    void startupView();
    void restoresGeometryAndLastView();
    void healthInStatusBar_data();
    void healthInStatusBar();
    void schemaInStatusBar_data();
    void schemaInStatusBar();
    void songsOnMelodeeNext();
    void passwordNeverInSettings();
    void logDockGetsLinesFromWorkers();
    void dashboardAtTheSmallestSize();
    void profilesDialogConnects();
    void profilesDialogOpensOnTheLastConnection_data();
    void profilesDialogOpensOnTheLastConnection();
    void about();
    void navigationHasIcons();
    void splittersRememberedPerView_data();
    void splittersRememberedPerView();
    void sentenceCaseRule_data();
    void sentenceCaseRule();
    void visibleTextsUseSentenceCase();

private:
    QString settingsText() const;
    QTemporaryDir m_dir;
};
