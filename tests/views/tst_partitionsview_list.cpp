#include "tst_partitionsview.h"

void tst_PartitionsView::planAndCheckFollowTheList_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<int>("through"); // months after the current one the preview creates
    // First, while nothing else has changed the list: the preview stays and Apply runs it.
    QTest::newRow("reload, nothing changed") << QString() << 16;
    QTest::newRow("partition created by another session") << QStringLiteral("create") << 17;
    QTest::newRow("partition dropped by another session") << QStringLiteral("drop") << 18;
    QTest::newRow("partition detached by another session") << QStringLiteral("detach") << 19;
    QTest::newRow("disconnect") << QStringLiteral("disconnect") << 20;
}

// The preview's Apply and the drift panel act on the partitions the view shows now: once a reload
// shows another list (another session created, dropped or detached a partition) or the
// connection goes, the preview is discarded and Apply does nothing, and the drift report no
// longer lists a partition that is gone. A reload that shows the same list keeps both, and Apply
// runs exactly the previewed statements.
void tst_PartitionsView::planAndCheckFollowTheList()
{
    QFETCH(QString, change);
    QFETCH(int, through);
    const Month current = Month::fromDate(QDateTime::currentDateTimeUtc().date());
    const auto exists = [this](const QString &relation) {
        return count(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = '%1'")
                         .arg(relation))
               == 1;
    };
    const auto attached = [this](const QString &relation) {
        return count(QStringLiteral("SELECT count(*) FROM pg_inherits WHERE inhrelid = "
                                    "to_regclass('%1')")
                         .arg(relation))
               == 1;
    };

    QSignalSpy checked(m_view, &PartitionsView::checked);
    m_view->checkDrift();
    QVERIFY(checked.wait(60000));
    QVERIFY(checked.first().first().toBool());
    QVERIFY(m_view->driftPanel()->tree()->topLevelItemCount() > 0);
    const QString target
        = monthPartitionName(QStringLiteral("melodee_songs"), current.addMonths(through));
    QSignalSpy preview(m_view, &PartitionsView::previewReady);
    m_view->previewCreateThrough(current.addMonths(through));
    QVERIFY(preview.wait(60000));
    QVERIFY2(preview.first().first().toBool(), qPrintable(m_view->banner()->message()));
    QCOMPARE(m_view->pendingAction(), PartitionsView::Action::CreateThrough);
    const QString sql = m_view->previewText();
    QVERIFY2(sql.contains(target), qPrintable(sql));
    QVERIFY(m_view->applyButton()->isEnabled());
    QVERIFY(!exists(target));

    // What another session does, each to a partition that the view shows and the check covered.
    QString gone;
    const QString created = monthPartitionName(QStringLiteral("melodee_songs"), Month(2040, 1));
    if (change == QLatin1String("create")) {
        TestEnv::psql(QStringLiteral("CREATE TABLE %1 PARTITION OF melodee_songs FOR VALUES FROM "
                                     "('2040-01-01 00:00:00+00') TO ('2040-02-01 00:00:00+00')")
                          .arg(created),
                      m_db.dbname);
    } else if (change == QLatin1String("drop")) {
        gone = monthPartitionName(QStringLiteral("melodee_songs"), current.addMonths(2));
        TestEnv::psql(QStringLiteral("DROP TABLE %1").arg(gone), m_db.dbname);
    } else if (change == QLatin1String("detach")) {
        gone = monthPartitionName(QStringLiteral("melodee_albums"), current.addMonths(3));
        TestEnv::psql(QStringLiteral("ALTER TABLE melodee_albums DETACH PARTITION %1").arg(gone),
                      m_db.dbname);
        QVERIFY(exists(gone));
    }
    if (!gone.isEmpty()) {
        QVERIFY(!m_view->driftPanel()->tree()->findItems(gone, Qt::MatchExactly).isEmpty());
        QVERIFY(!attached(gone));
    }
    if (change == QLatin1String("disconnect")) {
        m_session->disconnectFromServer();
        QTRY_VERIFY_WITH_TIMEOUT(!m_session->isConnected(), 30000);
    } else {
        QVERIFY(reloadView());
    }

    const QTreeWidget *tree = m_view->driftPanel()->tree();
    if (change.isEmpty()) {
        // The same list: the preview and the check stand, and Apply runs what the preview shows.
        QCOMPARE(m_view->pendingAction(), PartitionsView::Action::CreateThrough);
        QCOMPARE(m_view->previewText(), sql);
        QVERIFY(m_view->applyButton()->isEnabled());
        QVERIFY(tree->topLevelItemCount() > 0);
        QSignalSpy applied(m_view, &PartitionsView::applied);
        QTest::mouseClick(m_view->applyButton(), Qt::LeftButton);
        QVERIFY(applied.wait(120000));
        QVERIFY2(applied.first().first().toBool(), qPrintable(m_view->banner()->details()));
        QVERIFY(exists(target));
        QVERIFY(attached(target));
        return;
    }

    // Another list (or none): nothing planned on the old one can run.
    QCOMPARE(m_view->pendingAction(), PartitionsView::Action::None);
    QVERIFY(m_view->previewText().isEmpty());
    QVERIFY(!m_view->applyButton()->isEnabled());
    m_view->applyPreview();
    QVERIFY(!m_view->isBusy());
    QVERIFY(!exists(target));
    // The drift report lists only partitions the view shows now.
    QStringList shown;
    for (const PartitionedTableInfo &t : m_view->tables()) {
        for (const PartitionInfo &p : t.partitions)
            shown << p.name;
    }
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        const QString name = tree->topLevelItem(i)->text(PartitionsDriftPanel::PartitionColumn);
        QVERIFY2(shown.contains(name), qPrintable(name));
    }
    if (!gone.isEmpty()) {
        QVERIFY(!m_view->timeline()->driftFindings().contains(gone));
        for (const PartitionedTableInfo &t : m_view->tables()) {
            for (const PartitionInfo &p : t.partitions)
                QVERIFY2(p.name != gone, qPrintable(gone));
        }
    }
    if (change == QLatin1String("create")) {
        QVERIFY(shown.contains(created));
        QCOMPARE(tree->topLevelItemCount(), 0);
    }
    QVERIFY2(m_view->previewTitle().contains(QLatin1String("changed"))
                 || change == QLatin1String("disconnect"),
             qPrintable(m_view->previewTitle()));

    // Back to a connected view for the next row; the detached table goes with the test database.
    if (change == QLatin1String("disconnect")) {
        m_session->connectTo(m_config);
        QTRY_VERIFY_WITH_TIMEOUT(m_session->isConnected(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_view->isBusy(), 60000);
        QVERIFY(reloadView());
    }
    if (change == QLatin1String("detach"))
        TestEnv::psql(QStringLiteral("DROP TABLE %1").arg(gone), m_db.dbname);
}
