#pragma once

#include <QString>
#include <QWidget>

namespace melodee::test {

// The dialog's child named `name` (the profile dialog's fields carry object names); a test that
// asks for a field the dialog does not have stops at once.
template<typename T>
T *field(QWidget *dialog, const char *name)
{
    T *w = dialog->findChild<T *>(QString::fromLatin1(name));
    if (!w)
        qFatal("no field %s", name);
    return w;
}

} // namespace melodee::test
