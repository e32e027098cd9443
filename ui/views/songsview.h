#pragma once

#include "viewpage.h"

namespace melodee {

// The Songs page. A placeholder until its view is built (issue 6).
class SongsView : public PlaceholderPage
{
    Q_OBJECT

public:
    explicit SongsView(ConnectionSession *session, QWidget *parent = nullptr);
    QString title() const override;
};

} // namespace melodee
