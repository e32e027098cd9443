#pragma once

#include "viewpage.h"

namespace melodee {

// The Partitions page. A placeholder until its view is built (issue 6).
class PartitionsView : public PlaceholderPage
{
    Q_OBJECT

public:
    explicit PartitionsView(ConnectionSession *session, QWidget *parent = nullptr);
    QString title() const override;
};

} // namespace melodee
