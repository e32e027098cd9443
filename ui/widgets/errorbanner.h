#pragma once

#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QToolButton;

namespace melodee {

// An inline, non-modal error: one readable line, the details behind a button. Never blocks the
// window the way a message box would while work continues in the background.
class ErrorBanner : public QFrame
{
    Q_OBJECT

public:
    explicit ErrorBanner(QWidget *parent = nullptr);

    void showError(const QString &message, const QString &details = {});
    void showInfo(const QString &message);
    void clear();
    QString message() const;
    QString details() const;
    bool isError() const { return m_error; }

private:
    void setStyle(bool error);

    QLabel *m_label = nullptr;
    QToolButton *m_detailsButton = nullptr;
    QToolButton *m_closeButton = nullptr;
    QPlainTextEdit *m_details = nullptr;
    bool m_error = false;
};

} // namespace melodee
