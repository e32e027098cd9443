#include "tst_partitionsview.h"

qint64 tst_PartitionsView::count(const QString &sql) const
{
    return TestEnv::psql(sql, m_db.dbname).trimmed().toLongLong();
}

bool tst_PartitionsView::reloadView()
{
    QSignalSpy loaded(m_view, &PartitionsView::loaded);
    m_view->reload();
    return loaded.wait(60000) && loaded.first().first().toBool();
}

int tst_PartitionsView::songsLane() const
{
    for (int i = 0; i < m_view->tables().size(); ++i) {
        if (m_view->tables()[i].table == QLatin1String("melodee_songs"))
            return i;
    }
    return -1;
}

void tst_PartitionsView::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    // As melodee-admin does at start: English plurals in labels, logs and the docs screenshots.
    QVERIFY(Translator::install(qApp, QLocale(QLocale::English)));
    // As melodee-admin does: info lines of every melodee.* category reach the log dock.
    setupLogging(LogLevel::Info);
    m_logDock = new LogDock;
    m_logDock->captureApplicationLog();
    m_db = TestEnv::freshDatabase(QStringLiteral("partview"));
    TestEnv::migrate(m_db);
    // Three songs this month, one far in the future: the future one lands in the default.
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                       "SELECT 'song ' || g, 'song ' || g, now() FROM generate_series(1, 3) g;"
                       "INSERT INTO melodee_songs (name, name_normalized, created_at) "
                       "VALUES ('future', 'future', '2031-03-15 12:00:00+00');"),
        m_db.dbname);
    m_config.database = m_db;
    m_session = new ConnectionSession(this);
    m_session->connectTo(m_config);
    m_view = new PartitionsView(m_session);
    m_view->resize(1400, 900);
    m_view->show();
    QSignalSpy loaded(m_view, &PartitionsView::loaded);
    m_view->setActive(true);
    QVERIFY(loaded.wait(60000));
    QVERIFY(loaded.first().first().toBool());
}

void tst_PartitionsView::cleanupTestCase()
{
    delete m_view;
    delete m_logDock;
}

void tst_PartitionsView::flagsDefaultRows()
{
    const int lane = songsLane();
    QVERIFY(lane >= 0);
    QCOMPARE(m_view->tables()[lane].defaultRows, 1);
    PartitionTimeline *t = m_view->timeline();
    const PartitionTimeline::Hit hit = t->hitTest(t->defaultRect(lane).center());
    QCOMPARE(hit.kind, PartitionTimeline::Hit::Default);
    const QString tip = t->toolTipText(hit);
    QVERIFY2(tip.contains(QLatin1String("1 rows")) && tip.contains(QLatin1String("Move rows")),
             qPrintable(tip));
}

void tst_PartitionsView::idleProgressIsHidden()
{
    // Nothing runs: no progress bar pretends otherwise.
    QVERIFY(!m_view->isBusy());
    QVERIFY(!m_view->progressBar()->isVisible());
    QVERIFY(!m_view->cancelButton()->isEnabled());
    QSignalSpy loaded(m_view, &PartitionsView::loaded);
    m_view->reload();
    QVERIFY(m_view->progressBar()->isVisible());
    QVERIFY(loaded.wait(60000));
    QVERIFY(!m_view->progressBar()->isVisible());
}

void tst_PartitionsView::zoomSliderRightZoomsIn_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<int>("change"); // in years shown
    QTest::newRow("right arrow") << int(Qt::Key_Right) << -1;
    QTest::newRow("left arrow") << int(Qt::Key_Left) << 1;
}

void tst_PartitionsView::zoomSliderRightZoomsIn()
{
    QFETCH(int, key);
    QFETCH(int, change);
    QSlider *zoom = m_view->zoomSlider();
    PartitionTimeline *t = m_view->timeline();
    t->setVisibleYears(5);
    QCOMPARE(zoom->value(), 5);
    QTest::keyClick(zoom, Qt::Key(key));
    QCOMPARE(t->visibleYears(), 5 + change);

    // Where the handle is drawn: one year (zoomed in) is right of ten years (zoomed out).
    const auto handleX = [zoom] {
        QStyleOptionSlider opt;
        opt.initFrom(zoom);
        opt.orientation = zoom->orientation();
        opt.minimum = zoom->minimum();
        opt.maximum = zoom->maximum();
        opt.sliderPosition = zoom->sliderPosition();
        opt.sliderValue = zoom->value();
        opt.upsideDown = zoom->invertedAppearance();
        return zoom->style()
            ->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderHandle, zoom)
            .center()
            .x();
    };
    t->setVisibleYears(1);
    const int zoomedIn = handleX();
    t->setVisibleYears(10);
    const int zoomedOut = handleX();
    QVERIFY2(zoomedIn > zoomedOut,
             qPrintable(QStringLiteral("%1 %2").arg(zoomedIn).arg(zoomedOut)));
    t->setVisibleYears(2);
}

void tst_PartitionsView::moveRowsOutOfDefault()
{
    const qint64 before = count(QStringLiteral("SELECT count(*) FROM melodee_songs"));
    QCOMPARE(before, 4);
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewMoveDefault();
    QVERIFY(preview.wait(60000));
    QVERIFY(preview.first().first().toBool());
    QCOMPARE(m_view->pendingAction(), PartitionsView::Action::MoveDefault);
    const QString sql = m_view->previewText();
    QVERIFY2(sql.contains(QLatin1String("melodee_songs_2031_03")), qPrintable(sql));
    // Next to a non-empty default partition: batches, then ATTACH without a scan.
    QVERIFY2(sql.contains(QLatin1String("WITH moved AS (DELETE FROM melodee_songs_default")),
             qPrintable(sql));
    QVERIFY(sql.contains(QLatin1String("ATTACH PARTITION melodee_songs_2031_03")));
    // The preview changed nothing.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs_default")), 1);
    QVERIFY(m_view->applyButton()->isEnabled());

    QSignalSpy applied(m_view, &PartitionsView::applied);
    QTest::mouseClick(m_view->applyButton(), Qt::LeftButton);
    QVERIFY(m_view->isBusy());
    QVERIFY(m_view->progressBar()->isVisible());
    QVERIFY(applied.wait(120000));
    QVERIFY2(applied.first().first().toBool(), qPrintable(m_view->banner()->details()));
    QVERIFY(!m_view->progressBar()->isVisible());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs")), before);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs_default")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs_2031_03")), 1);
    QVERIFY(m_view->logText().contains(QLatin1String("moved 1 row out of the default partition")));
    QVERIFY2(m_view->logText().contains(QLatin1String("(batch 1)")), qPrintable(m_view->logText()));
    // The same steps in the application's log dock, on melodee.partitions at info.
    QStringList dockLines;
    const LogFilterModel *shown = m_logDock->filterModel();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            dockLines.clear();
            for (int row = 0; row < shown->rowCount(); ++row) {
                const QString category
                    = shown->index(row, LogModel::CategoryColumn).data().toString();
                if (category == QLatin1String("melodee.partitions"))
                    dockLines << shown->index(row, LogModel::MessageColumn).data().toString();
            }
            return dockLines.join(QLatin1Char('\n'))
                .contains(QLatin1String("created melodee_songs_2031_03"));
        }(),
        30000);
    QVERIFY2(dockLines.join(QLatin1Char('\n'))
                 .contains(QLatin1String("moved 1 row out of the default partition")),
             qPrintable(dockLines.join(QLatin1Char('\n'))));
    QCOMPARE(m_view->tables()[songsLane()].defaultRows, 0);
    QCOMPARE(m_view->pendingAction(), PartitionsView::Action::None);
}

void tst_PartitionsView::createThrough()
{
    const Month current = Month::fromDate(QDateTime::currentDateTimeUtc().date());
    const Month target = current.addMonths(14);
    const QString name = monthPartitionName(QStringLiteral("melodee_albums"), target);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = '%1'").arg(name)),
             0);
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewCreateThrough(target);
    QVERIFY(preview.wait(60000));
    QVERIFY(m_view->previewText().contains(name));
    QSignalSpy applied(m_view, &PartitionsView::applied);
    m_view->applyPreview();
    QVERIFY(applied.wait(120000));
    QVERIFY2(applied.first().first().toBool(), qPrintable(m_view->banner()->details()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = '%1'").arg(name)),
             1);
    for (const PartitionedTableInfo &t : m_view->tables())
        QVERIFY2(t.monthsAhead >= 14, qPrintable(t.table));
    // Nothing left to do through that month.
    QSignalSpy again(m_view, &PartitionsView::previewReady);
    m_view->previewCreateThrough(target);
    QVERIFY(again.wait(60000));
    QCOMPARE(m_view->pendingAction(), PartitionsView::Action::None);
}

void tst_PartitionsView::createThroughRejects_data()
{
    QTest::addColumn<int>("offset");
    QTest::addColumn<QString>("reason");
    QTest::newRow("last month") << -1 << "is in the past";
    QTest::newRow("two years ago") << -24 << "is in the past";
    // Through 240 months is one too many: the window counts the current month.
    QTest::newRow("20 years ahead") << 240 << "241 months per table, more than 240";
    QTest::newRow("year 9999") << (9999 * 12 + 11) - Month::fromDate(QDate::currentDate()).index()
                               << "more than 240";
}

void tst_PartitionsView::createThroughRejects()
{
    QFETCH(int, offset);
    QFETCH(QString, reason);
    const Month m = Month::fromDate(QDateTime::currentDateTimeUtc().date()).addMonths(offset);
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewCreateThrough(m);
    // Refused at once, before anything talks to the server.
    QCOMPARE(preview.count(), 1);
    QVERIFY(!preview.first().first().toBool());
    QVERIFY(!m_view->isBusy());
    QVERIFY(m_view->banner()->isError());
    QVERIFY2(m_view->banner()->message().contains(reason), qPrintable(m_view->banner()->message()));
}

void tst_PartitionsView::longPreviewKeepsWindowWidth()
{
    // A preview whose summary is wider than the window must wrap, not widen the window. The
    // window is as narrow as the view allows, so any text wider than that would push it.
    PartitionsView view(m_session);
    view.resize(1200, 800);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy loaded(&view, &PartitionsView::loaded);
    view.setActive(true);
    QVERIFY(loaded.wait(60000));
    const int narrow = qMin(1200, view.minimumSizeHint().width());
    view.resize(narrow, 800);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QCOMPARE(view.width(), narrow);
    const Month current = Month::fromDate(QDateTime::currentDateTimeUtc().date());
    QSignalSpy preview(&view, &PartitionsView::previewReady);
    view.previewCreateThrough(current.addMonths(200));
    QVERIFY(preview.wait(60000));
    QVERIFY2(preview.first().first().toBool(), qPrintable(view.banner()->message()));
    QFont bold = view.font();
    bold.setBold(true);
    const QString title = view.previewTitle();
    QVERIFY2(QFontMetrics(bold).horizontalAdvance(title) > narrow, qPrintable(title));
    // A layout request travels up one level per round; the view's own layout is the last.
    for (QWidget *w = view.findChild<QLabel *>(QStringLiteral("previewTitle")); w;
         w = w->parentWidget()) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    }
    QCOMPARE(view.width(), narrow);
    QVERIFY2(view.minimumSizeHint().width() <= narrow,
             qPrintable(QString::number(view.minimumSizeHint().width())));
    // Wrapped, it is as high as its lines, also in the lowest window: none of them is cut.
    view.resize(narrow, 640);
    const QLabel *label = view.findChild<QLabel *>(QStringLiteral("previewTitle"));
    QVERIFY(label->heightForWidth(label->width()) > QFontMetrics(bold).height() * 2);
    QTRY_VERIFY2(label->height() >= label->heightForWidth(label->width()),
                 qPrintable(QStringLiteral("%1 < %2")
                                .arg(label->height())
                                .arg(label->heightForWidth(label->width()))));
    view.discardPreview();
}

void tst_PartitionsView::cancelKeepsBatchesAndResumes()
{
    // A stray row, and another session reading the default partition: the batch moves the row,
    // then the helper constraint waits for the reader's lock, and Cancel stops it there.
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "VALUES ('late', 'late', '2033-02-10 00:00:00+00')"),
                  m_db.dbname);
    QVERIFY(reloadView());
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewMoveDefault();
    QVERIFY(preview.wait(60000));
    QCOMPARE(m_view->pendingAction(), PartitionsView::Action::MoveDefault);
    auto holder = PgConnection::open(m_db);
    holder->exec("BEGIN");
    holder->exec("LOCK TABLE melodee_songs_default IN ACCESS SHARE MODE");

    QSignalSpy applied(m_view, &PartitionsView::applied);
    m_view->applyPreview();
    // The log holds earlier tests' lines too: this month's first batch.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_view->logText().contains(QLatin1String("into melodee_songs_2033_02 (batch 1)")), 30000);
    // The bar counts rows.
    QCOMPARE(m_view->progressBar()->maximum(), 1000);
    QVERIFY2(m_view->progressBar()->format().contains(QLatin1String("1 of 1 rows")),
             qPrintable(m_view->progressBar()->format()));
    QVERIFY(m_view->cancelButton()->isEnabled());
    QTest::mouseClick(m_view->cancelButton(), Qt::LeftButton);
    QVERIFY(applied.wait(60000));
    QVERIFY(!applied.first().first().toBool());
    holder->exec("ROLLBACK");
    QVERIFY(!m_view->isBusy());
    QVERIFY(m_view->logText().contains(QLatin1String("cancelled")));
    QVERIFY2(!m_view->logText().contains(QLatin1String("retry 1/")), qPrintable(m_view->logText()));
    // The finished batch stays: the row is in the new month's table, not yet attached.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs_default")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs_2033_02")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = "
                                  "'melodee_songs_2033_02' AND NOT relispartition")),
             1);

    // A new preview resumes, and the apply attaches it.
    QSignalSpy again(m_view, &PartitionsView::previewReady);
    m_view->previewMoveDefault();
    QVERIFY(again.wait(60000));
    QVERIFY2(m_view->previewText().contains(QLatin1String("resumed")),
             qPrintable(m_view->previewText()));
    QSignalSpy done(m_view, &PartitionsView::applied);
    m_view->applyPreview();
    QVERIFY(done.wait(120000));
    QVERIFY2(done.first().first().toBool(), qPrintable(m_view->banner()->details()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs WHERE name = 'late'")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = "
                                  "'melodee_songs_2033_02' AND relispartition")),
             1);
}

void tst_PartitionsView::checkShowsDrift()
{
    TestEnv::psql(QStringLiteral("ALTER TABLE melodee_songs_2031_03 SET (fillfactor = 70)"),
                  m_db.dbname);
    QSignalSpy checked(m_view, &PartitionsView::checked);
    QTest::mouseClick(m_view->checkButton(), Qt::LeftButton);
    QVERIFY(m_view->progressBar()->isVisible());
    QVERIFY(checked.wait(60000));
    QVERIFY(checked.first().first().toBool());
    QVERIFY(!m_view->progressBar()->isVisible());
    QCOMPARE(m_view->sideTabs()->currentWidget(), m_view->driftPanel());
    const QTreeWidget *tree = m_view->driftPanel()->tree();
    const auto rows = tree->findItems(QStringLiteral("melodee_songs_2031_03"), Qt::MatchExactly);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first()->text(PartitionsDriftPanel::StatusColumn), QStringLiteral("drift"));
    QVERIFY(rows.first()->child(0)->text(0).contains(QLatin1String("fillfactor=70")));
    QVERIFY(m_view->driftPanel()->summaryText().contains(QLatin1String("1 drifted")));
    // The timeline marks it and says why.
    const QStringList findings
        = m_view->timeline()->driftFindings().value(QStringLiteral("melodee_songs_2031_03"));
    QCOMPARE(findings.size(), 1);
    // The check is in the log dock too.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const LogFilterModel *shown = m_logDock->filterModel();
            for (int row = 0; row < shown->rowCount(); ++row) {
                if (shown->index(row, LogModel::MessageColumn)
                        .data()
                        .toString()
                        .contains(QLatin1String("partitions check: ")))
                    return true;
            }
            return false;
        }(),
        30000);
    TestEnv::psql(QStringLiteral("ALTER TABLE melodee_songs_2031_03 RESET (fillfactor)"),
                  m_db.dbname);
}

void tst_PartitionsView::retentionHorizon()
{
    PartitionTimeline *t = m_view->timeline();
    m_view->setRetentionMonths(3);
    QCOMPARE(t->retentionMonths(), 3);
    t->scrollToMonth(Month::fromDate(QDateTime::currentDateTimeUtc().date()).addMonths(-6));
    const QRect keep = t->markerLabelRect(PartitionTimeline::Marker::Retention);
    const QRect now = t->markerLabelRect(PartitionTimeline::Marker::Now);
    QVERIFY(!keep.isEmpty());
    QVERIFY(!keep.intersects(now));
    QVERIFY(keep.right() < now.left());
    m_view->setRetentionMonths(0);
    QCOMPARE(t->retentionMonths(), 0);
}

void tst_PartitionsView::refreshViews()
{
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewRefreshViews();
    QVERIFY(preview.wait(60000));
    QVERIFY(m_view->previewText().contains(
        QLatin1String("REFRESH MATERIALIZED VIEW CONCURRENTLY melodee_library_totals")));
    QSignalSpy applied(m_view, &PartitionsView::applied);
    m_view->applyPreview();
    QVERIFY(applied.wait(120000));
    QVERIFY2(applied.first().first().toBool(), qPrintable(m_view->banner()->details()));
    QVERIFY(m_view->logText().contains(QLatin1String("refreshed in")));
}

void tst_PartitionsView::screenshots()
{
    // docs/screenshots/*.png from a migrated demo database with rows spread over two years.
    const QString dir = qEnvironmentVariable("MELODEE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("set MELODEE_SCREENSHOT_DIR to write the screenshots");
    const DatabaseConfig demo = TestEnv::freshDatabase(QStringLiteral("demo"));
    TestEnv::migrate(demo);
    const Month current = Month::fromDate(QDateTime::currentDateTimeUtc().date());
    // History: partitions back 20 months (one dropped later, a gap), rows growing over time.
    AppConfig config;
    config.database = demo;
    {
        PartitionMaintenance maintenance(config);
        MaintenanceRequest request;
        request.from = current.addMonths(-20);
        maintenance.apply(maintenance.preview(request));
    }
    TestEnv::psql(
        QStringLiteral("DROP TABLE %1;")
            .arg(monthPartitionName(QStringLiteral("melodee_songs"), current.addMonths(-9))),
        demo.dbname);
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "SELECT 'song ' || g, 'song ' || g, "
                                 "  date_trunc('month', now()) - make_interval(months => (g % 21)) "
                                 "  + make_interval(days => (g % 27)) "
                                 "FROM generate_series(1, 60000) g "
                                 "WHERE (g % 21) <> 9 AND random() < 0.25 + (21 - g % 21) / 28.0;"
                                 "INSERT INTO melodee_albums (name, name_normalized, created_at) "
                                 "SELECT 'album ' || g, 'album ' || g, "
                                 "  date_trunc('month', now()) - make_interval(months => (g % 21)) "
                                 "FROM generate_series(1, 6000) g;"
                                 "INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "SELECT 'late ' || g, 'late ' || g, '2030-01-10 00:00:00+00' "
                                 "FROM generate_series(1, 120) g;"
                                 "ANALYZE melodee_songs; ANALYZE melodee_albums;"),
                  demo.dbname);

    ConnectionSession session;
    config.database = demo;
    session.connectTo(config);
    PartitionsView view(&session);
    view.resize(1366, 768);
    view.show();
    QSignalSpy loaded(&view, &PartitionsView::loaded);
    view.setActive(true);
    QVERIFY(loaded.wait(60000));
    QSignalSpy preview(&view, &PartitionsView::previewReady);
    view.previewMoveDefault();
    QVERIFY(preview.wait(60000));
    const auto *editor = view.findChild<SqlEditor *>();
    QVERIFY(editor);
    QTRY_VERIFY_WITH_TIMEOUT(!editor->isHighlighting(), 30000);
    // The preview's title has been laid out on its lines (the grab does not wait for that).
    const QLabel *title = view.findChild<QLabel *>(QStringLiteral("previewTitle"));
    QTRY_VERIFY(title->height() >= title->heightForWidth(title->width()));
    QDir().mkpath(dir);
    QVERIFY(view.grab().save(QDir(dir).filePath(QStringLiteral("partitions.png"))));

    // The drift panel: partitions that differ from the parent, marked on the
    // timeline, with a retention horizon of 12 months.
    TestEnv::psql(
        QStringLiteral("ALTER TABLE %1 SET (fillfactor = 70, autovacuum_enabled = false);"
                       "CREATE INDEX songs_manual_idx ON %2 (name);"
                       "DO $$ BEGIN CREATE ROLE melodee_report; EXCEPTION WHEN duplicate_object "
                       "THEN NULL; END $$; GRANT SELECT ON %3 TO melodee_report;")
            .arg(monthPartitionName(QStringLiteral("melodee_songs"), current.addMonths(-3)),
                 monthPartitionName(QStringLiteral("melodee_songs"), current.addMonths(-14)),
                 monthPartitionName(QStringLiteral("melodee_songs"), current.addMonths(-6))),
        demo.dbname);
    // Not in the statements above: VACUUM cannot run inside psql -c's transaction.
    TestEnv::psql(QStringLiteral("VACUUM ANALYZE melodee_songs"), demo.dbname);
    view.discardPreview();
    view.setRetentionMonths(12);
    QSignalSpy checked(&view, &PartitionsView::checked);
    view.checkDrift();
    QVERIFY(checked.wait(60000));
    QVERIFY(checked.first().first().toBool());
    QVERIFY2(view.driftPanel()->summaryText().contains(QLatin1String("3 drifted")),
             qPrintable(view.driftPanel()->summaryText()));
    QCoreApplication::sendPostedEvents();
    QVERIFY(view.grab().save(QDir(dir).filePath(QStringLiteral("partitions-check.png"))));

    // The migrations review screen of the same server: a fresh database with the plan pending,
    // the dry run shown and the reviewer filled in.
    const DatabaseConfig fresh = TestEnv::freshDatabase(QStringLiteral("review"));
    ConnectionSession reviewSession;
    AppConfig reviewConfig;
    reviewConfig.database = fresh;
    reviewSession.connectTo(reviewConfig);
    MigrationsView mview(&reviewSession);
    mview.resize(1366, 768);
    mview.show();
    QSignalSpy refreshed(&mview, &MigrationsView::refreshed);
    mview.setActive(true);
    QVERIFY(refreshed.wait(60000));
    QSignalSpy dry(&mview, &MigrationsView::dryRunFinished);
    mview.dryRun();
    QVERIFY(dry.wait(60000));
    mview.reviewedCheck()->setChecked(true);
    mview.reviewerEdit()->setText(QStringLiteral("Ana Reviewer"));
    QCoreApplication::sendPostedEvents();
    QVERIFY(mview.grab().save(QDir(dir).filePath(QStringLiteral("migrations.png"))));
}

QTEST_MAIN(tst_PartitionsView)
