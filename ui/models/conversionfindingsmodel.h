#pragma once

#include <partitions/tableconversion.h>

#include <QAbstractTableModel>
#include <QList>

namespace melodee {

// What a conversion plan does to the table's keys and foreign keys, and why, one row each, then
// the plan's notes: the findings a reviewer reads beside the plan's SQL.
class ConversionFindingsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Subject, WhatHappens, Why, ColumnCount };

    explicit ConversionFindingsModel(QObject *parent = nullptr);

    void setPlan(const ConversionPlan &plan);
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant
    headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString subject;
        QString whatHappens;
        QString why;
    };
    QList<Row> m_rows;
};

} // namespace melodee
