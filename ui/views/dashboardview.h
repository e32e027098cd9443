#pragma once

#include "viewpage.h"

namespace melodee {

// The Dashboard page. A placeholder until its view is built (issue 6).
class DashboardView : public PlaceholderPage
{
    Q_OBJECT

public:
    explicit DashboardView(ConnectionSession *session, QWidget *parent = nullptr);
    QString title() const override;
};

} // namespace melodee
