#include "secretstore.h"

#include "util/logging.h"
#include "util/redactor.h"

#include <QEventLoop>
#include <QPromise>

#include <qt6keychain/keychain.h>

namespace melodee {

namespace {

SecretResult resultOf(QKeychain::Job *job)
{
    SecretResult r;
    switch (job->error()) {
    case QKeychain::NoError:
        r.ok = true;
        break;
    case QKeychain::EntryNotFound:
        r.notFound = true;
        r.error = QStringLiteral("no password stored for \"%1\"").arg(job->key());
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        r.keychainUnavailable = true;
        r.error = QStringLiteral("the OS keychain is not available: %1").arg(job->errorString());
        break;
    default:
        r.error = QStringLiteral("keychain error: %1").arg(job->errorString());
        // QtKeychain reports a missing D-Bus session as OtherError.
        if (job->errorString().contains(QLatin1String("D-Bus"), Qt::CaseInsensitive)
            || job->errorString().contains(QLatin1String("DBus"), Qt::CaseInsensitive))
            r.keychainUnavailable = true;
        break;
    }
    r.error = Redactor::redact(r.error);
    return r;
}

template<typename Job>
Job *makeJob(const QString &service, const QString &key)
{
    auto *job = new Job(service);
    job->setAutoDelete(true);
    job->setKey(key);
    // Never fall back to a plain-text file when no keychain exists.
    job->setInsecureFallback(false);
    return job;
}

SecretResult runBlocking(QKeychain::Job *job, QString *value = nullptr)
{
    SecretResult result;
    bool done = false;
    QEventLoop loop;
    // False positive: the context, loop, is declared after result and done, so the connection
    // ends before they do (clazy's lambda-in-connect ignores declaration order).
    QObject::connect(
        job,
        &QKeychain::Job::finished,
        &loop,
        [&result, &done, &loop, value](QKeychain::Job *j) { // clazy:exclude=lambda-in-connect
            result = resultOf(j);
            if (value && result.ok)
                result.value = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
            done = true;
            loop.quit();
        });
    job->start();
    // A backend may finish inside start(); exec() would then wait for a quit that already came.
    if (!done)
        loop.exec();
    return result;
}

} // namespace

SecretStore::SecretStore(const QString &service)
    : m_service(service)
{}

void SecretStore::read(const QString &key, QObject *context, Callback done) const
{
    auto *job = makeJob<QKeychain::ReadPasswordJob>(m_service, key);
    QObject::connect(job, &QKeychain::Job::finished, context, [done](QKeychain::Job *j) {
        SecretResult r = resultOf(j);
        if (r.ok) {
            r.value = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
            Redactor::registerSecret(r.value);
        }
        done(r);
    });
    job->start();
}

QFuture<SecretResult> SecretStore::read(const QString &key) const
{
    auto promise = std::make_shared<QPromise<SecretResult>>();
    promise->start();
    auto *job = makeJob<QKeychain::ReadPasswordJob>(m_service, key);
    // The job deletes itself after finished(); the promise lives as long as the connection.
    QObject::connect(job, &QKeychain::Job::finished, job, [promise](QKeychain::Job *j) {
        SecretResult r = resultOf(j);
        if (r.ok) {
            r.value = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
            Redactor::registerSecret(r.value);
        }
        promise->addResult(r);
        promise->finish();
    });
    job->start();
    return promise->future();
}

void SecretStore::write(const QString &key,
                        const QString &secret,
                        QObject *context,
                        Callback done) const
{
    Redactor::registerSecret(secret);
    auto *job = makeJob<QKeychain::WritePasswordJob>(m_service, key);
    job->setTextData(secret);
    QObject::connect(
        job, &QKeychain::Job::finished, context, [done](QKeychain::Job *j) { done(resultOf(j)); });
    job->start();
}

void SecretStore::remove(const QString &key, QObject *context, Callback done) const
{
    auto *job = makeJob<QKeychain::DeletePasswordJob>(m_service, key);
    QObject::connect(
        job, &QKeychain::Job::finished, context, [done](QKeychain::Job *j) { done(resultOf(j)); });
    job->start();
}

SecretResult SecretStore::readBlocking(const QString &key) const
{
    QString value;
    SecretResult r = runBlocking(makeJob<QKeychain::ReadPasswordJob>(m_service, key), &value);
    if (r.ok)
        Redactor::registerSecret(r.value);
    return r;
}

SecretResult SecretStore::writeBlocking(const QString &key, const QString &secret) const
{
    Redactor::registerSecret(secret);
    auto *job = makeJob<QKeychain::WritePasswordJob>(m_service, key);
    job->setTextData(secret);
    return runBlocking(job);
}

SecretResult SecretStore::removeBlocking(const QString &key) const
{
    return runBlocking(makeJob<QKeychain::DeletePasswordJob>(m_service, key));
}

} // namespace melodee
