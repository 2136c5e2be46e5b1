#include "tlstrust.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStringList>

namespace qscope {

namespace {

QString subjectOf(const QSslCertificate &c)
{
    QStringList parts;
    for (const auto &[attr, key] : {std::pair{QSslCertificate::CommonName, "CN"},
                                    {QSslCertificate::Organization, "O"},
                                    {QSslCertificate::OrganizationalUnitName, "OU"},
                                    {QSslCertificate::CountryName, "C"}})
        for (const QString &v : c.subjectInfo(attr))
            parts << QLatin1String(key) + QLatin1Char('=') + v;
    return parts.isEmpty() ? QStringLiteral("(no subject)") : parts.join(QStringLiteral(", "));
}

} // namespace

QString colonHex(const QByteArray &digest)
{
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

QString describeRefusedCertificate(const QSslCertificate &certificate)
{
    if (certificate.isNull()) return {};
    return QStringLiteral(" [certificate SHA-256 ") +
           colonHex(certificate.digest(QCryptographicHash::Sha256)) + QStringLiteral(", subject ") +
           subjectOf(certificate) + QLatin1Char(']');
}

std::optional<RefusedCertificate> refusedCertificateIn(const QString &reason)
{
    static const QRegularExpression re(QStringLiteral(
        "\\[certificate SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2}), subject (.*)\\]"));
    const auto m = re.match(reason);
    if (!m.hasMatch()) return std::nullopt;
    RefusedCertificate c;
    c.sha256 = QByteArray::fromHex(m.captured(1).remove(QLatin1Char(':')).toLatin1());
    c.subject = m.captured(2);
    return c;
}

QString addCaFile(QSslSocket *socket, const QString &path)
{
    if (path.isEmpty()) return {};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("TLS: CA file %1: %2").arg(path, f.errorString());
    const QByteArray data = f.readAll();
    QList<QSslCertificate> cas = QSslCertificate::fromData(data, QSsl::Pem);
    if (cas.isEmpty()) cas = QSslCertificate::fromData(data, QSsl::Der);
    if (cas.isEmpty())
        return QStringLiteral("TLS: CA file %1 holds no certificate (PEM or DER)").arg(path);
    QSslConfiguration conf = socket->sslConfiguration();
    conf.addCaCertificates(cas);
    socket->setSslConfiguration(conf);
    return {};
}

} // namespace qscope
