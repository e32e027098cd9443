#pragma once

#include "viewpage.h"

namespace melodee {

// The Migrations page. A placeholder until its view is built (issue 6).
class MigrationsView : public PlaceholderPage
{
    Q_OBJECT

public:
    explicit MigrationsView(ConnectionSession *session, QWidget *parent = nullptr);
    QString title() const override;
};

} // namespace melodee
