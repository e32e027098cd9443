#include "logdock.h"

#include <models/logfiltermodel.h>
#include <models/logmodel.h>
#include <util/logging.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QScrollBar>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace melodee {

LogDock::LogDock(QWidget *parent)
    : QDockWidget(tr("Log"), parent)
{
    setObjectName(QStringLiteral("logDock"));
    m_model = new LogModel(this);
    m_filter = new LogFilterModel(this);
    m_filter->setSourceModel(m_model);

    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *bar = new QHBoxLayout;
    auto *levelLabel = new QLabel(tr("&Level:"), content);
    m_level = new QComboBox(content);
    m_level->setObjectName(QStringLiteral("logLevelFilter"));
    for (QtMsgType type : {QtDebugMsg, QtInfoMsg, QtWarningMsg, QtCriticalMsg})
        m_level->addItem(LogModel::levelName(type), LogModel::severity(type));
    levelLabel->setBuddy(m_level);
    m_text = new QLineEdit(content);
    m_text->setObjectName(QStringLiteral("logTextFilter"));
    m_text->setPlaceholderText(tr("Filter by category or message"));
    m_text->setClearButtonEnabled(true);
    auto *clear = new QToolButton(content);
    clear->setText(tr("Clear"));
    bar->addWidget(levelLabel);
    bar->addWidget(m_level);
    bar->addWidget(m_text, 1);
    bar->addWidget(clear);
    layout->addLayout(bar);

    m_table = new QTableView(content);
    m_table->setObjectName(QStringLiteral("logTable"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 4);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setColumnWidth(
        LogModel::TimeColumn,
        m_table->fontMetrics().horizontalAdvance(QStringLiteral("00:00:00.000000")));
    m_table->setColumnWidth(
        LogModel::CategoryColumn,
        m_table->fontMetrics().horizontalAdvance(QStringLiteral("melodee.partitions00")));
    layout->addWidget(m_table);
    setWidget(content);

    connect(m_level, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setMinimumSeverity(m_level->currentData().toInt());
    });
    connect(m_text, &QLineEdit::textChanged, m_filter, &LogFilterModel::setText);
    connect(clear, &QToolButton::clicked, m_model, &LogModel::clear);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &LogDock::onRowsInserted);
    setMinimumSeverity(LogModel::severity(QtInfoMsg));
}

LogDock::~LogDock()
{
    // Unhook before the model goes: after setLogSink() returns no other thread is inside it.
    if (m_capturing)
        setLogSink(nullptr);
}

void LogDock::captureApplicationLog()
{
    m_capturing = true;
    LogModel *model = m_model;
    setLogSink([model](QtMsgType type, const QString &category, const QString &message) {
        model->post(LogEntry{QDateTime::currentDateTime(), type, category, message});
    });
}

void LogDock::setMinimumSeverity(int severity)
{
    const int index = m_level->findData(severity);
    if (index >= 0)
        m_level->setCurrentIndex(index);
    m_filter->setMinimumSeverity(severity);
}

void LogDock::onRowsInserted()
{
    // Follow the tail only when the user has not scrolled up to read something.
    QScrollBar *bar = m_table->verticalScrollBar();
    if (bar->value() >= bar->maximum() - 2)
        QMetaObject::invokeMethod(m_table, &QTableView::scrollToBottom, Qt::QueuedConnection);
}

} // namespace melodee
